/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A bounded string builder with snprintf's contract: the text is always
 * NUL-terminated within len, and pos counts what would have been written
 * had there been room. Every text renderer writes through it.
 */
#ifndef NSTRACE_SBUF_H
#define NSTRACE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

void sb_init(struct sbuf *sb, char *buf, size_t len);
/* n bytes of s (no NUL needed among them). */
void sb_putn(struct sbuf *sb, const char *s, size_t n);
/* v in decimal. */
void sb_putu(struct sbuf *sb, unsigned long long v);

/*
 * A name from the host (a namespace may be called anything but "/"), with
 * the bytes a terminal acts on (control characters, DEL) written as \xNN
 * and a backslash as \\: it cannot end a line or forge one.
 */
void sb_put_visible(struct sbuf *sb, const char *s);

/* One character: inline, for the punctuation JSON is made of. */
static inline void sb_putc(struct sbuf *sb, char c)
{
	/* Beyond the end the NUL is in place already: the first write that
	 * did not fit left it at len - 1. */
	if (sb->pos + 1 < sb->len) {
		sb->buf[sb->pos] = c;
		sb->buf[sb->pos + 1] = '\0';
	}
	sb->pos++;
}
/*
 * printf into the buffer. The conversions the renderers use on every
 * event (%s %u %x, with "ll" or "z", a width, "-" or "0") are formatted
 * here; any other format goes to vsnprintf, whose per-call set-up costs
 * more than a whole event line.
 */
void sb_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
/* Like sb_printf, with a space first unless the text is empty. */
void sb_word(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

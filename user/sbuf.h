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
/* What sb_putn() does when the text does not fit whole. */
void sb_putn_cut(struct sbuf *sb, const char *s, size_t n);

/*
 * n bytes of s (no NUL needed among them). Inline: most runs are a few
 * bytes (a JSON key, a field), for which a call to memcpy costs more than
 * the copy.
 */
static inline void sb_putn(struct sbuf *sb, const char *s, size_t n)
{
	char *d;

	if (sb->pos + n >= sb->len) {
		sb_putn_cut(sb, s, n);
		return;
	}
	d = sb->buf + sb->pos;
	if (n > 16) {
		__builtin_memcpy(d, s, n);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
	d[n] = '\0';
	sb->pos += n;
}
/* Back to the text's first pos bytes (pos no more than sb->pos). */
void sb_truncate(struct sbuf *sb, size_t pos);
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
/* A space between words: none before the first. */
static inline void sb_space(struct sbuf *sb)
{
	if (sb->pos)
		sb_putc(sb, ' ');
}
/* Like sb_printf, with a space first unless the text is empty. */
void sb_word(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif

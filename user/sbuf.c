// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sbuf.h"

void sb_init(struct sbuf *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->pos = 0;
	if (len)
		buf[0] = '\0';
}

void sb_putn_cut(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->pos < sb->len) {
		size_t room = sb->len - sb->pos - 1;
		size_t k = n < room ? n : room;

		memcpy(sb->buf + sb->pos, s, k);
		sb->buf[sb->pos + k] = '\0';
	}
	sb->pos += n;
}

void sb_truncate(struct sbuf *sb, size_t pos)
{
	sb->pos = pos;
	if (pos < sb->len)
		sb->buf[pos] = '\0';
}

/* The digits of v end at text + DIGITS_MAX; returns where they start. Two
 * loops, so that each divides by a constant. */
#define DIGITS_MAX 20 /* 2^64 - 1 in decimal */

static const char hex_digits[] = "0123456789abcdef";

static char *digits(char text[DIGITS_MAX], unsigned long long v, bool hex)
{
	char *p = text + DIGITS_MAX;

	if (hex) {
		do {
			*--p = hex_digits[v & 0xf];
			v >>= 4;
		} while (v);
	} else {
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v);
	}
	return p;
}

void sb_putu(struct sbuf *sb, unsigned long long v)
{
	char text[DIGITS_MAX];
	char *p = digits(text, v, false);

	sb_putn(sb, p, (size_t)(text + DIGITS_MAX - p));
}

static void sb_pad(struct sbuf *sb, char c, size_t n)
{
	char run[16];

	memset(run, c, sizeof(run));
	for (; n > sizeof(run); n -= sizeof(run))
		sb_putn(sb, run, sizeof(run));
	sb_putn(sb, run, n);
}

/* One conversion: [-0]* width? (ll|z)? [sux], or "%%". */
struct conv {
	bool left; /* '-': pad on the right */
	bool zero; /* '0': pad numbers with zeros */
	size_t width;
	char size; /* 0 (int), 'L' (long long), 'z' (size_t) */
	char type; /* 's', 'u', 'x' or '%' */
};

/* Reads a conversion after its '%'; false for one sb_vprintf leaves to
 * vsnprintf (precision, '*', other flags, sizes or types). */
static bool conv_parse(const char **p, struct conv *c)
{
	const char *s = *p;

	memset(c, 0, sizeof(*c));
	for (;; s++) {
		if (*s == '-')
			c->left = true;
		else if (*s == '0')
			c->zero = true;
		else
			break;
	}
	while (*s >= '0' && *s <= '9') {
		if (c->width > 4096)
			return false;
		c->width = c->width * 10 + (size_t)(*s++ - '0');
	}
	if (s[0] == 'l' && s[1] == 'l') {
		c->size = 'L';
		s += 2;
	} else if (*s == 'z') {
		c->size = 'z';
		s++;
	}
	c->type = *s;
	*p = s + 1;
	switch (c->type) {
	case '%':
		return !c->left && !c->zero && !c->width && !c->size;
	case 's':
		/* "0" with %s is undefined; leave it to the C library. */
		return !c->size && !c->zero;
	case 'u':
	case 'x':
		return true;
	}
	return false;
}

static void sb_field(struct sbuf *sb, const struct conv *c, const char *text,
		     size_t n)
{
	size_t pad = c->width > n ? c->width - n : 0;

	if (c->left) {
		sb_putn(sb, text, n);
		sb_pad(sb, ' ', pad);
		return;
	}
	sb_pad(sb, c->zero && c->type != 's' ? '0' : ' ', pad);
	sb_putn(sb, text, n);
}

static void sb_number(struct sbuf *sb, const struct conv *c,
		      unsigned long long v)
{
	char text[DIGITS_MAX];
	char *p = digits(text, v, c->type == 'x');

	sb_field(sb, c, p, (size_t)(text + DIGITS_MAX - p));
}

/* The format from fmt on, through vsnprintf, from where it started. */
static void sb_vsnprintf(struct sbuf *sb, size_t start, const char *fmt,
			 va_list ap)
{
	size_t room = start < sb->len ? sb->len - start : 0;
	int n = vsnprintf(room ? sb->buf + start : NULL, room, fmt, ap);

	sb->pos = start + (n > 0 ? (size_t)n : 0);
}

void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	size_t start = sb->pos;
	struct conv c;
	va_list from_start;

	/* A conversion of vsnprintf's alone may come after some of ours:
	 * then the whole format goes to vsnprintf, from the start. */
	va_copy(from_start, ap);
	for (const char *p = fmt;;) {
		const char *pct = strchrnul(p, '%');
		const char *s;

		sb_putn(sb, p, (size_t)(pct - p));
		if (!*pct)
			break;
		p = pct + 1;
		if (!conv_parse(&p, &c)) {
			sb_vsnprintf(sb, start, fmt, from_start);
			break;
		}
		switch (c.type) {
		case '%':
			sb_putn(sb, "%", 1);
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			sb_field(sb, &c, s, strlen(s));
			break;
		default:
			if (c.size == 'L')
				sb_number(sb, &c, va_arg(ap, unsigned long long));
			else if (c.size == 'z')
				sb_number(sb, &c, va_arg(ap, size_t));
			else
				sb_number(sb, &c, va_arg(ap, unsigned int));
		}
	}
	va_end(from_start);
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

static int terminal_acts_on(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\';
}

void sb_put_visible(struct sbuf *sb, const char *s)
{
	for (;;) {
		size_t n = 0;

		while (s[n] && !terminal_acts_on((unsigned char)s[n]))
			n++;
		sb_putn(sb, s, n);
		if (!s[n])
			return;
		if (s[n] == '\\') {
			sb_putn(sb, "\\\\", 2);
		} else {
			sb_putn(sb, "\\x", 2);
			sb_putc(sb, hex_digits[(unsigned char)s[n] >> 4]);
			sb_putc(sb, hex_digits[(unsigned char)s[n] & 0xf]);
		}
		s += n + 1;
	}
}

void sb_word(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	sb_space(sb);
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

#define JW_LINE_STACK 4096

void jw_init(struct jw *w, char *buf, size_t len)
{
	memset(w, 0, sizeof(*w));
	sb_init(&w->sb, buf, len);
}

/* What jansson escapes: '"', '\\' and the control characters. */
static const bool needs_escape[256] = {
	[0x00 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

/* \b \f \n \r \t by name, the other control characters as \u00XX in
 * upper-case hex, as jansson writes them. */
static void put_escape(struct sbuf *sb, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };
	size_t n = 2;

	switch (c) {
	case '"': esc[1] = '"'; break;
	case '\\': esc[1] = '\\'; break;
	case '\b': esc[1] = 'b'; break;
	case '\f': esc[1] = 'f'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	case '\t': esc[1] = 't'; break;
	default: n = 6;
	}
	sb_putn(sb, esc, n);
}

/* The well-formed UTF-8 sequence at s, whose lead byte is not ASCII: its
 * length, or 0 for what jansson refuses in a string (a stray byte, an
 * overlong form, a surrogate, a code point past U+10FFFF). The NUL that
 * ends the string is no continuation byte, so nothing is read past it. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned int cp, n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, cp = c & 0x07;
	else
		return 0;
	for (unsigned int k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

/*
 * s quoted and escaped as jansson writes it, in one pass: no strlen, and
 * the UTF-8 check on the way. False when check_utf8 is set and s is not
 * well-formed UTF-8: the caller drops what was written.
 */
static bool put_quoted(struct sbuf *sb, const char *s, bool check_utf8)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	sb_putc(sb, '"');
	for (;;) {
		unsigned char c = *p;

		if (c >= 0x80 && check_utf8) {
			size_t n = utf8_seq_len(p);

			if (!n)
				return false;
			p += n;
			continue;
		}
		if (!needs_escape[c]) {
			p++;
			continue;
		}
		sb_putn(sb, (const char *)run, (size_t)(p - run));
		if (!c)
			break;
		put_escape(sb, c);
		run = ++p;
	}
	sb_putc(sb, '"');
	return true;
}

/* The comma and the key before a member. */
static void member(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		if (w->started[w->depth - 1])
			sb_putc(&w->sb, ',');
		w->started[w->depth - 1] = true;
	}
	/* Keys are the renderers' own names, or jansson's (UTF-8 already). */
	if (key) {
		put_quoted(&w->sb, key, false);
		sb_putc(&w->sb, ':');
	}
}

static void open_value(struct jw *w, const char *key, char open, char close)
{
	member(w, key);
	sb_putc(&w->sb, open);
	if (w->depth == JW_MAX_DEPTH) {
		w->deep = true;
		return;
	}
	w->started[w->depth] = false;
	w->close[w->depth++] = close;
}

void jw_object(struct jw *w, const char *key)
{
	open_value(w, key, '{', '}');
}

void jw_array(struct jw *w, const char *key)
{
	open_value(w, key, '[', ']');
}

void jw_end(struct jw *w)
{
	if (w->depth > 0)
		sb_putc(&w->sb, w->close[--w->depth]);
}

void jw_string(struct jw *w, const char *key, const char *s)
{
	size_t mark = w->sb.pos;
	bool *started = w->depth > 0 ? &w->started[w->depth - 1] : NULL;
	bool was_started = started && *started;

	member(w, key);
	if (put_quoted(&w->sb, s, true))
		return;
	/* Not UTF-8: the member goes, key and all, as json_string() refuses
	 * it; the text and the comma state are as before the member. */
	sb_truncate(&w->sb, mark);
	if (started)
		*started = was_started;
}

void jw_stringf(struct jw *w, const char *key, const char *fmt, ...)
{
	char buf[64];
	struct sbuf sb;
	va_list ap;

	sb_init(&sb, buf, sizeof(buf));
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	jw_string(w, key, buf);
}

void jw_int(struct jw *w, const char *key, long long v)
{
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	member(w, key);
	if (v < 0)
		sb_putc(&w->sb, '-');
	sb_putu(&w->sb, u);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	member(w, key);
	sb_putn(&w->sb, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w, const char *key)
{
	member(w, key);
	sb_putn(&w->sb, "null", 4);
}

bool jw_write_line(FILE *out, jw_render_fn render, const void *ctx)
{
	char stack_buf[JW_LINE_STACK];
	char *buf = stack_buf;
	struct jw w;

	jw_init(&w, stack_buf, sizeof(stack_buf));
	if (!render(&w, ctx) || w.deep)
		return false;
	if (w.sb.pos + 1 >= sizeof(stack_buf)) {
		size_t len = w.sb.pos + 2;

		buf = malloc(len);
		if (!buf)
			return false;
		jw_init(&w, buf, len);
		render(&w, ctx);
	}
	buf[w.sb.pos] = '\n';
	fwrite(buf, 1, w.sb.pos + 1, out);
	if (buf != stack_buf)
		free(buf);
	return true;
}

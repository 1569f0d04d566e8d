// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json_line.h"
#include "sbuf.h"

#define JSON_LINE_STACK 2048
/* Deeper than any renderer nests; deeper values go to jansson. */
#define JSON_LINE_MAX_DEPTH 32

/* jansson's escapes: '"', '\\', the control characters (\b \f \n \r \t by
 * name, the others as \u00XX, upper-case hex); UTF-8 as it is (json_t
 * strings are valid UTF-8: jansson checks when they are made). */
static void put_string(struct sbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	sb_putn(sb, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 0 };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		sb_putn(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			n = 6;
		}
		sb_putn(sb, esc, n);
	}
	sb_putn(sb, s + run, len - run);
	sb_putn(sb, "\"", 1);
}

static void put_integer(struct sbuf *sb, json_int_t v)
{
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	if (v < 0)
		sb_putn(sb, "-", 1);
	sb_printf(sb, "%llu", u);
}

/* False for what jansson should write (a real, too deep). */
static bool put_value(struct sbuf *sb, const json_t *v, int depth)
{
	const char *key;
	json_t *item;
	size_t i;
	bool first = true;

	if (depth > JSON_LINE_MAX_DEPTH)
		return false;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		sb_putn(sb, "{", 1);
		/* Insertion order, as jansson's dump without JSON_SORT_KEYS. */
		json_object_foreach((json_t *)v, key, item) {
			if (!first)
				sb_putn(sb, ",", 1);
			first = false;
			put_string(sb, key, strlen(key));
			sb_putn(sb, ":", 1);
			if (!put_value(sb, item, depth + 1))
				return false;
		}
		sb_putn(sb, "}", 1);
		return true;
	case JSON_ARRAY:
		sb_putn(sb, "[", 1);
		json_array_foreach(v, i, item) {
			if (i)
				sb_putn(sb, ",", 1);
			if (!put_value(sb, item, depth + 1))
				return false;
		}
		sb_putn(sb, "]", 1);
		return true;
	case JSON_STRING:
		put_string(sb, json_string_value(v), json_string_length(v));
		return true;
	case JSON_INTEGER:
		put_integer(sb, json_integer_value(v));
		return true;
	case JSON_TRUE:
		sb_putn(sb, "true", 4);
		return true;
	case JSON_FALSE:
		sb_putn(sb, "false", 5);
		return true;
	case JSON_NULL:
		sb_putn(sb, "null", 4);
		return true;
	default:
		return false;
	}
}

/* The line in buf (len bytes, room for the newline): 0, or -1 when
 * jansson must write it. */
static int format_line(char *buf, size_t len, const json_t *v, size_t *n)
{
	struct sbuf sb;

	sb_init(&sb, buf, len);
	if (!put_value(&sb, v, 0))
		return -1;
	*n = sb.pos;
	return 0;
}

static void write_with_jansson(FILE *out, const json_t *v)
{
	json_dumpf(v, out, JSON_COMPACT);
	fputc('\n', out);
}

void json_line_write(FILE *out, const json_t *v)
{
	char stack_buf[JSON_LINE_STACK];
	char *buf = stack_buf;
	size_t n;

	if (!v)
		return;
	if (format_line(stack_buf, sizeof(stack_buf), v, &n)) {
		write_with_jansson(out, v);
		return;
	}
	if (n + 1 >= sizeof(stack_buf)) {
		/* Too long for the stack: again, into a buffer that fits. */
		buf = malloc(n + 2);
		if (!buf) {
			write_with_jansson(out, v);
			return;
		}
		format_line(buf, n + 2, v, &n);
	}
	buf[n] = '\n';
	fwrite(buf, 1, n + 1, out);
	if (buf != stack_buf)
		free(buf);
}

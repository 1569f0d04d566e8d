/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * JSON written straight into a string builder, as jansson's compact dump
 * would write the same object built member by member: the renderers of
 * events and timelines, which a flood asks for hundreds of thousands of
 * times a second, build no tree.
 */
#ifndef NSTRACE_JSON_WRITER_H
#define NSTRACE_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sbuf.h"

#define JW_MAX_DEPTH 16

struct jw {
	struct sbuf sb;
	int depth;
	bool deep; /* nesting went past JW_MAX_DEPTH: the text is wrong */
	bool started[JW_MAX_DEPTH]; /* a member is written at this level */
	char close[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, char *buf, size_t len);

/*
 * Members: key is the member's name inside an object and NULL inside an
 * array (or for the top value). A string that is not valid UTF-8 is left
 * out, key and all, as jansson's json_string() refuses it.
 */
void jw_object(struct jw *w, const char *key);
void jw_array(struct jw *w, const char *key);
void jw_end(struct jw *w);
void jw_string(struct jw *w, const char *key, const char *s);
/* A string made by printf, up to 63 bytes (numbers, times, addresses). */
void jw_stringf(struct jw *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void jw_int(struct jw *w, const char *key, long long v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);

/*
 * One JSON line: render(w, ctx) writes one top-level value, or returns
 * false when it cannot; the line goes to out with a newline in one write,
 * rendered again into a larger buffer when the first did not hold it.
 * False, and nothing written, when render() said so, nesting went too
 * deep or memory ran out.
 */
typedef bool (*jw_render_fn)(struct jw *w, const void *ctx);
bool jw_write_line(FILE *out, jw_render_fn render, const void *ctx);

#endif

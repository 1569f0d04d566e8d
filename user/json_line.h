/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One JSON value as one line of JSON Lines: compact, a newline, one write.
 */
#ifndef NSTRACE_JSON_LINE_H
#define NSTRACE_JSON_LINE_H

#include <stdio.h>

#include <jansson.h>

/*
 * The text is jansson's own (json_dumpb with JSON_COMPACT), byte for byte,
 * but written by json_writer for the values renderers make (objects,
 * arrays, strings, integers, true, false, null): jansson's dump formats a
 * pointer and fills a hash table for every object it enters. A value with
 * a real in it, or nested deeper than JW_MAX_DEPTH, goes to jansson.
 */
void json_line_write(FILE *out, const json_t *v);

#endif

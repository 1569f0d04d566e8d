// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>

#include "json_line.h"
#include "json_writer.h"

/* False for what jansson should write (a real); nesting deeper than
 * JW_MAX_DEPTH jw_write_line() hands back to it. */
static bool put_value(struct jw *w, const char *key, const json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_object(w, key);
		/* Insertion order, as jansson's dump without JSON_SORT_KEYS. */
		json_object_foreach((json_t *)v, k, item)
			if (!put_value(w, k, item))
				return false;
		jw_end(w);
		return true;
	case JSON_ARRAY:
		jw_array(w, key);
		json_array_foreach(v, i, item)
			if (!put_value(w, NULL, item))
				return false;
		jw_end(w);
		return true;
	case JSON_STRING:
		/* Valid UTF-8 (jansson checks when it makes a string); one
		 * with a NUL inside is jansson's to write. */
		if (strlen(json_string_value(v)) != json_string_length(v))
			return false;
		jw_string(w, key, json_string_value(v));
		return true;
	case JSON_INTEGER:
		jw_int(w, key, json_integer_value(v));
		return true;
	case JSON_TRUE:
	case JSON_FALSE:
		jw_bool(w, key, json_is_true(v));
		return true;
	case JSON_NULL:
		jw_null(w, key);
		return true;
	default:
		return false;
	}
}

static bool render_tree(struct jw *w, const void *v)
{
	return put_value(w, NULL, v);
}

void json_line_write(FILE *out, const json_t *v)
{
	if (!v || jw_write_line(out, render_tree, v))
		return;
	json_dumpf(v, out, JSON_COMPACT);
	fputc('\n', out);
}

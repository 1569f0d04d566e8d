/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * JSON lines are written by nstrace's own serialiser: every value must come
 * out as jansson's json_dumpb(JSON_COMPACT) writes it, and one newline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json_line.h"
#include "json_writer.h"
#include "testlib.h"

/* json_line_write(v) must equal jansson's compact text and a newline. */
static void assert_like_jansson(json_t *v)
{
	char *ours = NULL, *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = 0;
	FILE *f = open_memstream(&ours, &len);

	ck_assert_ptr_nonnull(theirs);
	ck_assert_ptr_nonnull(f);
	json_line_write(f, v);
	fclose(f);
	ck_assert_uint_eq(len, strlen(theirs) + 1);
	ck_assert_int_eq(ours[len - 1], '\n');
	ours[len - 1] = '\0';
	ck_assert_str_eq(ours, theirs);
	free(ours);
	free(theirs);
	json_decref(v);
}

START_TEST(values_like_jansson)
{
	char controls[32];

	for (int i = 1; i < 32; i++)
		controls[i - 1] = (char)i;
	controls[31] = '\0';
	assert_like_jansson(json_pack("{s:s,s:i,s:I,s:I,s:b,s:b,s:n}", "type", "event",
				      "version", 1, "ts_ns", (json_int_t)1764200000123456789ll,
				      "neg", (json_int_t)-9223372036854775807ll - 1, "t", 1,
				      "f", 0, "nothing"));
	assert_like_jansson(json_pack("{s:[],s:{},s:[i,[i,{}],s]}", "a", "o", "nest",
				      0, -1, "x"));
	assert_like_jansson(json_pack("{s:s}", "quote\"back\\slash/",
				      "tab\there\nnew\rret\bbs\fff"));
	assert_like_jansson(json_pack("{s:s}", "ctl", controls));
	assert_like_jansson(json_pack("{s:s,s:s}", "utf8", "qr-\xc3\xa9t\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x93\xa6",
				      "", "empty key"));
	assert_like_jansson(json_pack("[i,i,i]", 0, 2147483647, -2147483647));
	assert_like_jansson(json_string("a bare string"));
	/* A real goes to jansson (its number format), the line is the same. */
	assert_like_jansson(json_pack("{s:f,s:[f]}", "median_us", 12.5, "all", 0.1));
}
END_TEST

START_TEST(long_lines_and_deep_values)
{
	json_t *big = json_array(), *deep = json_array(), *cur = deep;
	char *text = malloc(5000);

	memset(text, 'x', 4999);
	text[4999] = '\0';
	for (int i = 0; i < 300; i++)
		json_array_append_new(big, json_integer(i * 1000003));
	json_array_append_new(big, json_string(text));
	assert_like_jansson(big);
	for (int i = 0; i < 40; i++) {
		json_t *next = json_array();

		json_array_append_new(cur, next);
		cur = next;
	}
	assert_like_jansson(deep);
	free(text);
}
END_TEST

/* The writer takes a string as jansson's json_string() does: a string that
 * is not well-formed UTF-8 leaves its member out. */
START_TEST(writer_strings_like_json_string)
{
	static const char *const strings[] = {
		"ascii", "caf\xc3\xa9", "\xe2\x86\x92", "\xf0\x9f\x93\xa6", "\xf4\x8f\xbf\xbf",
		"\xc3", "\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80", "\xe2\x86", "ok\xff", "\x1f\"\\",
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		json_t *o = json_object();
		char buf[128], *theirs;
		struct jw w;

		json_object_set_new(o, "before", json_integer(1));
		json_object_set_new(o, "s", json_string(strings[i]));
		json_object_set_new(o, "after", json_integer(2));
		theirs = json_dumps(o, JSON_COMPACT);
		jw_init(&w, buf, sizeof(buf));
		jw_object(&w, NULL);
		jw_int(&w, "before", 1);
		jw_string(&w, "s", strings[i]);
		jw_int(&w, "after", 2);
		jw_end(&w);
		ck_assert_msg(!strcmp(buf, theirs), "string %zu: %s vs %s", i, buf, theirs);
		free(theirs);
		json_decref(o);
		/* First in its object: no comma left behind when it goes. */
		o = json_pack("[{}]");
		json_object_set_new(json_array_get(o, 0), "s", json_string(strings[i]));
		json_object_set_new(json_array_get(o, 0), "after", json_integer(2));
		theirs = json_dumps(o, JSON_COMPACT);
		jw_init(&w, buf, sizeof(buf));
		jw_array(&w, NULL);
		jw_object(&w, NULL);
		jw_string(&w, "s", strings[i]);
		jw_int(&w, "after", 2);
		jw_end(&w);
		jw_end(&w);
		ck_assert_msg(!strcmp(buf, theirs), "string %zu first: %s vs %s", i, buf, theirs);
		free(theirs);
		json_decref(o);
	}
}
END_TEST

NSTRACE_SUITE(json_line)
{
	Suite *s = suite_create("json_line");
	TCase *tc = tcase_create("json_line");

	tcase_add_test(tc, values_like_jansson);
	tcase_add_test(tc, long_lines_and_deep_values);
	tcase_add_test(tc, writer_strings_like_json_string);
	suite_add_tcase(s, tc);
	return s;
}

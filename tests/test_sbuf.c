/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The string builder formats its common conversions itself: every result
 * must be snprintf's, byte for byte, at every buffer length (truncation
 * and the count of what did not fit included). Likewise the hand-made MAC
 * and IPv4 formatters against snprintf and inet_ntop.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/types.h>

#include "names.h"
#include "nstrace_event.h"
#include "sbuf.h"
#include "testlib.h"

#define BUF_MAX 64

/* Truncated output is what half of these comparisons are about. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* The text written into a buffer of len bytes ('#' marks bytes untouched),
 * and the count returned, by the builder and by snprintf. */
#define SAME_AS_SNPRINTF(fmt, ...)                                            \
	do {                                                                  \
		for (size_t len = 0; len <= BUF_MAX; len++) {                 \
			char ours[BUF_MAX + 1], libc[BUF_MAX + 1];            \
			struct sbuf sb;                                       \
			int n;                                                \
                                                                              \
			memset(ours, '#', sizeof(ours));                      \
			memset(libc, '#', sizeof(libc));                      \
			sb_init(&sb, ours, len);                              \
			sb_printf(&sb, fmt, __VA_ARGS__);                     \
			n = snprintf(len ? libc : NULL, len, fmt, __VA_ARGS__); \
			ck_assert_msg(sb.pos == (size_t)n,                    \
				      "%s: count %zu, snprintf %d (len %zu)", \
				      fmt, sb.pos, n, len);                   \
			ck_assert_msg(!memcmp(ours, libc, sizeof(ours)),      \
				      "%s: '%.*s' vs '%.*s' (len %zu)", fmt,  \
				      (int)len, ours, (int)len, libc, len);   \
		}                                                             \
	} while (0)

START_TEST(conversions_match_snprintf)
{
	SAME_AS_SNPRINTF("%s", "plain");
	SAME_AS_SNPRINTF("no conversion at all%s", "");
	SAME_AS_SNPRINTF("%s.%u > %s.%u", "10.0.0.5", 68u, "255.255.255.255", 67u);
	SAME_AS_SNPRINTF("%u %u %u", 0u, 4294967295u, 1000000u);
	SAME_AS_SNPRINTF("key 0x%x vni %x", 0x40u, 0xdeadbeefu);
	SAME_AS_SNPRINTF("xid 0x%08x 0x%06x 0x%04x", 0x1a2bu, 0xabcu, 0x1u);
	SAME_AS_SNPRINTF("%016llx", 0xffffffff81234567ull);
	SAME_AS_SNPRINTF("%llu.%03llu", 123456ull, 7ull);
	SAME_AS_SNPRINTF("%llx %llu", 0ull, 18446744073709551615ull);
	SAME_AS_SNPRINTF("%zu of %zu", (size_t)3, (size_t)0);
	SAME_AS_SNPRINTF("[%-9s][%12s][%-3s]", "qvo", "tap1234abcd-56", "in");
	SAME_AS_SNPRINTF("[%5u][%-5u][%05u][%0u]", 42u, 42u, 42u, 7u);
	SAME_AS_SNPRINTF("[%40s]", "padding longer than one run of the pad");
	/* Pads of one byte more than a run of the pad, and two runs and one. */
	SAME_AS_SNPRINTF("[%20s][%-36s]", "abc", "abc");
	SAME_AS_SNPRINTF("[%020u][%-34x]", 7u, 0xabu);
	SAME_AS_SNPRINTF("100%% of %s", "it");
	/* Left to vsnprintf: precision, '*', types of no renderer. */
	SAME_AS_SNPRINTF("%.0u|%.3s|%-*s|", 0u, "abcdef", 6, "ab");
	SAME_AS_SNPRINTF("%d %c %+d", -5, 'x', 3);
}
END_TEST

START_TEST(word_and_putn_keep_the_contract)
{
	char buf[8];
	struct sbuf sb;

	sb_init(&sb, buf, sizeof(buf));
	sb_word(&sb, "%s", "ab");
	sb_word(&sb, "%u", 12u);
	ck_assert_str_eq(buf, "ab 12");
	sb_word(&sb, "%s", "xyz");
	ck_assert_str_eq(buf, "ab 12 x");
	ck_assert_uint_eq(sb.pos, 9);
	sb_putn(&sb, "more", 4);
	ck_assert_str_eq(buf, "ab 12 x");
	ck_assert_uint_eq(sb.pos, 13);
	sb_init(&sb, NULL, 0);
	sb_printf(&sb, "%s %u", "nothing fits", 1u);
	ck_assert_uint_eq(sb.pos, 14);
}
END_TEST

typedef void (*sb_writer)(struct sbuf *sb, const void *arg);

/* What write() leaves in a buffer of every length up to 24 ('#' marks
 * bytes untouched), and its count, against snprintf's of want. */
static void same_as_snprintf_of(sb_writer write, const void *arg, const char *want)
{
	for (size_t len = 0; len <= 24; len++) {
		char ours[32], libc[32];
		struct sbuf sb;
		int n;

		memset(ours, '#', sizeof(ours));
		memset(libc, '#', sizeof(libc));
		sb_init(&sb, ours, len);
		write(&sb, arg);
		n = snprintf(len ? libc : NULL, len, "%s", want);
		ck_assert_uint_eq(sb.pos, (size_t)n);
		ck_assert_msg(!memcmp(ours, libc, sizeof(ours)), "len %zu: '%.*s' vs '%.*s'", len,
			      (int)len, ours, (int)len, libc);
	}
}

static void put_braced_number(struct sbuf *sb, const void *arg)
{
	sb_putc(sb, '{');
	sb_putu(sb, *(const unsigned long long *)arg);
	sb_putc(sb, '}');
}

/* sb_putc and sb_putu against snprintf of the same text. */
START_TEST(putc_and_putu_match_snprintf)
{
	static const unsigned long long values[] = { 0, 7, 10, 4294967295ull,
						     18446744073709551615ull };

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "{%llu}", values[i]);
		same_as_snprintf_of(put_braced_number, &values[i], want);
	}
}
END_TEST

START_TEST(mac_and_ipv4_match_libc)
{
	static const __u8 macs[][6] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 0xfa, 0x16, 0x3e, 0x0a, 0xb0, 0x09 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	char ours[IP_STR_LEN], libc[IP_STR_LEN];
	__u8 addr[16] = { 0 };

	for (size_t i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		snprintf(libc, sizeof(libc), "%02x:%02x:%02x:%02x:%02x:%02x",
			 macs[i][0], macs[i][1], macs[i][2], macs[i][3],
			 macs[i][4], macs[i][5]);
		ck_assert_str_eq(fmt_mac(ours, macs[i]), libc);
	}
	/* Every byte value in every position. */
	for (unsigned int v = 0; v < 256; v++) {
		addr[0] = (__u8)v;
		addr[1] = (__u8)(255 - v);
		addr[2] = (__u8)(v * 7);
		addr[3] = (__u8)(v / 3);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, addr, libc, sizeof(libc)));
		ck_assert_str_eq(fmt_ip(ours, NSTRACE_L3_IPV4, addr), libc);
		ck_assert_str_eq(fmt_ip(ours, NSTRACE_L3_ARP, addr), libc);
	}
	inet_pton(AF_INET6, "fe80::f816:3eff:fe0a:b009", addr);
	ck_assert_str_eq(fmt_ip(ours, NSTRACE_L3_IPV6, addr), "fe80::f816:3eff:fe0a:b009");
}
END_TEST

static void put_visible(struct sbuf *sb, const void *arg)
{
	sb_put_visible(sb, arg);
}

/* Names from the host: what a terminal acts on comes out as \xNN, a
 * backslash doubled, the rest as is; the contract holds when cut. */
START_TEST(visible_escapes_what_a_terminal_acts_on)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "qdhcp-1f2e", "qdhcp-1f2e" },
		{ "", "" },
		{ "evil\nns", "evil\\x0ans" },
		{ "a\\b", "a\\\\b" },
		{ "\x1b[2J\x7f\t", "\\x1b[2J\\x7f\\x09" },
		{ "\xc3\xa9t\xc3\xa9 ", "\xc3\xa9t\xc3\xa9 " }, /* UTF-8 and spaces stay */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_as_snprintf_of(put_visible, cases[i].in, cases[i].out);
}
END_TEST

NSTRACE_SUITE(sbuf)
{
	Suite *s = suite_create("sbuf");
	TCase *tc = tcase_create("sbuf");

	tcase_add_test(tc, conversions_match_snprintf);
	tcase_add_test(tc, word_and_putn_keep_the_contract);
	tcase_add_test(tc, putc_and_putu_match_snprintf);
	tcase_add_test(tc, mac_and_ipv4_match_libc);
	tcase_add_test(tc, visible_escapes_what_a_terminal_acts_on);
	suite_add_tcase(s, tc);
	return s;
}

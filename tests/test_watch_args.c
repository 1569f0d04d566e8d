// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What `nstrace watch` makes of its arguments: devices and the filter. */
#include <errno.h>
#include <string.h>

#include "dev_target.h"
#include "filter_args.h"
#include "testlib.h"

static char msg[512];

START_TEST(test_dev_spec)
{
	struct dev_target t;

	ck_assert_int_eq(dev_target_parse(&t, "qdhcp-1234/tap1234abcd-12", msg, sizeof(msg)), 0);
	ck_assert_str_eq(t.netns, "qdhcp-1234");
	ck_assert_str_eq(t.dev, "tap1234abcd-12");
	ck_assert_int_eq(t.netns_fd, -1);

	ck_assert_int_eq(dev_target_parse(&t, "eth0", msg, sizeof(msg)), 0);
	ck_assert_str_eq(t.netns, "");
	ck_assert_str_eq(t.dev, "eth0");

	/* A path: the device is after the last '/'. */
	ck_assert_int_eq(dev_target_parse(&t, "/proc/42/ns/net/veth0", msg, sizeof(msg)), 0);
	ck_assert_str_eq(t.netns, "/proc/42/ns/net");
	ck_assert_str_eq(t.dev, "veth0");

	ck_assert_int_eq(dev_target_parse(&t, "qdhcp-1/", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "'qdhcp-1/'"));
	ck_assert_int_eq(dev_target_parse(&t, "/eth0", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "namespace before '/' is empty"));
	ck_assert_int_eq(dev_target_parse(&t, "ns/0123456789abcdef", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(dev_target_parse(&t, "", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(dev_target_parse(&t, "n\ts/eth0", msg, sizeof(msg)), -EINVAL);
}
END_TEST

START_TEST(test_mac_and_ip)
{
	struct nstrace_filter f = {};
	static const __u8 want[6] = { 0xfa, 0x16, 0x3e, 0x12, 0x34, 0x56 };
	static const __u8 v6[16] = { 0xfd, 0, [15] = 5 };

	ck_assert_int_eq(filter_add_mac(&f, "fa:16:3e:12:34:56", msg, sizeof(msg)), 0);
	ck_assert_int_eq(filter_add_mac(&f, "FA-16-3E-12-34-56", msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.n_macs, 2);
	ck_assert_mem_eq(f.macs[0], want, 6);
	ck_assert_mem_eq(f.macs[1], want, 6);
	ck_assert_uint_eq(f.flags, NSTRACE_M_MAC);
	ck_assert_int_eq(filter_add_mac(&f, "fa:16:3e:12:34", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(filter_add_mac(&f, "fa:16:3e:12:34:567", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(filter_add_mac(&f, "zz:16:3e:12:34:56", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "bad --mac 'zz:16:3e:12:34:56'"));
	ck_assert_int_eq(f.n_macs, 2);

	ck_assert_int_eq(filter_add_ip(&f, "10.0.0.5", msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.ips[0].family, NSTRACE_L3_IPV4);
	ck_assert_mem_eq(f.ips[0].addr, ((__u8[]){ 10, 0, 0, 5 }), 4);
	ck_assert_int_eq(filter_add_ip(&f, "fd00::5", msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.ips[1].family, NSTRACE_L3_IPV6);
	ck_assert_mem_eq(f.ips[1].addr, v6, 16);
	ck_assert_int_eq(filter_add_ip(&f, "10.0.0.0/24", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "'10.0.0.0/24'"));
	ck_assert_int_eq(filter_add_ip(&f, "10.0.0.7", msg, sizeof(msg)), 0);
	ck_assert_int_eq(filter_add_ip(&f, "10.0.0.8", msg, sizeof(msg)), 0);
	ck_assert_int_eq(filter_add_ip(&f, "10.0.0.9", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "too many --ip"));
	ck_assert_uint_eq(f.flags, NSTRACE_M_MAC | NSTRACE_M_IP);
}
END_TEST

START_TEST(test_proto_and_ids)
{
	struct nstrace_filter f = {};

	ck_assert_int_eq(filter_add_proto(&f, "dhcp,arp", msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.proto_mask, NSTRACE_P_DHCP | NSTRACE_P_ARP);
	ck_assert_int_eq(filter_add_proto(&f, "icmp", msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.proto_mask, NSTRACE_P_DHCP | NSTRACE_P_ARP | NSTRACE_P_ICMP);
	ck_assert_int_eq(filter_add_proto(&f, "dhcp,smtp", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "'smtp'"));
	ck_assert_int_eq(filter_add_proto(&f, ",", msg, sizeof(msg)), -EINVAL);

	ck_assert_int_eq(filter_set_xid(&f, "0x3c0d9e4a", msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.xid, 0x3c0d9e4a);
	ck_assert_int_eq(filter_set_xid(&f, "42", msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.xid, 42);
	ck_assert_int_eq(filter_set_xid(&f, "0x1ffffffff", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(filter_set_xid(&f, "-1", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(filter_set_icmp_id(&f, "65535", msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.icmp_id, 65535);
	ck_assert_int_eq(filter_set_icmp_id(&f, "65536", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(filter_set_tun_key(&f, "4294967295", msg, sizeof(msg)), 0);
	ck_assert_uint_eq(f.tun_key, 4294967295u);
	ck_assert_int_eq(filter_set_tun_key(&f, "1x", msg, sizeof(msg)), -EINVAL);
	ck_assert_uint_eq(f.flags, NSTRACE_M_XID | NSTRACE_M_ICMP_ID | NSTRACE_M_TUN_KEY);
}
END_TEST

NSTRACE_SUITE(watch_args)
{
	Suite *s = suite_create("watch_args");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_dev_spec);
	tcase_add_test(tc, test_mac_and_ip);
	tcase_add_test(tc, test_proto_and_ids);
	suite_add_tcase(s, tc);
	return s;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Neutron's naming rules: roles, namespace kinds, UUID prefixes. */
#include <string.h>

#include "neutron_names.h"
#include "testlib.h"

static const char *const PORT = "1bbe7c60-4293-46e0-8f04-34de481679bb";

START_TEST(test_device_roles)
{
	static const struct {
		const char *dev;
		enum ns_kind ns;
		enum dev_role role;
	} cases[] = {
		{ "tap1bbe7c60-42", NSK_OTHER, ROLE_TAP },
		{ "tap1bbe7c60-42", NSK_QDHCP, ROLE_DHCP_TAP },
		{ "qbr1bbe7c60-42", NSK_OTHER, ROLE_QBR },
		{ "qvb1bbe7c60-42", NSK_OTHER, ROLE_QVB },
		{ "qvo1bbe7c60-42", NSK_OTHER, ROLE_QVO },
		/* ovs_use_veth: the DHCP port's inner end */
		{ "ns-d0916703-4c", NSK_QDHCP, ROLE_DHCP_TAP },
		{ "qr-a0c80912-3b", NSK_QROUTER, ROLE_QR },
		{ "qg-88e58f8b-5e", NSK_QROUTER, ROLE_QG },
		{ "ha-88e58f8b-5e", NSK_QROUTER, ROLE_HA },
		{ "sg-88e58f8b-5e", NSK_SNAT, ROLE_SG },
		{ "fg-88e58f8b-5e", NSK_FIP, ROLE_FG },
		{ "rfp-935f6dc0-f", NSK_QROUTER, ROLE_RFP },
		{ "fpr-935f6dc0-f", NSK_FIP, ROLE_FPR },
		{ "patch-tun", NSK_OTHER, ROLE_PATCH },
		{ "patch-int", NSK_OTHER, ROLE_PATCH },
		{ "int-br-ex", NSK_OTHER, ROLE_PATCH },
		{ "phy-br-ex", NSK_OTHER, ROLE_PATCH },
		{ "gre-c0a8f00a", NSK_OTHER, ROLE_TUNNEL },
		{ "vxlan-0a000002", NSK_OTHER, ROLE_TUNNEL },
		{ "geneve-0a00002", NSK_OTHER, ROLE_TUNNEL },
		{ "br-int", NSK_OTHER, ROLE_BR_INT },
		{ "br-tun", NSK_OTHER, ROLE_BR_TUN },
		{ "br-ex", NSK_OTHER, ROLE_BR_EX },
		{ "br-phy", NSK_OTHER, ROLE_OVS_BRIDGE },
		/* look-alikes that are not Neutron's */
		{ "tapestry", NSK_OTHER, ROLE_UNKNOWN },
		{ "tap0", NSK_OTHER, ROLE_UNKNOWN },
		{ "ns-default", NSK_QDHCP, ROLE_UNKNOWN },
		{ "qvoXYZ", NSK_OTHER, ROLE_UNKNOWN },
		{ "gre-xyz", NSK_OTHER, ROLE_UNKNOWN },
		{ "gre-", NSK_OTHER, ROLE_UNKNOWN },
		{ "eth0", NSK_OTHER, ROLE_UNKNOWN },
		{ "", NSK_OTHER, ROLE_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(dev_classify(cases[i].dev, cases[i].ns) == cases[i].role,
			      "%s in %s: got %s, want %s", cases[i].dev, ns_kind_name(cases[i].ns),
			      role_name(dev_classify(cases[i].dev, cases[i].ns)),
			      role_name(cases[i].role));
}
END_TEST

START_TEST(test_role_names_are_distinct)
{
	for (int a = 0; a < ROLE__COUNT; a++) {
		ck_assert_ptr_nonnull(role_name(a));
		for (int b = a + 1; b < ROLE__COUNT; b++)
			ck_assert_str_ne(role_name(a), role_name(b));
	}
	ck_assert_str_eq(role_name(ROLE__COUNT), "unknown");
}
END_TEST

START_TEST(test_namespace_kinds)
{
	char uuid[UUID_STR_LEN];

	ck_assert_int_eq(ns_classify("qdhcp-531828EF-469d-4efc-acf0-ad00ee510267", uuid),
			 NSK_QDHCP);
	ck_assert_str_eq(uuid, "531828ef-469d-4efc-acf0-ad00ee510267");
	ck_assert_int_eq(ns_classify("qrouter-935f6dc0-f14f-4a06-baf1-06bb53417386", uuid),
			 NSK_QROUTER);
	ck_assert_str_eq(uuid, "935f6dc0-f14f-4a06-baf1-06bb53417386");
	ck_assert_int_eq(ns_classify("snat-935f6dc0-f14f-4a06-baf1-06bb53417386", NULL), NSK_SNAT);
	ck_assert_int_eq(ns_classify("fip-99cacd89-62af-4aae-a987-8d327dee73b6", NULL), NSK_FIP);
	/* a truncated or decorated UUID is not Neutron's */
	ck_assert_int_eq(ns_classify("qdhcp-531828ef-469d-4efc-acf0-ad00ee51026", uuid), NSK_OTHER);
	ck_assert_str_eq(uuid, "");
	ck_assert_int_eq(ns_classify("qdhcp-531828ef-469d-4efc-acf0-ad00ee510267x", NULL),
			 NSK_OTHER);
	ck_assert_int_eq(ns_classify("qrouter", NULL), NSK_OTHER);
	ck_assert_int_eq(ns_classify("root", NULL), NSK_OTHER);
}
END_TEST

START_TEST(test_uuid_forms)
{
	ck_assert(uuid_is_valid(PORT));
	ck_assert(uuid_is_valid("1BBE7C60-4293-46E0-8F04-34DE481679BB"));
	ck_assert(!uuid_is_valid("1bbe7c60429346e08f0434de481679bb"));
	ck_assert(!uuid_is_valid("1bbe7c60-4293-46e0-8f04-34de481679b"));
	ck_assert(!uuid_is_valid("1bbe7c60-4293-46e0-8f04-34de481679bg"));
	ck_assert(uuid_prefix_is_valid("1bbe7c60", UUID_MIN_PREFIX));
	ck_assert(uuid_prefix_is_valid("1bbe7c60-4", UUID_MIN_PREFIX));
	ck_assert(!uuid_prefix_is_valid("1bbe7c6", UUID_MIN_PREFIX));
	ck_assert(!uuid_prefix_is_valid("1bbe7c604", UUID_MIN_PREFIX)); /* hyphen expected */
	ck_assert(!uuid_prefix_is_valid("vm-a1-port", UUID_MIN_PREFIX));
	ck_assert(uuid_has_prefix(PORT, "1BBE7C60-42"));
	ck_assert(!uuid_has_prefix(PORT, "1bbe7c61"));
}
END_TEST

START_TEST(test_device_uuid_prefix)
{
	char prefix[UUID_STR_LEN];

	ck_assert(dev_uuid_prefix("qvo1bbe7c60-42", prefix));
	ck_assert_str_eq(prefix, "1bbe7c60-42");
	ck_assert_uint_eq(strlen(prefix), DEV_UUID_PREFIX_LEN);
	ck_assert(dev_uuid_prefix("qr-A0C80912-3b", prefix));
	ck_assert_str_eq(prefix, "a0c80912-3b");
	ck_assert(!dev_uuid_prefix("br-int", prefix));
	ck_assert(!dev_uuid_prefix("tap0", prefix));
	ck_assert(dev_matches_uuid("tap1bbe7c60-42", PORT));
	ck_assert(dev_matches_uuid("qbr1bbe7c60-42", PORT));
	ck_assert(!dev_matches_uuid("tap1bbe7c60-43", PORT));
	ck_assert(!dev_matches_uuid("eth0", PORT));
}
END_TEST

NSTRACE_SUITE(names)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_device_roles);
	tcase_add_test(tc, test_role_names_are_distinct);
	tcase_add_test(tc, test_namespace_kinds);
	tcase_add_test(tc, test_uuid_forms);
	tcase_add_test(tc, test_device_uuid_prefix);
	suite_add_tcase(s, tc);
	return s;
}

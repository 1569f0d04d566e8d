/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Event renderers: summaries per protocol, the text line, the JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "event_fixtures.h"
#include "event_print.h"
#include "names.h"
#include "testlib.h"

#define CLIENT_MAC "fa:16:3e:aa:bb:cc"
#define BCAST_MAC "ff:ff:ff:ff:ff:ff"
#define DNSMASQ_MAC "fa:16:3e:11:22:33"

static const char *summary_of(const struct nstrace_event *e)
{
	static char buf[512];
	int n = event_summary(buf, sizeof(buf), e);

	ck_assert_int_eq(n, (int)strlen(buf));
	return buf;
}

static void dhcp_discover(struct nstrace_event *e)
{
	fx_event(e, 0x1111, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_eth(e, CLIENT_MAC, BCAST_MAC, 0);
	fx_ip(e, "0.0.0.0", "255.255.255.255", 17, 64);
	fx_ports(e, 68, 67);
	fx_dhcp4(e, 1, 1, 0x1a2b3c4d, CLIENT_MAC);
}

START_TEST(dhcp_in_gre_with_key_and_vlan)
{
	struct nstrace_event e;

	dhcp_discover(&e);
	fx_vlan(&e, 3);
	fx_tunnel(&e, NSTRACE_TUN_GRE, 0x40, "192.168.1.1", "192.168.1.2");
	ck_assert_str_eq(summary_of(&e),
			 "vlan 3 gre key 0x40 192.168.1.1 > 192.168.1.2 | "
			 "fa:16:3e:aa:bb:cc > ff:ff:ff:ff:ff:ff "
			 "0.0.0.0.68 > 255.255.255.255.67 DHCP DISCOVER xid 0x1a2b3c4d");
}
END_TEST

START_TEST(dhcp_plain_and_reply_shows_chaddr)
{
	struct nstrace_event e;

	dhcp_discover(&e);
	ck_assert_str_eq(summary_of(&e),
			 "fa:16:3e:aa:bb:cc > ff:ff:ff:ff:ff:ff "
			 "0.0.0.0.68 > 255.255.255.255.67 DHCP DISCOVER xid 0x1a2b3c4d");
	/* dnsmasq's OFFER: from its own MAC, to the client named in chaddr */
	fx_eth(&e, DNSMASQ_MAC, CLIENT_MAC, 0);
	fx_ip(&e, "10.0.0.2", "10.0.0.5", 17, 64);
	fx_ports(&e, 67, 68);
	fx_dhcp4(&e, 2, 2, 0x1a2b3c4d, CLIENT_MAC);
	ck_assert_str_eq(summary_of(&e),
			 "fa:16:3e:11:22:33 > fa:16:3e:aa:bb:cc "
			 "10.0.0.2.67 > 10.0.0.5.68 "
			 "DHCP OFFER xid 0x1a2b3c4d chaddr fa:16:3e:aa:bb:cc");
}
END_TEST

START_TEST(dhcp_message_names)
{
	static const char *const v4[] = { NULL,	     "DISCOVER", "OFFER",
					  "REQUEST", "DECLINE",	 "ACK",
					  "NAK",     "RELEASE",	 "INFORM" };
	struct nstrace_event e;
	char want[128];

	dhcp_discover(&e);
	for (int m = 1; m <= 8; m++) {
		e.dhcp_msg = (__u8)m;
		snprintf(want, sizeof(want), "DHCP %s xid 0x1a2b3c4d", v4[m]);
		ck_assert_ptr_nonnull(strstr(summary_of(&e), want));
	}
	e.dhcp_msg = 200;
	ck_assert_ptr_nonnull(strstr(summary_of(&e), "DHCP type 200 xid"));
	e.dhcp_msg = 0; /* plain BOOTP: no option 53 */
	ck_assert_ptr_nonnull(strstr(summary_of(&e), "BOOTP request xid"));
	ck_assert_str_eq(dhcp6_msg_name(7), "REPLY");
	ck_assert_ptr_null(dhcp6_msg_name(99));
}
END_TEST

START_TEST(icmp_echo_request_and_reply)
{
	struct nstrace_event e;

	fx_event(&e, 0x2222, 1, NSTRACE_DIR_INGRESS, 1000);
	fx_eth(&e, CLIENT_MAC, DNSMASQ_MAC, 0);
	fx_ip(&e, "10.0.0.5", "10.0.0.1", 1, 64);
	fx_echo(&e, 8, 77, 3);
	ck_assert_str_eq(summary_of(&e),
			 "10.0.0.5 > 10.0.0.1 ICMP echo request id 77 seq 3 ttl 64");
	fx_ip(&e, "10.0.0.1", "10.0.0.5", 1, 63);
	fx_echo(&e, 0, 77, 3);
	ck_assert_str_eq(summary_of(&e),
			 "10.0.0.1 > 10.0.0.5 ICMP echo reply id 77 seq 3 ttl 63");
}
END_TEST

/* Ethernet + IPv4 ICMP frag-needed quoting a UDP packet to 10.0.0.9. */
static struct nstrace_event *frag_needed_event(bool with_snap)
{
	static const __u8 frame[] = {
		/* Ethernet */
		0xfa, 0x16, 0x3e, 0xaa, 0xbb, 0xcc, 0xfa, 0x16, 0x3e, 0x11, 0x22,
		0x33, 0x08, 0x00,
		/* IPv4 10.0.0.254 > 10.0.0.5, proto 1 */
		0x45, 0x00, 0x00, 0x38, 0x12, 0x34, 0x00, 0x00, 0x40, 0x01, 0x00,
		0x00, 10, 0, 0, 254, 10, 0, 0, 5,
		/* ICMP 3/4, MTU 1400 */
		0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x05, 0x78,
		/* quoted IPv4 10.0.0.5 > 10.0.0.9, proto 17 */
		0x45, 0x00, 0x05, 0xdc, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x11, 0x00,
		0x00, 10, 0, 0, 5, 10, 0, 0, 9,
		/* quoted UDP header */
		0x9c, 0x40, 0x00, 0x35, 0x05, 0xc8, 0x00, 0x00,
	};
	struct nstrace_event *e = calloc(1, sizeof(*e) + sizeof(frame));

	ck_assert_ptr_nonnull(e);
	fx_event(e, 0x3333, 2, NSTRACE_DIR_INGRESS, 1000);
	fx_eth(e, CLIENT_MAC, DNSMASQ_MAC, 0);
	fx_ip(e, "10.0.0.254", "10.0.0.5", 1, 64);
	e->app = NSTRACE_APP_ICMP_ERR;
	e->icmp_type = 3;
	e->icmp_code = 4;
	e->icmp_id = 0;
	e->icmp_seq = 1400;
	e->related_fp = 0xabcdef;
	if (with_snap) {
		memcpy(e->snap, frame, sizeof(frame));
		e->snap_len = sizeof(frame);
	}
	return e;
}

START_TEST(icmp_frag_needed)
{
	struct nstrace_event *e = frag_needed_event(true);

	ck_assert_str_eq(summary_of(e),
			 "10.0.0.254 > 10.0.0.5 ICMP 10.0.0.9 unreachable - need to frag "
			 "(mtu 1400) ttl 64");
	/* A snap too short to hold the quoted header: no guessed address */
	e->snap_len = 50;
	ck_assert_str_eq(summary_of(e),
			 "10.0.0.254 > 10.0.0.5 ICMP unreachable - need to frag "
			 "(mtu 1400) ttl 64");
	free(e);
	e = frag_needed_event(false);
	ck_assert_str_eq(summary_of(e),
			 "10.0.0.254 > 10.0.0.5 ICMP unreachable - need to frag "
			 "(mtu 1400) ttl 64");
	free(e);
}
END_TEST

START_TEST(icmp_snap_of_another_packet_is_ignored)
{
	struct nstrace_event *e = frag_needed_event(true);

	/* The snap's outer IP header does not match the decoded one */
	e->snap[14 + 15] = 77;
	ck_assert_ptr_null(strstr(summary_of(e), "10.0.0.9"));
	free(e);
}
END_TEST

START_TEST(icmp_other_errors)
{
	struct nstrace_event e;

	fx_event(&e, 0x3334, 2, NSTRACE_DIR_INGRESS, 1000);
	fx_ip(&e, "10.0.0.1", "10.0.0.5", 1, 64);
	e.app = NSTRACE_APP_ICMP_ERR;
	e.icmp_type = 11;
	ck_assert_str_eq(summary_of(&e),
			 "10.0.0.1 > 10.0.0.5 ICMP time exceeded - ttl exceeded in "
			 "transit ttl 64");
	e.icmp_type = 3;
	e.icmp_code = 3;
	ck_assert_str_eq(summary_of(&e),
			 "10.0.0.1 > 10.0.0.5 ICMP unreachable - port ttl 64");
	fx_ip(&e, "fd00::1", "fd00::5", 58, 64);
	e.icmp_type = 2;
	e.icmp_code = 0;
	e.icmp_id = 0;
	e.icmp_seq = 1280;
	ck_assert_str_eq(summary_of(&e),
			 "fd00::1 > fd00::5 ICMP6 packet too big (mtu 1280) hlim 64");
}
END_TEST

START_TEST(arp_request_and_reply)
{
	struct nstrace_event e;

	fx_event(&e, 0x4444, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_mac(e.eth_src, CLIENT_MAC);
	fx_mac(e.eth_dst, BCAST_MAC);
	fx_arp(&e, 1, CLIENT_MAC, "10.0.0.5", "10.0.0.1");
	ck_assert_str_eq(summary_of(&e), "ARP who-has 10.0.0.1 tell 10.0.0.5");
	fx_arp(&e, 2, "fa:16:3e:00:00:01", "10.0.0.1", "10.0.0.5");
	ck_assert_str_eq(summary_of(&e), "ARP reply 10.0.0.1 is-at fa:16:3e:00:00:01");
}
END_TEST

START_TEST(tcp_flags)
{
	static const struct {
		__u8 flags;
		const char *text;
	} cases[] = {
		{ 0x02, "TCP [S] seq 1000" },
		{ 0x12, "TCP [S.] seq 1000 ack 2000" },
		{ 0x18, "TCP [P.] seq 1000 ack 2000" },
		{ 0x11, "TCP [F.] seq 1000 ack 2000" },
		{ 0x04, "TCP [R] seq 1000" },
		{ 0xc2, "TCP [SEW] seq 1000" },
		{ 0x00, "TCP [none] seq 1000" },
	};
	struct nstrace_event e;
	char want[128];

	fx_event(&e, 0x5555, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_ip(&e, "10.0.0.5", "10.0.0.1", 6, 64);
	fx_ports(&e, 40000, 22);
	e.tcp_seq = 1000;
	e.tcp_ack = 2000;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.tcp_flags = cases[i].flags;
		snprintf(want, sizeof(want), "10.0.0.5.40000 > 10.0.0.1.22 %s",
			 cases[i].text);
		ck_assert_str_eq(summary_of(&e), want);
	}
}
END_TEST

START_TEST(ipv6_echo_and_dhcp6)
{
	struct nstrace_event e;

	fx_event(&e, 0x6666, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_ip(&e, "fd00:10::5", "fd00:10::1", 58, 64);
	fx_echo(&e, 128, 1, 2);
	ck_assert_str_eq(summary_of(&e),
			 "fd00:10::5 > fd00:10::1 ICMP6 echo request id 1 seq 2 hlim 64");
	fx_event(&e, 0x6667, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_ip(&e, "fe80::f816:3eff:feaa:bbcc", "ff02::1:2", 17, 1);
	fx_ports(&e, 546, 547);
	fx_dhcp6(&e, 1, 0xabcdef);
	ck_assert_str_eq(summary_of(&e),
			 "fe80::f816:3eff:feaa:bbcc.546 > ff02::1:2.547 DHCP6 SOLICIT "
			 "xid 0xabcdef");
}
END_TEST

START_TEST(vxlan_inner_vlan_and_flags)
{
	struct nstrace_event e;

	fx_event(&e, 0x7777, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_eth(&e, CLIENT_MAC, DNSMASQ_MAC, 0);
	fx_ip(&e, "10.0.0.5", "10.0.0.1", 17, 64);
	fx_ports(&e, 5000, 6000);
	fx_tunnel(&e, NSTRACE_TUN_VXLAN, 100, "192.168.1.1", "192.168.1.2");
	e.flags |= NSTRACE_F_INNER_VLAN | NSTRACE_F_TRUNCATED;
	e.inner_vlan_tci = 5 | 3 << 13;
	ck_assert_str_eq(summary_of(&e),
			 "vxlan vni 100 192.168.1.1 > 192.168.1.2 | vlan 5 p 3 "
			 "fa:16:3e:aa:bb:cc > fa:16:3e:11:22:33 "
			 "10.0.0.5.5000 > 10.0.0.1.6000 UDP [truncated]");
}
END_TEST

START_TEST(later_fragment_has_no_ports)
{
	struct nstrace_event e;

	fx_event(&e, 0x8888, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_ip(&e, "10.0.0.5", "10.0.0.1", 17, 64);
	fx_ports(&e, 1, 2); /* garbage a decoder must not show */
	e.flags |= NSTRACE_F_FRAGMENT;
	e.frag_off = 1480;
	ck_assert_str_eq(summary_of(&e),
			 "10.0.0.5 > 10.0.0.1 proto udp [fragment off 1480]");
}
END_TEST

START_TEST(non_ip_frame)
{
	struct nstrace_event e;

	fx_event(&e, 0x9999, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_eth(&e, CLIENT_MAC, "01:80:c2:00:00:0e", 0x88cc);
	ck_assert_str_eq(summary_of(&e),
			 "fa:16:3e:aa:bb:cc > 01:80:c2:00:00:0e ethertype lldp");
	e.eth_proto = 0x1234;
	e.flags = NSTRACE_F_UNSUPPORTED;
	ck_assert_str_eq(summary_of(&e),
			 "fa:16:3e:aa:bb:cc > 01:80:c2:00:00:0e ethertype 0x1234 "
			 "[unsupported]");
}
END_TEST

START_TEST(drop_event)
{
	struct nstrace_event e;
	const char *s;

	fx_event(&e, 0x2222, 0, NSTRACE_DIR_UNKNOWN, 1000);
	e.kind = NSTRACE_EV_DROP;
	e.drop_reason = 2;
	e.drop_location = 0xffffffff81a2b3c4ull;
	fx_ip(&e, "10.0.0.5", "10.0.0.1", 1, 64);
	fx_echo(&e, 8, 77, 3);
	s = summary_of(&e);
	/* The reason's name comes from the running kernel's BTF */
	ck_assert_str_eq(drop_reason_name(2), "NOT_SPECIFIED");
	ck_assert_str_eq(s, "drop reason 2 (NOT_SPECIFIED) at 0xffffffff81a2b3c4: "
			    "10.0.0.5 > 10.0.0.1 ICMP echo request id 77 seq 3 ttl 64");
	memset(e.saddr, 0, sizeof(e.saddr));
	e.l3_family = NSTRACE_L3_NONE;
	e.eth_proto = 0;
	e.drop_reason = 1u << 30; /* not in the enum */
	ck_assert_str_eq(summary_of(&e), "drop reason 1073741824 at 0xffffffff81a2b3c4");
}
END_TEST

START_TEST(summary_cut_like_snprintf)
{
	struct nstrace_event e;
	char full[512], small[16];
	int n_full, n_small;

	dhcp_discover(&e);
	n_full = event_summary(full, sizeof(full), &e);
	n_small = event_summary(small, sizeof(small), &e);
	ck_assert_int_eq(n_full, n_small);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert(!strncmp(full, small, sizeof(small) - 1));
	ck_assert_int_eq(event_summary(NULL, 0, &e), n_full);
}
END_TEST

/* Runs a printer into a string the test frees. */
static char *capture(void (*print)(FILE *, const struct nstrace_event *,
				   const struct hop *, __u64),
		     const struct nstrace_event *e, const struct hop *hop,
		     __u64 wall_ns)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	print(f, e, hop, wall_ns);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

#define WALL_NS 1700000000123456789ull /* 2023-11-14T22:13:20.123456789Z */

static void use_utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

static const struct hop veth_hop = {
	.id = 1, .dir = NSTRACE_DIR_EGRESS, .ifindex = 101,
	.netns_cookie = 4096, .netns = "", .dev = "veth0",
};

START_TEST(text_line)
{
	struct hop qdhcp = veth_hop;
	struct nstrace_event e;
	char *line;

	use_utc();
	dhcp_discover(&e);
	line = capture(event_print_text, &e, &veth_hop, WALL_NS);
	ck_assert_str_eq(line, "22:13:20.123456 -/veth0                  out "
			       "fa:16:3e:aa:bb:cc > ff:ff:ff:ff:ff:ff "
			       "0.0.0.0.68 > 255.255.255.255.67 DHCP DISCOVER "
			       "xid 0x1a2b3c4d\n");
	free(line);
	snprintf(qdhcp.netns, sizeof(qdhcp.netns), "qdhcp-net1");
	snprintf(qdhcp.dev, sizeof(qdhcp.dev), "tap1");
	e.dir = NSTRACE_DIR_INGRESS;
	line = capture(event_print_text, &e, &qdhcp, WALL_NS);
	ck_assert(!strncmp(line, "22:13:20.123456 qdhcp-net1/tap1          in  fa:", 48));
	free(line);
	line = capture(event_print_text, &e, NULL, WALL_NS);
	ck_assert(!strncmp(line, "22:13:20.123456 ifindex 101 netns-cookie 4096 in  ",
			   50));
	free(line);
	/* A namespace may be named anything but "/": one line still. */
	snprintf(qdhcp.netns, sizeof(qdhcp.netns), "two\nlines\\");
	line = capture(event_print_text, &e, &qdhcp, WALL_NS);
	ck_assert_msg(!strncmp(line, "22:13:20.123456 two\\x0alines\\\\/tap1      in  fa:", 48), "%s",
		      line);
	ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
	free(line);
}
END_TEST

static json_t *json_of(const struct nstrace_event *e, const struct hop *hop)
{
	char *text = capture(event_print_json, e, hop, WALL_NS);
	size_t len = strlen(text);
	json_error_t err;
	json_t *o;

	/* JSON Lines: exactly one line */
	ck_assert_uint_gt(len, 2);
	ck_assert_int_eq(text[len - 1], '\n');
	ck_assert_ptr_null(memchr(text, '\n', len - 1));
	o = json_loads(text, 0, &err);
	if (!o)
		ck_abort_msg("bad JSON (%s): %s", err.text, text);
	free(text);
	return o;
}

static const char *jstr(json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);

	ck_assert_msg(json_is_string(v), "%s is not a string", path);
	return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", key);
	return json_integer_value(v);
}

static json_t *jobj(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_object(v), "%s is not an object", key);
	return v;
}

START_TEST(json_dhcp_in_gre)
{
	struct hop hop = veth_hop;
	struct nstrace_event e;
	json_t *o, *x;

	snprintf(hop.node, sizeof(hop.node), "compute-1");
	snprintf(hop.role, sizeof(hop.role), "underlay");
	dhcp_discover(&e);
	e.fingerprint = 0x0123456789abcdefull;
	fx_vlan(&e, 3);
	fx_tunnel(&e, NSTRACE_TUN_GRE, 0x40, "192.168.1.1", "192.168.1.2");
	e.flags |= NSTRACE_F_TRUNCATED;
	o = json_of(&e, &hop);
	ck_assert_str_eq(jstr(o, "type"), "event");
	ck_assert_int_eq(jint(o, "version"), 1);
	ck_assert_str_eq(jstr(o, "kind"), "packet");
	ck_assert_str_eq(jstr(o, "time"), "2023-11-14T22:13:20.123456Z");
	ck_assert_int_eq(jint(o, "ts_ns"), 1000);
	ck_assert_int_eq(jint(o, "len"), 342);
	ck_assert_str_eq(jstr(o, "fingerprint"), "0123456789abcdef");
	x = json_object_get(o, "flags");
	ck_assert_uint_eq(json_array_size(x), 3);
	ck_assert_str_eq(json_string_value(json_array_get(x, 0)), "truncated");
	ck_assert_str_eq(json_string_value(json_array_get(x, 1)), "tunnel");
	ck_assert_str_eq(json_string_value(json_array_get(x, 2)), "tun-key");

	x = jobj(o, "hop");
	ck_assert_int_eq(jint(x, "id"), 1);
	ck_assert_str_eq(jstr(x, "netns"), "");
	ck_assert_str_eq(jstr(x, "dev"), "veth0");
	ck_assert_int_eq(jint(x, "ifindex"), 101);
	ck_assert_str_eq(jstr(x, "dir"), "egress");
	ck_assert_str_eq(jstr(x, "node"), "compute-1");
	ck_assert_str_eq(jstr(x, "role"), "underlay");

	x = json_object_get(o, "vlan");
	ck_assert_uint_eq(json_array_size(x), 1);
	ck_assert_int_eq(jint(json_array_get(x, 0), "vid"), 3);
	x = jobj(o, "tunnel");
	ck_assert_str_eq(jstr(x, "type"), "gre");
	ck_assert_int_eq(jint(x, "key"), 0x40);
	ck_assert_str_eq(jstr(x, "src"), "192.168.1.1");
	ck_assert_str_eq(jstr(x, "dst"), "192.168.1.2");

	x = jobj(o, "eth");
	ck_assert_str_eq(jstr(x, "src"), CLIENT_MAC);
	ck_assert_str_eq(jstr(x, "dst"), BCAST_MAC);
	ck_assert_str_eq(jstr(x, "proto"), "ipv4");
	x = jobj(o, "ip");
	ck_assert_int_eq(jint(x, "version"), 4);
	ck_assert_str_eq(jstr(x, "src"), "0.0.0.0");
	ck_assert_str_eq(jstr(x, "dst"), "255.255.255.255");
	ck_assert_int_eq(jint(x, "ttl"), 64);
	ck_assert_str_eq(jstr(x, "proto"), "udp");
	x = jobj(o, "udp");
	ck_assert_int_eq(jint(x, "sport"), 68);
	ck_assert_int_eq(jint(x, "dport"), 67);
	x = jobj(o, "dhcp");
	ck_assert_int_eq(jint(x, "version"), 4);
	ck_assert_str_eq(jstr(x, "op"), "request");
	ck_assert_str_eq(jstr(x, "msg"), "DISCOVER");
	ck_assert_int_eq(jint(x, "msg_type"), 1);
	ck_assert_str_eq(jstr(x, "xid"), "0x1a2b3c4d");
	ck_assert_str_eq(jstr(x, "chaddr"), CLIENT_MAC);
	/* only the objects that apply */
	ck_assert_ptr_null(json_object_get(o, "tcp"));
	ck_assert_ptr_null(json_object_get(o, "icmp"));
	ck_assert_ptr_null(json_object_get(o, "arp"));
	ck_assert_ptr_null(json_object_get(o, "drop"));
	json_decref(o);
}
END_TEST

START_TEST(json_icmp_tcp_arp_drop)
{
	struct nstrace_event *err = frag_needed_event(true);
	struct nstrace_event e;
	json_t *o, *x;

	o = json_of(err, NULL);
	x = jobj(o, "hop");
	ck_assert_int_eq(jint(x, "id"), 2);
	ck_assert_ptr_null(json_object_get(x, "dev"));
	ck_assert_int_eq(jint(x, "netns_cookie"), 4096);
	x = jobj(o, "icmp");
	ck_assert_int_eq(jint(x, "type"), 3);
	ck_assert_int_eq(jint(x, "code"), 4);
	ck_assert_str_eq(jstr(x, "name"), "unreachable");
	ck_assert_str_eq(jstr(x, "code_name"), "need to frag");
	ck_assert_int_eq(jint(x, "mtu"), 1400);
	ck_assert_str_eq(jstr(x, "related_fp"), "0000000000abcdef");
	x = jobj(x, "quoted");
	ck_assert_str_eq(jstr(x, "dst"), "10.0.0.9");
	ck_assert_str_eq(jstr(x, "proto"), "udp");
	json_decref(o);
	free(err);

	fx_event(&e, 0x5555, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_ip(&e, "10.0.0.5", "10.0.0.1", 6, 64);
	fx_ports(&e, 40000, 22);
	e.tcp_flags = 0x12;
	e.tcp_seq = 7;
	e.tcp_ack = 8;
	e.ip_id = 4321;
	o = json_of(&e, NULL);
	ck_assert_int_eq(jint(jobj(o, "ip"), "id"), 4321);
	x = jobj(o, "tcp");
	ck_assert_int_eq(jint(x, "sport"), 40000);
	ck_assert_int_eq(jint(x, "seq"), 7);
	ck_assert_int_eq(jint(x, "ack"), 8);
	x = json_object_get(x, "flags");
	ck_assert_uint_eq(json_array_size(x), 2);
	ck_assert_str_eq(json_string_value(json_array_get(x, 0)), "syn");
	ck_assert_str_eq(json_string_value(json_array_get(x, 1)), "ack");
	/* plain IP without a captured Ethernet header: only the ethertype */
	x = jobj(o, "eth");
	ck_assert_ptr_null(json_object_get(x, "src"));
	ck_assert_str_eq(jstr(x, "proto"), "ipv4");
	json_decref(o);

	fx_event(&e, 0x4444, 1, NSTRACE_DIR_EGRESS, 1000);
	fx_arp(&e, 2, CLIENT_MAC, "10.0.0.1", "10.0.0.5");
	o = json_of(&e, NULL);
	x = jobj(o, "arp");
	ck_assert_str_eq(jstr(x, "op"), "reply");
	ck_assert_str_eq(jstr(x, "sender_mac"), CLIENT_MAC);
	ck_assert_str_eq(jstr(x, "sender_ip"), "10.0.0.1");
	ck_assert_str_eq(jstr(x, "target_ip"), "10.0.0.5");
	ck_assert_ptr_null(json_object_get(o, "ip"));
	json_decref(o);

	e.kind = NSTRACE_EV_DROP;
	e.drop_reason = 2;
	e.drop_location = 0xffffffff81000010ull;
	o = json_of(&e, NULL);
	ck_assert_str_eq(jstr(o, "kind"), "drop");
	x = jobj(o, "drop");
	ck_assert_int_eq(jint(x, "reason"), 2);
	ck_assert_str_eq(jstr(x, "reason_name"), "NOT_SPECIFIED");
	ck_assert_str_eq(jstr(x, "location"), "0xffffffff81000010");
	json_decref(o);
}
END_TEST

NSTRACE_SUITE(print)
{
	Suite *s = suite_create("print");
	TCase *tc = tcase_create("summary");

	tcase_add_test(tc, dhcp_in_gre_with_key_and_vlan);
	tcase_add_test(tc, dhcp_plain_and_reply_shows_chaddr);
	tcase_add_test(tc, dhcp_message_names);
	tcase_add_test(tc, icmp_echo_request_and_reply);
	tcase_add_test(tc, icmp_frag_needed);
	tcase_add_test(tc, icmp_snap_of_another_packet_is_ignored);
	tcase_add_test(tc, icmp_other_errors);
	tcase_add_test(tc, arp_request_and_reply);
	tcase_add_test(tc, tcp_flags);
	tcase_add_test(tc, ipv6_echo_and_dhcp6);
	tcase_add_test(tc, vxlan_inner_vlan_and_flags);
	tcase_add_test(tc, later_fragment_has_no_ports);
	tcase_add_test(tc, non_ip_frame);
	tcase_add_test(tc, drop_event);
	tcase_add_test(tc, summary_cut_like_snprintf);
	suite_add_tcase(s, tc);
	tc = tcase_create("output");
	tcase_add_test(tc, text_line);
	tcase_add_test(tc, json_dhcp_in_gre);
	tcase_add_test(tc, json_icmp_tcp_arp_drop);
	suite_add_tcase(s, tc);
	return s;
}

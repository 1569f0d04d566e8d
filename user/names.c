/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "names.h"
#include "nstrace_event.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LOOKUP(table, i) ((size_t)(i) < ARRAY_SIZE(table) ? (table)[i] : NULL)

/* RFC 2132 option 53 and its successors (RFC 4388, 6926, 7724). */
static const char *const dhcp4_msgs[] = {
	[1] = "DISCOVER",	   [2] = "OFFER",
	[3] = "REQUEST",	   [4] = "DECLINE",
	[5] = "ACK",		   [6] = "NAK",
	[7] = "RELEASE",	   [8] = "INFORM",
	[9] = "FORCERENEW",	   [10] = "LEASEQUERY",
	[11] = "LEASEUNASSIGNED",  [12] = "LEASEUNKNOWN",
	[13] = "LEASEACTIVE",	   [14] = "BULKLEASEQUERY",
	[15] = "LEASEQUERYDONE",   [16] = "ACTIVELEASEQUERY",
	[17] = "LEASEQUERYSTATUS", [18] = "TLS",
};

/* RFC 8415 section 7.3. */
static const char *const dhcp6_msgs[] = {
	[1] = "SOLICIT",   [2] = "ADVERTISE",	  [3] = "REQUEST",
	[4] = "CONFIRM",   [5] = "RENEW",	  [6] = "REBIND",
	[7] = "REPLY",	   [8] = "RELEASE",	  [9] = "DECLINE",
	[10] = "RECONFIGURE", [11] = "INFORMATION-REQUEST",
	[12] = "RELAY-FORW", [13] = "RELAY-REPL",
};

static const char *const icmp4_types[] = {
	[0] = "echo reply",	     [3] = "unreachable",
	[4] = "source quench",	     [5] = "redirect",
	[8] = "echo request",	     [9] = "router advertisement",
	[10] = "router solicitation", [11] = "time exceeded",
	[12] = "parameter problem",  [13] = "timestamp request",
	[14] = "timestamp reply",
};

/* Wording follows tcpdump so operators recognise it. */
static const char *const icmp4_unreach_codes[] = {
	[0] = "net",		    [1] = "host",
	[2] = "protocol",	    [3] = "port",
	[4] = "need to frag",	    [5] = "source route failed",
	[6] = "net unknown",	    [7] = "host unknown",
	[8] = "source host isolated", [9] = "net admin prohibited",
	[10] = "host admin prohibited", [11] = "net tos",
	[12] = "host tos",	    [13] = "admin prohibited filter",
	[14] = "host precedence violation", [15] = "precedence cutoff",
};

static const char *const icmp4_redirect_codes[] = {
	[0] = "net", [1] = "host", [2] = "tos net", [3] = "tos host",
};

static const char *const icmp_time_exceeded_codes[] = {
	[0] = "ttl exceeded in transit",
	[1] = "reassembly time exceeded",
};

static const char *const icmp6_unreach_codes[] = {
	[0] = "no route",	[1] = "admin prohibited",
	[2] = "beyond scope",	[3] = "address",
	[4] = "port",		[5] = "source policy",
	[6] = "reject route",
};

static const char *const icmp6_param_codes[] = {
	[0] = "erroneous header field",
	[1] = "unrecognized next header",
	[2] = "unrecognized option",
};

static const char *const icmp4_param_codes[] = {
	[0] = "pointer", [1] = "missing option", [2] = "bad length",
};

const char *dhcp4_msg_name(__u8 msg)
{
	return LOOKUP(dhcp4_msgs, msg);
}

const char *dhcp6_msg_name(__u8 msg)
{
	return LOOKUP(dhcp6_msgs, msg);
}

const char *dhcp_op_name(__u8 op)
{
	switch (op) {
	case 1:
		return "request";
	case 2:
		return "reply";
	}
	return NULL;
}

const char *icmp_type_name(__u8 l3_family, __u8 type)
{
	if (l3_family == NSTRACE_L3_IPV4)
		return LOOKUP(icmp4_types, type);
	switch (type) {
	case 1:
		return "unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded";
	case 4:
		return "parameter problem";
	case 128:
		return "echo request";
	case 129:
		return "echo reply";
	case 130:
		return "multicast listener query";
	case 131:
		return "multicast listener report";
	case 132:
		return "multicast listener done";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	case 137:
		return "redirect";
	case 143:
		return "multicast listener report v2";
	}
	return NULL;
}

const char *icmp_code_name(__u8 l3_family, __u8 type, __u8 code)
{
	if (l3_family == NSTRACE_L3_IPV4) {
		switch (type) {
		case 3:
			return LOOKUP(icmp4_unreach_codes, code);
		case 5:
			return LOOKUP(icmp4_redirect_codes, code);
		case 11:
			return LOOKUP(icmp_time_exceeded_codes, code);
		case 12:
			return LOOKUP(icmp4_param_codes, code);
		}
		return NULL;
	}
	switch (type) {
	case 1:
		return LOOKUP(icmp6_unreach_codes, code);
	case 3:
		return LOOKUP(icmp_time_exceeded_codes, code);
	case 4:
		return LOOKUP(icmp6_param_codes, code);
	}
	return NULL;
}

int icmp_is_error(__u8 l3_family, __u8 type)
{
	if (l3_family == NSTRACE_L3_IPV4)
		return type == 3 || type == 4 || type == 5 || type == 11 ||
		       type == 12;
	return type >= 1 && type <= 4;
}

__u32 icmp_mtu(__u8 l3_family, __u8 type, __u8 code, __u16 icmp_id,
	       __u16 icmp_seq)
{
	/* v4: 16-bit MTU in bytes 6-7; v6: 32-bit MTU in bytes 4-7. */
	if (l3_family == NSTRACE_L3_IPV4 && type == 3 && code == 4)
		return icmp_seq;
	if (l3_family == NSTRACE_L3_IPV6 && type == 2)
		return (__u32)icmp_id << 16 | icmp_seq;
	return 0;
}

const char *ip_proto_name(__u8 proto)
{
	switch (proto) {
	case 1:
		return "icmp";
	case 2:
		return "igmp";
	case 4:
		return "ipip";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 41:
		return "ipv6";
	case 47:
		return "gre";
	case 50:
		return "esp";
	case 51:
		return "ah";
	case 58:
		return "icmp6";
	case 112:
		return "vrrp";
	case 132:
		return "sctp";
	}
	return NULL;
}

const char *ethertype_name(__u16 proto)
{
	switch (proto) {
	case 0x0800:
		return "ipv4";
	case 0x0806:
		return "arp";
	case 0x86dd:
		return "ipv6";
	case 0x8100:
		return "802.1q";
	case 0x88a8:
		return "802.1ad";
	case 0x6558:
		return "teb";
	case 0x8035:
		return "rarp";
	case 0x88cc:
		return "lldp";
	case 0x8847:
		return "mpls";
	}
	return NULL;
}

const char *arp_op_name(__u16 op)
{
	switch (op) {
	case 1:
		return "request";
	case 2:
		return "reply";
	case 3:
		return "rarp-request";
	case 4:
		return "rarp-reply";
	}
	return NULL;
}

const char *tun_type_name(__u8 tun_type)
{
	switch (tun_type) {
	case NSTRACE_TUN_GRE:
		return "gre";
	case NSTRACE_TUN_VXLAN:
		return "vxlan";
	case NSTRACE_TUN_GENEVE:
		return "geneve";
	}
	return NULL;
}

const char *dir_text(__u8 dir)
{
	switch (dir) {
	case NSTRACE_DIR_INGRESS:
		return "in";
	case NSTRACE_DIR_EGRESS:
		return "out";
	}
	return "-";
}

const char *dir_json(__u8 dir)
{
	switch (dir) {
	case NSTRACE_DIR_INGRESS:
		return "ingress";
	case NSTRACE_DIR_EGRESS:
		return "egress";
	}
	return "unknown";
}

const char *kind_name(__u8 kind)
{
	switch (kind) {
	case NSTRACE_EV_PACKET:
		return "packet";
	case NSTRACE_EV_DROP:
		return "drop";
	}
	return "unknown";
}

const __u16 event_flag_bits[] = {
	NSTRACE_F_TRUNCATED,  NSTRACE_F_TUNNEL,	    NSTRACE_F_TUN_KEY,
	NSTRACE_F_FRAGMENT,   NSTRACE_F_IP_OPTIONS, NSTRACE_F_INNER_VLAN,
	NSTRACE_F_UNSUPPORTED, 0,
};

const char *flag_name(__u16 bit)
{
	switch (bit) {
	case NSTRACE_F_TRUNCATED:
		return "truncated";
	case NSTRACE_F_TUNNEL:
		return "tunnel";
	case NSTRACE_F_TUN_KEY:
		return "tun-key";
	case NSTRACE_F_FRAGMENT:
		return "fragment";
	case NSTRACE_F_IP_OPTIONS:
		return "ip-options";
	case NSTRACE_F_INNER_VLAN:
		return "inner-vlan";
	case NSTRACE_F_UNSUPPORTED:
		return "unsupported";
	}
	return NULL;
}

/* Drop reasons: the enum changes between kernels, so read it from BTF. */
static char **drop_names;
static __u32 n_drop_names;
static int drop_names_loaded;

static const char *strip_drop_prefix(const char *name)
{
	static const char *const prefixes[] = { "SKB_DROP_REASON_", "SKB_" };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(name, prefixes[i], n) && name[n])
			return name + n;
	}
	return name;
}

static void load_drop_names(void)
{
	const struct btf_type *t;
	const struct btf_enum *v;
	struct btf *btf;
	__s32 id;
	__u32 max = 0;

	drop_names_loaded = 1;
	btf = btf__load_vmlinux_btf();
	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id < 0)
		goto out;
	t = btf__type_by_id(btf, id);
	v = btf_enum(t);
	for (__u16 i = 0; i < btf_vlen(t); i++)
		if (v[i].val >= 0 && (__u32)v[i].val > max)
			max = v[i].val;
	/* Bound the table: the enum is dense and small (~150 values). */
	if (max > 4096)
		max = 4096;
	drop_names = calloc(max + 1, sizeof(*drop_names));
	if (!drop_names)
		goto out;
	n_drop_names = max + 1;
	for (__u16 i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, v[i].name_off);

		if (v[i].val < 0 || (__u32)v[i].val > max || !name)
			continue;
		drop_names[v[i].val] = strdup(strip_drop_prefix(name));
	}
out:
	btf__free(btf);
}

const char *drop_reason_name(__u32 reason)
{
	if (!drop_names_loaded)
		load_drop_names();
	if (reason >= n_drop_names)
		return NULL;
	return drop_names[reason];
}

/* MACs and IPv4 addresses are on nearly every line a renderer writes:
 * formatted by hand, without printf's per-call set-up (inet_ntop() prints
 * IPv4 through sprintf too). */
static const char hex_digits[] = "0123456789abcdef";

char *fmt_mac(char buf[MAC_STR_LEN], const __u8 mac[6])
{
	char *p = buf;

	for (int i = 0; i < 6; i++) {
		*p++ = hex_digits[mac[i] >> 4];
		*p++ = hex_digits[mac[i] & 0xf];
		*p++ = i < 5 ? ':' : '\0';
	}
	return buf;
}

static char *fmt_ipv4(char buf[IP_STR_LEN], const __u8 addr[4])
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned int b = addr[i];

		if (b >= 100)
			*p++ = (char)('0' + b / 100);
		if (b >= 10)
			*p++ = (char)('0' + b / 10 % 10);
		*p++ = (char)('0' + b % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

char *fmt_ip(char buf[IP_STR_LEN], __u8 family, const __u8 addr[16])
{
	if (family != NSTRACE_L3_IPV6)
		return fmt_ipv4(buf, addr);
	if (!inet_ntop(AF_INET6, addr, buf, IP_STR_LEN))
		snprintf(buf, IP_STR_LEN, "?");
	return buf;
}

/* tcpdump's order and letters: FIN SYN RST PSH ACK URG ECE CWR. */
static const char tcp_flag_letters[8] = { 'F', 'S', 'R', 'P',
					  '.', 'U', 'E', 'W' };
static const char *const tcp_flag_names[8] = { "fin", "syn", "rst", "psh",
					       "ack", "urg", "ece", "cwr" };

char *fmt_tcp_flags(char buf[TCP_FLAGS_STR_LEN], __u8 flags)
{
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (flags & (1u << i))
			buf[n++] = tcp_flag_letters[i];
	buf[n] = '\0';
	if (!n)
		snprintf(buf, TCP_FLAGS_STR_LEN, "none");
	return buf;
}

const char *tcp_flag_name(__u8 bit)
{
	for (int i = 0; i < 8; i++)
		if (bit == (1u << i))
			return tcp_flag_names[i];
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "neutron_names.h"

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_UNKNOWN] = "unknown",	[ROLE_VM] = "vm",
	[ROLE_TAP] = "tap",		[ROLE_DHCP_TAP] = "dhcp-tap",
	[ROLE_QBR] = "qbr",		[ROLE_QVB] = "qvb",
	[ROLE_QVO] = "qvo",		[ROLE_QR] = "qr",
	[ROLE_QG] = "qg",		[ROLE_HA] = "ha",
	[ROLE_SG] = "sg",		[ROLE_FG] = "fg",
	[ROLE_RFP] = "rfp",		[ROLE_FPR] = "fpr",
	[ROLE_PATCH] = "patch",		[ROLE_TUNNEL] = "tunnel",
	[ROLE_BR_INT] = "br-int",	[ROLE_BR_TUN] = "br-tun",
	[ROLE_BR_EX] = "br-ex",		[ROLE_OVS_BRIDGE] = "ovs-bridge",
	[ROLE_UNDERLAY] = "underlay",	[ROLE_EXTERNAL] = "external",
	[ROLE_PROVIDER] = "provider",
};

const char *role_name(enum dev_role role)
{
	if ((unsigned int)role >= ROLE__COUNT)
		return "unknown";
	return role_names[role];
}

const char *ns_kind_name(enum ns_kind kind)
{
	switch (kind) {
	case NSK_QDHCP:
		return "qdhcp";
	case NSK_QROUTER:
		return "qrouter";
	case NSK_SNAT:
		return "snat";
	case NSK_FIP:
		return "fip";
	default:
		return "other";
	}
}

void uuid_lower(char *out, size_t len, const char *s)
{
	size_t i = 0;

	if (!len)
		return;
	for (; s[i] && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* Position i of a canonical UUID holds a hyphen. */
static bool uuid_hyphen_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

static bool uuid_char_ok(size_t i, char c)
{
	if (uuid_hyphen_at(i))
		return c == '-';
	return isxdigit((unsigned char)c);
}

bool uuid_prefix_is_valid(const char *s, size_t min)
{
	size_t n = strlen(s);

	if (n < min || n > 36)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!uuid_char_ok(i, s[i]))
			return false;
	return true;
}

bool uuid_is_valid(const char *s)
{
	return strlen(s) == 36 && uuid_prefix_is_valid(s, 36);
}

bool uuid_has_prefix(const char *uuid, const char *prefix)
{
	return !strncasecmp(uuid, prefix, strlen(prefix));
}

enum ns_kind ns_classify(const char *ns_name, char uuid[UUID_STR_LEN])
{
	static const struct {
		const char *prefix;
		enum ns_kind kind;
	} kinds[] = {
		{ "qdhcp-", NSK_QDHCP },
		{ "qrouter-", NSK_QROUTER },
		{ "snat-", NSK_SNAT },
		{ "fip-", NSK_FIP },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t plen = strlen(kinds[i].prefix);
		const char *rest = ns_name + plen;

		if (strncmp(ns_name, kinds[i].prefix, plen) || !uuid_is_valid(rest))
			continue;
		if (uuid)
			uuid_lower(uuid, UUID_STR_LEN, rest);
		return kinds[i].kind;
	}
	if (uuid)
		uuid[0] = '\0';
	return NSK_OTHER;
}

/* Device prefixes followed by a port (or router) UUID prefix. */
static const struct {
	const char *prefix;
	enum dev_role role;
} uuid_prefixes[] = {
	/* ns-: the DHCP port inside qdhcp- when plugged through a veth. */
	{ "tap", ROLE_TAP }, { "ns-", ROLE_TAP }, { "qbr", ROLE_QBR }, { "qvb", ROLE_QVB },
	{ "qvo", ROLE_QVO }, { "qr-", ROLE_QR },  { "qg-", ROLE_QG },
	{ "ha-", ROLE_HA },  { "sg-", ROLE_SG },  { "fg-", ROLE_FG },
	{ "rfp-", ROLE_RFP }, { "fpr-", ROLE_FPR },
};

#define N_UUID_PREFIXES (sizeof(uuid_prefixes) / sizeof(uuid_prefixes[0]))

/* Index into uuid_prefixes of the prefix dev starts with, followed by a
 * plausible UUID start (at least 8 characters); -1 otherwise. */
static int uuid_prefix_index(const char *dev)
{
	for (size_t i = 0; i < N_UUID_PREFIXES; i++) {
		size_t plen = strlen(uuid_prefixes[i].prefix);

		if (!strncmp(dev, uuid_prefixes[i].prefix, plen) &&
		    uuid_prefix_is_valid(dev + plen, UUID_MIN_PREFIX))
			return (int)i;
	}
	return -1;
}

bool dev_uuid_prefix(const char *dev, char prefix[UUID_STR_LEN])
{
	int i = uuid_prefix_index(dev);

	if (i < 0)
		return false;
	uuid_lower(prefix, UUID_STR_LEN, dev + strlen(uuid_prefixes[i].prefix));
	return true;
}

bool dev_matches_uuid(const char *dev, const char *uuid)
{
	char prefix[UUID_STR_LEN];

	return dev_uuid_prefix(dev, prefix) && uuid_has_prefix(uuid, prefix);
}

/* gre-0a000002, vxlan-c0a80001, ...: Neutron's tunnel port names. */
static bool is_tunnel_name(const char *dev)
{
	static const char *const types[] = { "gre-", "vxlan-", "geneve-", "stt-" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t plen = strlen(types[i]);
		const char *p = dev + plen;

		if (strncmp(dev, types[i], plen) || !*p)
			continue;
		while (isxdigit((unsigned char)*p))
			p++;
		if (!*p)
			return true;
	}
	return false;
}

enum dev_role dev_classify(const char *dev, enum ns_kind ns_kind)
{
	int i = uuid_prefix_index(dev);

	if (i >= 0) {
		if (uuid_prefixes[i].role == ROLE_TAP && ns_kind == NSK_QDHCP)
			return ROLE_DHCP_TAP;
		return uuid_prefixes[i].role;
	}
	if (!strncmp(dev, "patch-", 6) || !strncmp(dev, "int-br-", 7) ||
	    !strncmp(dev, "phy-br-", 7))
		return ROLE_PATCH;
	if (is_tunnel_name(dev))
		return ROLE_TUNNEL;
	if (!strcmp(dev, "br-int"))
		return ROLE_BR_INT;
	if (!strcmp(dev, "br-tun"))
		return ROLE_BR_TUN;
	if (!strcmp(dev, "br-ex"))
		return ROLE_BR_EX;
	if (!strncmp(dev, "br-", 3))
		return ROLE_OVS_BRIDGE;
	return ROLE_UNKNOWN;
}

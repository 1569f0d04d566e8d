/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Neutron's naming rules: device roles from their prefixes, namespace kinds
 * (qdhcp-<net>, qrouter-<router>, snat-, fip-), and the port UUID prefix a
 * device name carries (Neutron cuts names at 14 characters: "tap" + the
 * first 11 characters of the port UUID).
 */
#ifndef NSTRACE_NEUTRON_NAMES_H
#define NSTRACE_NEUTRON_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define UUID_STR_LEN 37 /* 36 characters + NUL */
#define UUID_MIN_PREFIX 8 /* shortest prefix a user may give */
#define DEV_UUID_PREFIX_LEN 11 /* port UUID characters in a device name */

enum dev_role {
	ROLE_UNKNOWN = 0,
	ROLE_VM, /* the instance's own NIC (a lab VM namespace's veth end) */
	ROLE_TAP, /* VM tap on the compute node */
	ROLE_DHCP_TAP, /* the DHCP port inside qdhcp-<net> */
	ROLE_QBR, /* hybrid plug Linux bridge */
	ROLE_QVB, /* veth end on qbr */
	ROLE_QVO, /* veth end on br-int */
	ROLE_QR, /* router interface in qrouter- */
	ROLE_QG, /* router gateway in qrouter- (or snat-) */
	ROLE_HA, /* L3 HA keepalived port */
	ROLE_SG, /* DVR SNAT interface in snat- */
	ROLE_FG, /* DVR floating IP gateway in fip- */
	ROLE_RFP, /* DVR router -> fip veth */
	ROLE_FPR, /* DVR fip -> router veth */
	ROLE_PATCH, /* OVS patch port (patch-int, patch-tun, int-br-X, phy-br-X) */
	ROLE_TUNNEL, /* OVS GRE/VXLAN/Geneve/STT port */
	ROLE_BR_INT, /* integration bridge */
	ROLE_BR_TUN, /* tunnel bridge */
	ROLE_BR_EX, /* external bridge */
	ROLE_OVS_BRIDGE, /* any other OVS bridge (br-phy, provider bridges) */
	ROLE_UNDERLAY, /* kernel device that carries encapsulated frames */
	ROLE_EXTERNAL, /* physical side of the external bridge */
	ROLE_PROVIDER, /* physical side of a provider (VLAN/flat) bridge */
	ROLE__COUNT
};

enum ns_kind {
	NSK_OTHER = 0,
	NSK_QDHCP, /* qdhcp-<network uuid> */
	NSK_QROUTER, /* qrouter-<router uuid> */
	NSK_SNAT, /* snat-<router uuid> (DVR) */
	NSK_FIP, /* fip-<external network uuid> (DVR) */
};

/* "tap", "dhcp-tap", "qvo", "br-int", ... (stable: used in JSON). */
const char *role_name(enum dev_role role);
/* "qdhcp", "qrouter", "snat", "fip", "other". */
const char *ns_kind_name(enum ns_kind kind);

/*
 * Kind of a namespace from its name; when it carries a UUID (qdhcp-<uuid>,
 * ...) that is copied to uuid (if not NULL), lowercased.
 */
enum ns_kind ns_classify(const char *ns_name, char uuid[UUID_STR_LEN]);

/* Role of a device from its name alone; ns_kind tells a DHCP tap apart. */
enum dev_role dev_classify(const char *dev, enum ns_kind ns_kind);

/*
 * The port (or router, for rfp-/fpr-) UUID prefix a device name carries,
 * lowercased, into prefix; false when the name has none.
 */
bool dev_uuid_prefix(const char *dev, char prefix[UUID_STR_LEN]);

/* True when dev's UUID prefix is the start of uuid (case-insensitive). */
bool dev_matches_uuid(const char *dev, const char *uuid);

/* A canonical 8-4-4-4-12 hex UUID. */
bool uuid_is_valid(const char *s);
/* A start of a canonical UUID of at least min characters (hyphens in place). */
bool uuid_prefix_is_valid(const char *s, size_t min);
/* Copy s lowercased into out (size len). */
void uuid_lower(char *out, size_t len, const char *s);
/* True when uuid starts with prefix, ignoring case. */
bool uuid_has_prefix(const char *uuid, const char *prefix);

#endif

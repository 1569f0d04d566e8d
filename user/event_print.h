/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Renderers for single events: a tcpdump-like summary, a human line and a
 * JSON Lines object (schema: docs/events-json.md).  They read the event's
 * decoded fields (and the snap only to show the packet an ICMP error
 * quotes); none of them keeps a pointer to the event.
 */
#ifndef NSTRACE_EVENT_PRINT_H
#define NSTRACE_EVENT_PRINT_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "hops.h"
#include "nstrace_event.h"

/* Version of the JSON objects (event and timeline); docs/events-json.md. */
#define NSTRACE_JSON_VERSION 1

/*
 * One-line summary, e.g.
 * "vlan 3 gre key 0x40 192.168.1.1 > 192.168.1.2 | fa:16:3e:aa:bb:cc >
 *  ff:ff:ff:ff:ff:ff 0.0.0.0.68 > 255.255.255.255.67 DHCP DISCOVER xid
 *  0x1a2b3c4d".  Returns the length the full text needs, like snprintf;
 * the text is cut to fit len (always NUL-terminated when len > 0).
 */
int event_summary(char *buf, size_t len, const struct nstrace_event *e);
/*
 * Only what the packet is, without VLAN, tunnel and MACs:
 * "10.0.0.5 > 10.0.0.1 ICMP echo request id 77 seq 3 ttl 64".
 * Same return convention as event_summary.
 */
int event_summary_packet(char *buf, size_t len, const struct nstrace_event *e);

/*
 * "HH:MM:SS.uuuuuu NETNS/DEV DIR SUMMARY" in local time from wall_ns
 * (CLOCK_REALTIME ns).  hop NULL prints "ifindex N netns-cookie C".
 */
void event_print_text(FILE *out, const struct nstrace_event *e,
		      const struct hop *hop, __u64 wall_ns);
/* One {"type":"event",...} object and a newline. */
void event_print_json(FILE *out, const struct nstrace_event *e,
		      const struct hop *hop, __u64 wall_ns);

#endif

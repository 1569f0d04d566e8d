/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A process seen by discovery, looked at again when a check runs: is it
 * still running, or stopped; and what waits unread in its sockets (a
 * server that receives requests and never reads them is stopped or hung).
 */
#ifndef NSTRACE_PROC_LIVE_H
#define NSTRACE_PROC_LIVE_H

#include "procs.h"

/*
 * p's state now, from proc_root/PID/stat: 'R', 'S', 'D', 'T' (stopped),
 * 't' (stopped by a tracer), 'Z' (zombie), ...; 0 when p is gone or its
 * pid is now another process (another name or network namespace).
 */
char proc_live_state(const char *proc_root, const struct proc_entry *p);
/*
 * Bytes waiting unread in the IPv4 UDP sockets bound to port in p's
 * network namespace (proc_root/PID/net/udp), -1 when unknown.
 */
long proc_udp_rx_queue(const char *proc_root, const struct proc_entry *p, unsigned int port);

#endif

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The control (unixctl) socket of a node's ovs-vswitchd, which
 * `ovs-appctl -t SOCKET` talks to: of the running ovs-vswitchd whose
 * database is the node's OVSDB socket (else the one in the same network
 * namespace as its ovsdb-server), its --unixctl path, or
 * <rundir>/ovs-vswitchd.<pid>.ctl with the rundir it runs with (its
 * OVS_RUNDIR, else /var/run/openvswitch), as OVS itself names it.
 */
#ifndef NSTRACE_OVS_CTL_H
#define NSTRACE_OVS_CTL_H

#include <stddef.h>

#include "ovsdb_locate.h"
#include "procs.h"

#define OVS_DEFAULT_RUNDIR "/var/run/openvswitch"

/* Into out; -ENOENT when no running ovs-vswitchd serves ep or its socket
 * is not there. proc_root is normally "/proc". */
int ovs_ctl_locate(const char *proc_root, const struct proc_list *procs,
		   const struct ovsdb_endpoint *ep, char *out, size_t len);

#endif

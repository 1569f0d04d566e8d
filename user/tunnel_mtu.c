// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "render_parts.h"

#include "tunnel_mtu.h"

unsigned int tunnel_overhead(const char *type, bool outer_v6)
{
	unsigned int outer = outer_v6 ? 40 : 20;

	if (!strcmp(type, "gre"))
		return outer + 8 + 14; /* GRE header with key, inner Ethernet (TEB) */
	if (!strcmp(type, "vxlan") || !strcmp(type, "geneve"))
		return outer + 8 + 8 + 14; /* UDP, VXLAN/Geneve base, inner Ethernet */
	return 0;
}

int path_mtu_bottleneck(const struct topology *t, const struct port_path *path, size_t first,
			size_t last, unsigned int frame_len, unsigned int *mtu,
			unsigned int *overhead)
{
	for (size_t i = first; i <= last && i < path->n; i++) {
		const struct path_hop *h = &path->hops[i];
		const struct link_info *li = h->ifindex ? topo_link(t, h->ns, h->dev) : NULL;
		unsigned int over = tunnel_overhead(h->tun_type, strchr(h->tun_local, ':') != NULL);

		/* The underlay carries it tunnelled; any other device as it is. */
		if (!li || frame_len < 14 || (h->role == ROLE_UNDERLAY && !over))
			continue;
		if (h->role != ROLE_UNDERLAY)
			over = 0;
		/* The frame's own Ethernet header is inside the overhead. */
		if (frame_len - 14 + over > li->mtu) {
			*mtu = li->mtu;
			*overhead = over;
			return (int)i;
		}
	}
	return -1;
}

void path_mtu_equal_text(const struct topology *t, const struct port_path *path,
			 unsigned int mtu, char *buf, size_t len)
{
	struct sbuf sb;
	int n = 0;

	sb_init(&sb, buf, len);
	for (size_t i = 0; i < path->n; i++) {
		const struct path_hop *h = &path->hops[i];
		const struct link_info *li = h->ifindex ? topo_link(t, h->ns, h->dev) : NULL;

		if (li && li->mtu == mtu && h->role != ROLE_UNDERLAY)
			sb_printf(&sb, "%s%s in %s", n++ ? ", " : "", h->dev, h->netns);
	}
}

void path_mtu_text(const struct topology *t, const struct port_path *path, char *buf,
		   size_t len)
{
	unsigned int over = 0;
	const char *type = "";
	struct sbuf sb;

	sb_init(&sb, buf, len);
	for (size_t i = 0; i < path->n; i++) {
		const struct path_hop *h = &path->hops[i];
		const struct link_info *li = h->ifindex ? topo_link(t, h->ns, h->dev) : NULL;
		unsigned int o = tunnel_overhead(h->tun_type, strchr(h->tun_local, ':') != NULL);

		if (h->role != ROLE_UNDERLAY || !li || !o)
			continue;
		sb_printf(&sb, "%s%s in %s %u", over ? ", " : "", h->dev, h->netns, li->mtu);
		over = o;
		type = h->tun_type;
	}
	if (over)
		sb_printf(&sb, " (%s adds %u bytes to the instance's IP packet: its Ethernet "
			       "header, the tunnel header and the outer IP header)",
			  type, over);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dev_target.h"
#include "netns.h"

int dev_target_parse(struct dev_target *t, const char *spec, char *err, size_t errlen)
{
	const char *slash = strrchr(spec, '/');
	const char *dev = slash ? slash + 1 : spec;
	size_t ns_len = slash ? (size_t)(slash - spec) : 0;

	memset(t, 0, sizeof(*t));
	t->netns_fd = -1;
	if (!dev[0] || strlen(dev) >= IF_NAMESIZE) {
		snprintf(err, errlen,
			 "bad --dev '%s': expected [NETNS/]DEV with a device name of 1 to %d "
			 "characters, e.g. qdhcp-<network-id>/tap1234abcd-12",
			 spec, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	if (slash && ns_len == 0) {
		snprintf(err, errlen,
			 "bad --dev '%s': the namespace before '/' is empty; write DEV alone "
			 "for nstrace's own namespace",
			 spec);
		return -EINVAL;
	}
	for (const char *c = spec; *c; c++) {
		if ((unsigned char)*c < 0x20) {
			snprintf(err, errlen, "bad --dev: control character in '%s'", spec);
			return -EINVAL;
		}
	}
	if (ns_len >= sizeof(t->netns)) {
		snprintf(err, errlen, "bad --dev '%s': namespace name too long", spec);
		return -EINVAL;
	}
	memcpy(t->netns, spec, ns_len);
	t->netns[ns_len] = '\0';
	snprintf(t->dev, sizeof(t->dev), "%s", dev);
	return 0;
}

int dev_target_resolve(struct dev_target *t, char *err, size_t errlen)
{
	int fd, ret;

	fd = netns_open(t->netns);
	if (fd == -ENOENT) {
		snprintf(err, errlen,
			 "no network namespace '%s'%s; `ip netns list` shows the names",
			 t->netns, t->netns[0] == '/' ? "" : " (looked in " NETNS_RUN_DIR ")");
		return -ENOENT;
	}
	if (fd == -EINVAL) {
		snprintf(err, errlen,
			 "'%s' is not a network namespace; give a name from `ip netns list` "
			 "or a path such as /proc/PID/ns/net",
			 t->netns);
		return -ENOENT;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot open network namespace '%s': %s", t->netns,
			 strerror(-fd));
		return fd;
	}
	t->netns_fd = fd;
	ret = netns_ino(fd, &t->netns_ino);
	if (!ret)
		ret = netns_dev_lookup(fd, t->dev, &t->netns_cookie, &t->ifindex);
	if (ret == -ENODEV) {
		if (t->netns[0])
			snprintf(err, errlen,
				 "no device '%s' in namespace '%s'; `ip -n %s link` lists them",
				 t->dev, t->netns, t->netns[0] == '/' ? "<ns>" : t->netns);
		else
			snprintf(err, errlen,
				 "no device '%s' in the current namespace; for a device in "
				 "another namespace write NETNS/%s",
				 t->dev, t->dev);
	} else if (ret) {
		snprintf(err, errlen, "cannot look up device '%s' in %s: %s", t->dev,
			 netns_label(t->netns), strerror(-ret));
	}
	if (ret)
		dev_target_close(t);
	return ret;
}

void dev_target_close(struct dev_target *t)
{
	if (t->netns_fd >= 0)
		close(t->netns_fd);
	t->netns_fd = -1;
}

void dev_target_label(const struct dev_target *t, char *buf, size_t len)
{
	if (t->netns[0])
		snprintf(buf, len, "%s/%s", t->netns, t->dev);
	else
		snprintf(buf, len, "%s", t->dev);
}

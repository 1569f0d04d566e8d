// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "env_check.h"
/* The skeletons name struct nstrace_filter (the filter data section). */
#include "nstrace_event.h"
#include "probe.skel.h"
#include "probe_loader.h"

/*
 * The verifier checks the programs of one object one after the other, and
 * it is most of nstrace's start-up.  So the probe is three instances of the
 * same object: the handle creates the maps and loads no program, and each
 * of the two others loads one program over the handle's maps, both at once.
 */
enum { PROG_INGRESS, PROG_EGRESS, PROG_COUNT };

struct probe_set {
	struct probe_bpf handle; /* first: what callers hold; owns the maps */
	struct probe_bpf *prog[PROG_COUNT];
};

static struct probe_set *set_of(struct probe_bpf *skel)
{
	return (struct probe_set *)skel;
}

static int check_config(const struct probe_config *cfg, char *msg, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	__u64 rb = cfg->ringbuf_bytes;

	if (cfg->snaplen > NSTRACE_SNAPLEN_MAX) {
		snprintf(msg, len, "snaplen %u is above the maximum %d", cfg->snaplen,
			 NSTRACE_SNAPLEN_MAX);
		return -EINVAL;
	}
	if (rb < PROBE_RINGBUF_MIN || rb > PROBE_RINGBUF_MAX || (rb & (rb - 1)) ||
	    rb % (__u64)page) {
		snprintf(msg, len,
			 "ring buffer size %llu is not a power of two between %llu and %llu",
			 (unsigned long long)rb, PROBE_RINGBUF_MIN, PROBE_RINGBUF_MAX);
		return -EINVAL;
	}
	return 0;
}

static struct bpf_program *prog_of(struct probe_bpf *skel, int which)
{
	return which == PROG_INGRESS ? skel->progs.nstrace_ingress : skel->progs.nstrace_egress;
}

__u64 probe_events_ring_bytes(const struct probe_config *cfg)
{
	return cfg->ringbuf_bytes < PROBE_EVENTS_RING ? cfg->ringbuf_bytes : PROBE_EVENTS_RING;
}

/*
 * The same knobs in every instance, so that each reads as the whole probe;
 * only program load_only is loaded (PROG_COUNT: none, the maps alone).
 */
static int configure(struct probe_bpf *skel, const struct probe_config *cfg, int load_only)
{
	__u64 events = probe_events_ring_bytes(cfg);
	int err = 0;

	skel->rodata->snaplen = cfg->snaplen;
	/* Wake the reader early enough that it drains the events ring
	 * before records have to go to the burst ring. */
	skel->rodata->wake_bytes = cfg->wake_each_record ? 0 : events / 8;
	for (int i = 0; i < PROG_COUNT && !err; i++)
		err = bpf_program__set_autoload(prog_of(skel, i), i == load_only);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.events, (__u32)events);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.burst, (__u32)cfg->ringbuf_bytes);
	return err;
}

/* Every map of the handle, rodata included (already frozen with the knobs). */
static int share_maps(struct probe_bpf *skel, const struct probe_bpf *owner)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, owner->obj) {
		struct bpf_map *mine = bpf_object__find_map_by_name(skel->obj, bpf_map__name(map));
		int err;

		if (!mine)
			return -ENOENT;
		err = bpf_map__reuse_fd(mine, bpf_map__fd(map));
		if (err)
			return err;
	}
	return 0;
}

/* Like probe_bpf__open(), into the set that will hold the other instances. */
static struct probe_set *set_open(void)
{
	struct probe_set *set = calloc(1, sizeof(*set));
	int err;

	if (!set)
		return NULL;
	err = probe_bpf__create_skeleton(&set->handle);
	if (!err)
		err = bpf_object__open_skeleton(set->handle.skeleton, NULL);
	if (err) {
		probe_unload(&set->handle);
		errno = -err;
		return NULL;
	}
	return set;
}

struct prog_loader {
	struct probe_bpf *skel;
	int err;
};

static void *load_prog(void *arg)
{
	struct prog_loader *pl = arg;

	pl->err = probe_bpf__load(pl->skel);
	return NULL;
}

/* Both programs at once: one on a thread of its own, one here. */
static int load_progs(struct probe_set *set, const struct probe_config *cfg, char *msg,
		      size_t len)
{
	static const char *const name[PROG_COUNT] = { "ingress", "egress" };
	struct prog_loader pl[PROG_COUNT] = { 0 };
	bool threaded;
	pthread_t thread;
	int err = 0;

	for (int i = 0; i < PROG_COUNT; i++) {
		set->prog[i] = probe_bpf__open();
		if (!set->prog[i]) {
			err = -errno;
			snprintf(msg, len, "cannot open the embedded BPF probe: %s", strerror(-err));
			return err;
		}
		err = configure(set->prog[i], cfg, i);
		if (!err)
			err = share_maps(set->prog[i], &set->handle);
		if (err) {
			snprintf(msg, len, "cannot share the probe's maps between its programs: %s",
				 strerror(-err));
			return err;
		}
		pl[i].skel = set->prog[i];
	}
	threaded = !pthread_create(&thread, NULL, load_prog, &pl[PROG_EGRESS]);
	load_prog(&pl[PROG_INGRESS]);
	if (threaded)
		pthread_join(thread, NULL);
	else
		load_prog(&pl[PROG_EGRESS]);
	for (int i = 0; i < PROG_COUNT && !err; i++) {
		err = pl[i].err;
		if (err)
			snprintf(msg, len,
				 "cannot load the BPF probe's %s program into the kernel: %s; run "
				 "`nstrace -vv ...` for the verifier's log",
				 name[i], strerror(-err));
	}
	return err;
}

int probe_load(struct probe_bpf **out, const struct probe_config *cfg, char *msg, size_t len)
{
	struct probe_set *set;
	__u32 key = 0;
	int err;

	*out = NULL;
	err = check_config(cfg, msg, len);
	if (!err)
		err = env_check(msg, len);
	if (err)
		return err;

	set = set_open();
	if (!set) {
		err = -errno;
		snprintf(msg, len, "cannot open the embedded BPF probe: %s", strerror(-err));
		return err;
	}
	err = configure(&set->handle, cfg, PROG_COUNT);
	if (!err)
		err = probe_bpf__load(&set->handle);
	if (err) {
		snprintf(msg, len, "cannot create the BPF probe's maps: %s", strerror(-err));
		goto fail;
	}
	err = load_progs(set, cfg, msg, len);
	if (err)
		goto fail;
	if (bpf_map_update_elem(bpf_map__fd(set->handle.maps.data_filter), &key, &cfg->filter,
				BPF_ANY)) {
		err = -errno;
		snprintf(msg, len, "cannot write the probe's filter: %s", strerror(-err));
		goto fail;
	}
	*out = &set->handle;
	return 0;
fail:
	probe_unload(&set->handle);
	return err;
}

void probe_fds(struct probe_bpf *skel, struct attach_probe *attach, struct stream_maps *maps)
{
	struct probe_set *set = set_of(skel);

	attach->ingress_fd = bpf_program__fd(set->prog[PROG_INGRESS]->progs.nstrace_ingress);
	attach->egress_fd = bpf_program__fd(set->prog[PROG_EGRESS]->progs.nstrace_egress);
	attach->hops_map_fd = bpf_map__fd(skel->maps.hops);
	maps->events_fd = bpf_map__fd(skel->maps.events);
	maps->burst_fd = bpf_map__fd(skel->maps.burst);
	maps->hopstats_fd = bpf_map__fd(skel->maps.hopstats);
}

void probe_unload(struct probe_bpf *skel)
{
	struct probe_set *set;

	if (!skel)
		return;
	set = set_of(skel);
	for (int i = 0; i < PROG_COUNT; i++)
		probe_bpf__destroy(set->prog[i]);
	/* The handle came from set_open(), not probe_bpf__open(). */
	if (set->handle.skeleton)
		bpf_object__destroy_skeleton(set->handle.skeleton);
	free(set);
}

# shellcheck shell=bash
# Shared helpers: messages, errors, root and dependency checks, running a
# command inside a lab namespace, ending processes by their pidfile.

info() { [ -n "${LAB_QUIET:-}" ] || printf 'lab: %s\n' "$*" >&2; }
warn() { printf 'lab: warning: %s\n' "$*" >&2; }
die() {
	printf 'lab: error: %s\n' "$*" >&2
	exit 1
}

# in_ns NS CMD...: run CMD inside the lab namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# must_ns NS CMD...: like in_ns, but a failure ends the command with the
# namespace and the command line in the message.
must_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" || die "in namespace $ns: '$*' failed"
}

ns_exists() { [ -e "/run/netns/$1" ]; }

lab_require_root() {
	[ "$(id -u)" -eq 0 ] ||
		die "scripts/lab needs root (network namespaces, OVS, iptables): run it with sudo"
}

# Every tool the lab runs, with the Debian package that ships it.
LAB_TOOLS=(
	ip:iproute2 bridge:iproute2
	ovsdb-tool:openvswitch-switch ovsdb-server:openvswitch-switch
	ovs-vswitchd:openvswitch-switch ovs-vsctl:openvswitch-switch
	ovs-ofctl:openvswitch-switch ovs-appctl:openvswitch-switch
	dnsmasq:dnsmasq-base busybox:busybox
	iptables:iptables iptables-restore:iptables iptables-save:iptables
	sysctl:procps flock:util-linux sha256sum:coreutils ethtool:ethtool
)
OVS_SCHEMA=/usr/share/openvswitch/vswitch.ovsschema

lab_require_tools() {
	local entry missing=() pkgs=()
	for entry in "${LAB_TOOLS[@]}"; do
		command -v "${entry%%:*}" >/dev/null 2>&1 && continue
		missing+=("${entry%%:*}")
		[[ " ${pkgs[*]} " == *" ${entry#*:} "* ]] || pkgs+=("${entry#*:}")
	done
	if [ ! -r "$OVS_SCHEMA" ]; then
		missing+=("$OVS_SCHEMA")
		[[ " ${pkgs[*]} " == *" openvswitch-switch "* ]] || pkgs+=(openvswitch-switch)
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	die "missing ${missing[*]} (Debian packages: ${pkgs[*]}); install them with \`make deps\` (or apt-get install ${pkgs[*]})"
}

lab_require_kernel() {
	[ -c /dev/net/tun ] || die "/dev/net/tun is missing: OVS internal ports need the tun driver"
}

# pid_is_ours PID COMM: the process runs COMM and its command line names
# this lab's directory, so a recycled pid is never ended by mistake.
pid_is_ours() {
	local pid=$1 comm=$2 actual cmdline
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	actual=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	[ "$actual" = "$comm" ] || return 1
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmdline == *"$LAB_DIR/"* ]]
}

# pidfile_alive PIDFILE COMM: the pidfile names a live process of ours.
pidfile_alive() {
	local pid
	{ read -r pid <"$1"; } 2>/dev/null || return 1
	pid_is_ours "$pid" "$2"
}

# proc_gone PID: the process has exited (a zombie only waits for its parent
# to collect it: it holds nothing any more).
proc_gone() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[ "${stat%% *}" = Z ]
}

# kill_pid PID COMM: end one process of ours: SIGTERM, then SIGKILL after 2 s.
kill_pid() {
	local pid=$1 comm=$2 tries
	pid_is_ours "$pid" "$comm" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	kill -CONT "$pid" 2>/dev/null # a stopped one (a fault) acts on TERM only then
	for ((tries = 0; tries < 40; tries++)); do
		proc_gone "$pid" && return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	for ((tries = 0; tries < 20; tries++)); do
		proc_gone "$pid" && return 0
		sleep 0.05
	done
	warn "process $pid ($comm) does not end"
}

# kill_pidfile PIDFILE COMM: end the process a pidfile names (if it is one
# of ours), then remove the pidfile.
kill_pidfile() {
	local f=$1 comm=$2 pid=
	[ -e "$f" ] || return 0
	{ read -r pid <"$f"; } 2>/dev/null || true
	[ -n "$pid" ] && kill_pid "$pid" "$comm"
	rm -f "$f"
}

# no_lock_fd CMD...: run CMD without the lock's file descriptor, so a
# daemon it starts does not hold the lab's lock for as long as it runs.
no_lock_fd() {
	if [ -n "${LAB_LOCK_FD:-}" ]; then
		"$@" {LAB_LOCK_FD}>&-
	else
		"$@"
	fi
}

# lab_lock: one scripts/lab command at a time changes a given lab.
lab_lock() {
	local lock="$LAB_DIR.lock"
	mkdir -p "$(dirname "$lock")" || die "cannot create $(dirname "$lock")"
	exec {LAB_LOCK_FD}>"$lock" || die "cannot open the lock file $lock"
	flock -w 120 "$LAB_LOCK_FD" ||
		die "another scripts/lab command holds $lock for more than 2 minutes"
}

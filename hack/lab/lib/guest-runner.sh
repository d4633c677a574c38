#!/bin/bash
# PID 1 of the lab guest after switch_root (bash from the host's root, seen over 9p).
# Runs the scenarios named by lab.scenarios= on the kernel command line, one
# after another, each under its own timeout, and writes per scenario into the
# results share (/run/lab/out/<name>/ in the guest = hack/lab/out/<run-id>/<name>/
# on the host):
#   started   guest uptime (s) when the scenario started   (the host polls for it)
#   output.log  the scenario's stdout+stderr
#   dmesg.log   the kernel log after the scenario
#   rc          the scenario's exit code (124 = killed by its timeout)
#   finished  guest uptime (s) when it ended
# Then powers the guest off. This script never exits normally: PID 1 must not.
set -u
echo "lab-runner: start at $(cut -d' ' -f1 /proc/uptime)s"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

poweroff_now() {
	echo "lab-runner: powering off at $(cut -d' ' -f1 /proc/uptime)s"
	echo o >/proc/sysrq-trigger
	sleep 60
}
trap poweroff_now EXIT

arg() {
	local w
	for w in $(</proc/cmdline); do
		case "$w" in "lab.$1="*) echo "${w#*=}"; return 0 ;; esac
	done
	return 1
}

export LAB_REPO LAB_KDIR LAB_RESULTS=/run/lab/out
LAB_REPO=$(arg repo)
LAB_KDIR=$(arg kdir)
export LAB_LIB=$LAB_REPO/hack/lab/lib
export LAB_KVER
LAB_KVER=$(uname -r)
scenarios=$(arg scenarios)

# The guest kernel's modules are not in the host's /lib/modules: bind them there, so a
# plain "modprobe X" works (Tether's own code, scripts) and so does the kernel's own
# module autoloading (request_module runs /sbin/modprobe: e.g. tcp_diag for "ss -K").
# If that is impossible (no overlay), point the kernel's modprobe at a wrapper with -d.
if [ ! -d "/lib/modules/$LAB_KVER/kernel" ]; then
	mkdir -p "/lib/modules/$LAB_KVER" 2>/dev/null &&
		mount --bind "$LAB_KDIR/lib/modules/$LAB_KVER" "/lib/modules/$LAB_KVER" 2>/dev/null ||
		{
			printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "$LAB_KDIR" >/run/lab-modprobe
			chmod 755 /run/lab-modprobe
			echo /run/lab-modprobe >/proc/sys/kernel/modprobe
			echo "lab-runner: /lib/modules not writable; kernel.modprobe = /run/lab-modprobe"
		}
fi
# configfs is a module in Debian's kernel; nvmet and null_blk are configured through it
timeout 30 modprobe -d "$LAB_KDIR" configfs
mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
mountpoint -q /dev/pts || { mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }
mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm; }
# no udev: the usual /dev symlinks (process substitution needs /dev/fd)
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
hostname lab-guest 2>/dev/null || true
ip link set lo up

# Host-side environment for the scenarios (LAB_* and TETHER_* from the host, run id, ...).
# shellcheck disable=SC1091
[ -f "$LAB_RESULTS/.env" ] && . "$LAB_RESULTS/.env"

header() { # header FILE KEY DEFAULT
	local v
	v=$(sed -n "s/^# *$2: *\\([^ ]*\\).*/\\1/p" "$1" | head -1)
	echo "${v:-$3}"
}

# Two-guest scenarios: this guest is "storage" (169.254.77.1) or "node" (169.254.77.2)
# on a private virtio-net link to the other guest (MAC 52:54:00:4c:41:01 / :02).
export LAB_ROLE LAB_STORAGE_ADDR=169.254.77.1 LAB_NODE_ADDR=169.254.77.2 LAB_MY_ADDR= LAB_IFACE=
LAB_ROLE=$(arg role)
[ "$LAB_ROLE" = single ] && LAB_ROLE=
if [ -n "$LAB_ROLE" ]; then
	timeout 30 modprobe virtio_net
	want=52:54:00:4c:41:01 LAB_MY_ADDR=$LAB_STORAGE_ADDR
	[ "$LAB_ROLE" = node ] && want=52:54:00:4c:41:02 LAB_MY_ADDR=$LAB_NODE_ADDR
	for _ in $(seq 100); do
		for n in /sys/class/net/*; do [ "$(<"$n/address")" = "$want" ] && LAB_IFACE=${n##*/}; done
		[ -n "$LAB_IFACE" ] && break
		sleep 0.1
	done
	ip addr add "$LAB_MY_ADDR/24" dev "$LAB_IFACE" && ip link set "$LAB_IFACE" up
	echo "lab-runner: role $LAB_ROLE, $LAB_IFACE = $LAB_MY_ADDR"
fi

echo "lab-runner: up $(cut -d' ' -f1 /proc/uptime)s, kernel $LAB_KVER, repo $LAB_REPO"
for rel in ${scenarios//,/ }; do
	file=$LAB_REPO/hack/lab/$rel
	name=$(basename "$rel" .sh)
	out=$LAB_RESULTS/$name${LAB_ROLE:+/$LAB_ROLE}
	export LAB_SYNC=$LAB_RESULTS/$name/sync
	mkdir -p "$out"
	[ -z "$LAB_ROLE" ] || mkdir -p "$LAB_SYNC"
	t=$(header "$file" timeout 120)
	echo "lab-runner: scenario $name (timeout ${t}s)"
	cut -d' ' -f1 /proc/uptime >"$out/started"
	LAB_OUT=$out LAB_SCENARIO=$name LAB_TIMEOUT=$t \
		timeout -k 5 "$t" bash "$file" >"$out/output.log" 2>&1 </dev/null
	rc=$?
	dmesg -c >"$out/dmesg.log" 2>&1
	cut -d' ' -f1 /proc/uptime >"$out/finished"
	# The host polls for rc (over 9p) and reads it as soon as it exists: write it whole, then rename, or a loaded
	# host can read an empty file and report "exit code " for a scenario that passed.
	echo "$rc" >"$out/rc.tmp" && mv "$out/rc.tmp" "$out/rc"
	echo "lab-runner: scenario $name rc=$rc"
done

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

echo "lab-runner: up $(cut -d' ' -f1 /proc/uptime)s, kernel $LAB_KVER, repo $LAB_REPO"
for rel in ${scenarios//,/ }; do
	file=$LAB_REPO/hack/lab/$rel
	name=$(basename "$rel" .sh)
	out=$LAB_RESULTS/$name
	mkdir -p "$out"
	t=$(header "$file" timeout 120)
	echo "lab-runner: scenario $name (timeout ${t}s)"
	cut -d' ' -f1 /proc/uptime >"$out/started"
	LAB_OUT=$out LAB_SCENARIO=$name LAB_TIMEOUT=$t \
		timeout -k 5 "$t" bash "$file" >"$out/output.log" 2>&1 </dev/null
	rc=$?
	dmesg -c >"$out/dmesg.log" 2>&1
	cut -d' ' -f1 /proc/uptime >"$out/finished"
	echo "$rc" >"$out/rc"
	echo "lab-runner: scenario $name rc=$rc"
done

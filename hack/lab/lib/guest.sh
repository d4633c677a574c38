# shellcheck shell=bash
# Helpers for lab scenarios. A scenario runs inside the guest as root:
#
#   #!/bin/bash
#   # timeout: 120
#   # description: what it proves
#   set -euo pipefail
#   . "$LAB_LIB/guest.sh"
#
# Environment set by the runner: LAB_REPO (the repo, same absolute path as on the
# host, read-only underneath a tmpfs overlay), LAB_LIB, LAB_KDIR (unpacked Debian
# kernel, for modprobe -d), LAB_KVER, LAB_OUT (this scenario's results dir, written
# through to hack/lab/out/<run-id>/<scenario>/ on the host), LAB_SCENARIO,
# LAB_TIMEOUT, LAB_RUN_ID, plus LAB_JAVA_HOME / LAB_JAVA_OPTS / LAB_ENV_* / TETHER_*
# passed from the host's environment.

set -E
LAB_T0=${EPOCHREALTIME/[.,]/}   # microseconds
LAB_JAVA_HOME=${LAB_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
TETHER_CONTROLLER_JAR=${TETHER_CONTROLLER_JAR:-$LAB_REPO/controller/target/tether-controller.jar}
TETHER_NODE_JAR=${TETHER_NODE_JAR:-$LAB_REPO/node-plugin/target/tether-node.jar}
NVMET=/sys/kernel/config/nvmet
LAB_BG_PIDS=()
LAB_EXIT_HOOKS=()

# ------------------------------------------------------------------ output
# since_us START_US: seconds since START_US (from ${EPOCHREALTIME/[.,]/}) with 2 decimals; pure bash
since_us() { local d=$(( ${EPOCHREALTIME/[.,]/} - $1 )); printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000)); }
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
lab_elapsed() { local d=$(( ${EPOCHREALTIME/[.,]/} - LAB_T0 )); printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000)); }

# step "msg": timestamped progress line (wall clock and seconds since the scenario started)
step() { printf '[%(%T)T +%5ss] %s\n' -1 "$(lab_elapsed)" "$*"; }

# fail "msg": the scenario fails with this reason (shown by the host in the FAIL line)
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# show CMD...: print the command (like a shell transcript), run it, keep its status
show() {
	echo "  \$ $*"
	"$@"
}

lab_on_err() {
	local rc=$? cmd=$BASH_COMMAND
	# inside $(...) stay quiet: the outer command reports, after any explicit fail reason
	[ "$BASH_SUBSHELL" = 0 ] || return 0
	# only when errexit is on: after "set +e" a failing command is expected by the scenario
	[[ $- == *e* ]] || return 0
	echo "FAIL: command failed (exit $rc): $cmd [${BASH_SOURCE[1]##*/} line ${BASH_LINENO[0]}]" >&2
}
trap lab_on_err ERR

# on_exit "cmd": run cmd (eval'd, errors ignored) when the scenario ends, pass or fail;
# last registered runs first. Give blocking commands their own timeout.
on_exit() { LAB_EXIT_HOOKS=("$1" "${LAB_EXIT_HOOKS[@]}"); }

lab_exit() {
	local rc=$? h p
	trap - ERR
	set +e
	# each hook in a subshell: a fail/exit inside one cannot end the cleanup or change the result
	for h in "${LAB_EXIT_HOOKS[@]}"; do (trap - ERR EXIT; eval "$h") >/dev/null 2>&1; done
	for p in "${LAB_BG_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${LAB_BG_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$p" 2>/dev/null
	done
	if [ "$rc" != 0 ]; then
		# two guests: tell the other one not to wait for us
		[ -n "${LAB_ROLE:-}" ] && [ -n "${LAB_SYNC:-}" ] && echo "$rc" >"$LAB_SYNC/signal-failed-$LAB_ROLE"
		lab_dump_state >"$LAB_OUT/state.txt" 2>&1
		echo "(state of nvme/nvmet/pci at the failure: state.txt next to this log)"
	fi
	exit "$rc"
}
trap lab_exit EXIT

lab_dump_state() {
	echo "== nvme controllers"
	local c
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c" ] || continue
		echo "$c state=$(cat "$c/state" 2>/dev/null) subsysnqn=$(cat "$c/subsysnqn" 2>/dev/null) address=$(cat "$c/address" 2>/dev/null)"
	done
	echo "== nvme subsystems"
	for c in /sys/class/nvme-subsystem/*; do
		[ -e "$c" ] || continue
		echo "$c nqn=$(cat "$c/subsysnqn") entries: $(ls "$c" | grep -E '^nvme' | tr '\n' ' ')"
	done
	echo "== nvmet configfs"
	[ -d "$NVMET" ] && find "$NVMET" -maxdepth 5 \( -type l -o -type d \) | sort
	echo "== PCI"
	lspci -nnk 2>/dev/null
	echo "== block devices"
	ls -l /dev/nvme* /dev/nullb* /dev/vfio 2>/dev/null
}

# ------------------------------------------------------------------ asserts
assert_eq() { # assert_eq EXPECTED ACTUAL [what]
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_file_contains() { # assert_file_contains FILE REGEX
	[ -e "$1" ] || fail "$1 does not exist (expected it to contain '$2')"
	grep -Eq -- "$2" "$1" || fail "$1 does not contain '$2' (it has: $(head -c 300 "$1" | tr '\n' ' '))"
}

assert_exists() { [ -e "$1" ] || fail "${2:-$1 should exist}"; }
assert_missing() { [ ! -e "$1" ] || fail "${2:-$1 should not exist}"; }

# wait_for SECONDS "what" CMD...: poll CMD every 0.1 s until it succeeds; fail after SECONDS
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$(( ${EPOCHREALTIME/[.,]/} + ${secs%.*} * 1000000 ))
	until "$@" >/dev/null 2>&1; do
		(( ${EPOCHREALTIME/[.,]/} > end )) && fail "timed out after ${secs}s waiting for $what"
		sleep 0.1
	done
}

wait_for_file() { wait_for "$2" "$1 to exist" test -e "$1"; }
wait_for_gone() { wait_for "$2" "$1 to disappear" test ! -e "$1"; }

# ------------------------------------------------------------------ kernel modules
# load_modules MOD...: modprobe from the unpacked Debian kernel (not the host's /lib/modules)
load_modules() {
	local m
	for m in "$@"; do
		timeout 60 modprobe -d "$LAB_KDIR" "$m" || fail "modprobe $m failed (kernel dir $LAB_KDIR)"
	done
}

# ------------------------------------------------------------------ nvmet (target side, configfs)
nvmet_ready() {
	[ -d "$NVMET" ] || load_modules nvmet
	[ -d "$NVMET" ] || fail "nvmet configfs not at $NVMET"
}

# nvmet_subsys_create NQN: a subsystem that only admits hosts in allowed_hosts
nvmet_subsys_create() {
	nvmet_ready
	mkdir -p "$NVMET/subsystems/$1"
	echo 0 >"$NVMET/subsystems/$1/attr_allow_any_host"
}

# nvmet_ns_add NQN NSID DEVICE_OR_FILE: add and enable a namespace
nvmet_ns_add() {
	local ns=$NVMET/subsystems/$1/namespaces/$2
	mkdir -p "$ns"
	echo -n "$3" >"$ns/device_path"
	# a file on tmpfs cannot be opened O_DIRECT on 6.1: nvmet must use buffered I/O for it
	if [ -f "$3" ] && [ "$(stat -f -c %T "$3")" = tmpfs ]; then echo 1 >"$ns/buffered_io"; fi
	echo 1 >"$ns/enable" || fail "cannot enable namespace $2 of $1 on $3"
}

# nvmet_port_create PORT [ADDR]: TCP listener port; its configfs id is the port number
nvmet_port_create() {
	local p=$NVMET/ports/$1
	[ -d "$p" ] && return 0
	load_modules nvmet-tcp
	mkdir "$p"
	echo tcp >"$p/addr_trtype"
	echo ipv4 >"$p/addr_adrfam"
	echo "${2:-127.0.0.1}" >"$p/addr_traddr"
	echo "$1" >"$p/addr_trsvcid"
}

nvmet_port_link() { # nvmet_port_link NQN PORT
	nvmet_port_create "$2"
	ln -s "$NVMET/subsystems/$1" "$NVMET/ports/$2/subsystems/$1"
}
nvmet_port_unlink() { rm -f "$NVMET/ports/$2/subsystems/$1"; }

# nvmet_export_file NQN FILE PORT: file-backed namespace 1, exported on 127.0.0.1:PORT
nvmet_export_file() {
	nvmet_subsys_create "$1"
	nvmet_ns_add "$1" 1 "$2"
	nvmet_port_link "$1" "$3"
}

# nvmet_export_null NQN PORT [SIZE_MB]: memory-backed null_blk namespace (configfs nullb), prints its /dev path
nvmet_export_null() {
	local nqn=$1 port=$2 size=${3:-64} name dev
	[ -d /sys/kernel/config/nullb ] || timeout 60 modprobe -d "$LAB_KDIR" null_blk nr_devices=0 || fail "modprobe null_blk"
	name=lab$(echo -n "$nqn" | md5sum | cut -c1-8)
	mkdir -p "/sys/kernel/config/nullb/$name"
	echo "$size" >"/sys/kernel/config/nullb/$name/size"
	echo 1 >"/sys/kernel/config/nullb/$name/memory_backed"
	echo 1 >"/sys/kernel/config/nullb/$name/power"
	# 6.1 names the disk after the configfs directory (older kernels: nullb<index>)
	dev=/dev/$name
	[ -e "$dev" ] || [ ! -e "/dev/nullb$(<"/sys/kernel/config/nullb/$name/index")" ] ||
		dev=/dev/nullb$(<"/sys/kernel/config/nullb/$name/index")
	wait_for_file "$dev" 5
	nvmet_subsys_create "$nqn"
	nvmet_ns_add "$nqn" 1 "$dev"
	nvmet_port_link "$nqn" "$port"
	echo "$dev"
}

# nvmet_allow_host NQN HOSTNQN / nvmet_disallow_host NQN HOSTNQN
nvmet_allow_host() {
	mkdir -p "$NVMET/hosts/$2"
	ln -sfn "$NVMET/hosts/$2" "$NVMET/subsystems/$1/allowed_hosts/$2"
}
nvmet_disallow_host() { rm -f "$NVMET/subsystems/$1/allowed_hosts/$2"; }

# nvmet_unexport NQN: unlink from every port, disable/remove namespaces, remove the subsystem
nvmet_unexport() {
	local s=$NVMET/subsystems/$1 p n h
	[ -d "$s" ] || return 0
	for p in "$NVMET"/ports/*/subsystems/"$1"; do [ -L "$p" ] && rm -f "$p"; done
	for h in "$s"/allowed_hosts/*; do [ -L "$h" ] && rm -f "$h"; done
	for n in "$s"/namespaces/*; do
		[ -d "$n" ] || continue
		echo 0 >"$n/enable"
		rmdir "$n"
	done
	rmdir "$s"
}

# nvme_cleanup NQN: disconnect this host from NQN and remove the export (idempotent).
# Register it early with on_exit "nvme_cleanup $NQN" so a failing scenario leaves
# nothing behind for the next one in a --shared-boot guest.
nvme_cleanup() {
	[ -n "$(nvme_ctrls "$1")" ] && timeout 20 nvme disconnect -n "$1" >/dev/null 2>&1
	nvmet_unexport "$1" 2>/dev/null
	return 0
}

# ------------------------------------------------------------------ nvme host side
# lab_hostid NQN: a stable host ID (UUID) derived from a host NQN (distinct NQNs -> distinct IDs)
lab_hostid() {
	local h
	h=$(echo -n "$1" | md5sum | cut -c1-32)
	echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"
}

# lab_hostnqn NAME: a host NQN for a simulated node
lab_hostnqn() { echo "nqn.2014-08.org.nvmexpress:uuid:$(lab_hostid "lab-host-$1")"; }

# nvme_connect_tcp NQN PORT HOSTNQN [extra nvme connect args...]: connect to ${LAB_TARGET_ADDR:-127.0.0.1}:PORT
nvme_connect_tcp() {
	local nqn=$1 port=$2 host=$3
	shift 3
	timeout 30 nvme connect -t tcp -a "${LAB_TARGET_ADDR:-127.0.0.1}" -s "$port" -n "$nqn" \
		--hostnqn "$host" --hostid "$(lab_hostid "$host")" "$@"
}

# nvme_subsys_dir NQN: /sys/class/nvme-subsystem/nvme-subsysN whose subsysnqn is NQN
nvme_subsys_dir() {
	local d
	for d in /sys/class/nvme-subsystem/nvme-subsys*; do
		[ -f "$d/subsysnqn" ] && [ "$(<"$d/subsysnqn")" = "$1" ] && { echo "$d"; return 0; }
	done
	return 1
}

# nvme_ctrls NQN: controller names (nvmeX) of the subsystem, one a line
nvme_ctrls() {
	local d c
	d=$(nvme_subsys_dir "$1") || return 0
	for c in "$d"/nvme*; do
		[[ ${c##*/} =~ ^nvme[0-9]+$ ]] && echo "${c##*/}"
	done
	return 0
}

# nvme_ns_dev NQN [NSID]: /dev path of the namespace block device. With native
# multipath it is the head device nvme<S>n<N> under the subsystem; the hidden
# per-path nvme<S>c<C>n<N> devices are ignored (they have no /dev node).
nvme_ns_dev() {
	local d nsid=${2:-1} e name
	d=$(nvme_subsys_dir "$1") || return 1
	for e in "$d"/nvme*n* "$d"/nvme*/nvme*n*; do
		[ -e "$e/nsid" ] || continue
		name=${e##*/}
		[[ $name =~ ^nvme[0-9]+n[0-9]+$ ]] || continue
		[ "$(<"$e/nsid")" = "$nsid" ] || continue
		[ -b "/dev/$name" ] && { echo "/dev/$name"; return 0; }
	done
	return 1
}

wait_for_ns_dev() { # wait_for_ns_dev NQN SECONDS: prints the device
	wait_for "$2" "a namespace block device of $1" nvme_ns_dev "$1"
	nvme_ns_dev "$1"
}

ctrl_state() { local s; { s=$(<"/sys/class/nvme/$1/state"); } 2>/dev/null && echo "$s" || echo gone; }

# wait_for_ctrl_state CTRL STATE SECONDS ("gone" waits for the controller to be deleted)
wait_for_ctrl_state() {
	lab_state_is() { [ "$(ctrl_state "$1")" = "$2" ]; }
	wait_for "$3" "$1 to be $2 (now $(ctrl_state "$1"))" lab_state_is "$1" "$2"
}

# watch_ctrl_state CTRL FILE: background watcher; appends "<usec> <state>" to FILE on every
# change of /sys/class/nvme/CTRL/state (polled every 50 ms) and, with LAB_WATCH_VERBOSE=1,
# prints a step line. Stops when the controller is gone or the scenario ends.
watch_ctrl_state() {
	local c=$1 f=$2
	(
		trap - ERR EXIT
		prev=
		while :; do
			s=$(ctrl_state "$c")
			if [ "$s" != "$prev" ]; then
				echo "${EPOCHREALTIME/[.,]/} $s" >>"$f"
				[ "${LAB_WATCH_VERBOSE:-0}" = 1 ] && step "    $c: ${prev:-start} -> $s"
				prev=$s
			fi
			[ "$s" = gone ] && exit 0
			sleep 0.05
		done
	) &
	LAB_BG_PIDS+=("$!")
}

# ------------------------------------------------------------------ PCI / VFIO
pci_dev() { echo "/sys/bus/pci/devices/$1"; }
# (bash builtins where possible: every fork+exec costs ~0.1 s under TCG)
pci_driver() { # current driver name or "none"
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && echo "${l##*/}" || echo none
}
pci_group() { local l; l=$(readlink "/sys/bus/pci/devices/$1/iommu_group") && echo "${l##*/}"; }
pci_group_members() { # pci_group_members GROUP: addresses, one a line
	local d
	for d in "/sys/kernel/iommu_groups/$1/devices"/*; do echo "${d##*/}"; done
}
pci_class() { local c; c=$(<"/sys/bus/pci/devices/$1/class") && echo "$c"; }

# pci_find VENDOR:DEVICE: addresses of matching devices, one a line
pci_find() {
	local d v=${1%:*} p=${1#*:}
	for d in /sys/bus/pci/devices/*; do
		[ "$(<"$d/vendor")" = "0x$v" ] && [ "$(<"$d/device")" = "0x$p" ] && echo "${d##*/}"
	done
	return 0
}

# sysfs_write VALUE FILE: write with a timeout (bind/unbind may block)
sysfs_write() {
	timeout 30 sh -c 'printf "%s" "$1" > "$2"' _ "$1" "$2"
}

# vfio_bind ADDR: DESIGN.md §6 order: driver_override first, unbind, drivers_probe
vfio_bind() {
	local a=$1 d=/sys/bus/pci/devices/$1
	sysfs_write vfio-pci "$d/driver_override" || fail "writing driver_override of $a"
	if [ -e "$d/driver" ]; then sysfs_write "$a" "$d/driver/unbind" || fail "unbind $a"; fi
	sysfs_write "$a" /sys/bus/pci/drivers_probe || fail "drivers_probe $a"
}

# vfio_unbind ADDR: clear the override (a newline), unbind from vfio-pci, drivers_probe
vfio_unbind() {
	local a=$1 d=/sys/bus/pci/devices/$1
	timeout 30 sh -c 'echo > "$1"' _ "$d/driver_override" || fail "clearing driver_override of $a"
	if [ -e "$d/driver" ]; then sysfs_write "$a" "$d/driver/unbind" || fail "unbind $a"; fi
	sysfs_write "$a" /sys/bus/pci/drivers_probe || fail "drivers_probe $a"
}

# ------------------------------------------------------------------ two guests ("# guests: 2")
# LAB_ROLE is storage or node; LAB_STORAGE_ADDR / LAB_NODE_ADDR / LAB_MY_ADDR the link's addresses.
# lab_signal NAME / lab_wait_signal NAME SECONDS: a barrier between the two guests
lab_signal() { echo "${LAB_ROLE:-single}" >"$LAB_SYNC/signal-$1"; }
lab_wait_signal() {
	lab_signalled() {
		[ -e "$LAB_SYNC/signal-$1" ] && return 0
		local f
		for f in "$LAB_SYNC"/signal-failed-*; do
			[ -e "$f" ] && [ "$f" != "$LAB_SYNC/signal-failed-$LAB_ROLE" ] && return 0
		done
		return 1
	}
	wait_for "$2" "the other guest's signal '$1'" lab_signalled "$1"
	[ -e "$LAB_SYNC/signal-$1" ] || fail "the other guest failed (see its output.log) before signalling '$1'"
}

# lab_link ROLE up|down: the host sets that guest's link up or down (QMP set_link);
# returns when done. Cuts the network without touching either kernel's config.
lab_link() {
	local id
	id=$(now_us)
	echo "$1 $2" >"$LAB_SYNC/link-request-$id.tmp"
	mv "$LAB_SYNC/link-request-$id.tmp" "$LAB_SYNC/link-request-$id"
	wait_for 30 "the host to set the $1 link $2" test -e "$LAB_SYNC/link-done-$id"
	[ "$(<"$LAB_SYNC/link-done-$id")" = ok ] || fail "the host could not set the $1 link $2"
}

# ------------------------------------------------------------------ Tether's jars
lab_java_bg() { # lab_java_bg JAR LOGNAME ARGS...: start a jar in the background; sets LAB_LAST_PID
	local jar=$1 logname=$2
	shift 2
	[ -f "$jar" ] || fail "missing $jar: build the jars on the host first (./mvnw -q -DskipTests package); the guest sees the repo at $LAB_REPO read-only"
	[ -x "$LAB_JAVA_HOME/bin/java" ] || fail "no java at $LAB_JAVA_HOME/bin/java (set LAB_JAVA_HOME on the host)"
	# shellcheck disable=SC2086
	"$LAB_JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${LAB_JAVA_OPTS:-} -jar "$jar" "$@" \
		>"$LAB_OUT/$logname.log" 2>&1 </dev/null &
	LAB_LAST_PID=$!
	LAB_BG_PIDS+=("$LAB_LAST_PID")
	step "started $(basename "$jar") (pid $LAB_LAST_PID), log $LAB_OUT/$logname.log"
}

# tether_controller ARGS...: sets TETHER_CONTROLLER_PID; log in $LAB_OUT/tether-controller.log
tether_controller() {
	lab_java_bg "$TETHER_CONTROLLER_JAR" tether-controller "$@"
	TETHER_CONTROLLER_PID=$LAB_LAST_PID
}

# tether_node ARGS...: sets TETHER_NODE_PID; log in $LAB_OUT/tether-node.log
tether_node() {
	lab_java_bg "$TETHER_NODE_JAR" tether-node "$@"
	TETHER_NODE_PID=$LAB_LAST_PID
}

# wait_for_socket PATH SECONDS: a unix socket appears (e.g. the CSI endpoint)
wait_for_socket() { wait_for "$2" "unix socket $1" test -S "$1"; }

#!/bin/bash
# timeout: 1500
# default: no
# description: benchmark: NodeStageVolume wall time (through CsiCall) against a raw nvme connect + mount of the same volume, and NodeUnstageVolume against umount + nvme disconnect; BENCH_COUNT rounds (default 5); numbers go to docs/benchmarks/node.md
set -euo pipefail
. "$LAB_LIB/guest.sh"
BK_DIR=/tmp/$LAB_SCENARIO-backing
BK_PORTS=4460-4469
. "$(dirname "${BASH_SOURCE[0]}")/e2e-helpers.bash"

N=${LAB_ENV_BENCH_COUNT:-5}
PARAMS='{"reconnectDelay":"2","ctrlLossTmo":"600","keepAliveTmo":"5","fastIoFailTmo":"5"}'
RAW_MNT=/tmp/$LAB_SCENARIO-raw
load_modules nvmet nvmet-tcp nvme-tcp tcp_diag
rm -rf "$BK_DIR"
on_exit "umount -l $RAW_MNT; e2e_cleanup nqn.2026-01.dev.tether:bench-fs nqn.2026-01.dev.tether:bench-raw; rm -rf $BK_DIR"

e2e_node_start
bk_controller
e2e_node_wait

# raw_stage NQN PORT: what NodeStage does, by hand: connect with the volume's options, find the namespace, set
# fast_io_fail_tmo, mount (mkfs first with MKFS=1)
raw_stage() {
	local c d
	timeout 30 nvme connect -t tcp -a 127.0.0.1 -s "$2" -n "$1" --hostnqn "$E2E_HOSTNQN" --hostid "$E2E_HOSTID" \
		--ctrl-loss-tmo=600 --reconnect-delay=2 --keep-alive-tmo=5 >/dev/null
	d=$(wait_for_ns_dev "$1" 30)
	for c in $(nvme_ctrls "$1"); do echo 5 >"/sys/class/nvme/$c/fast_io_fail_tmo"; done
	[ "${MKFS:-0}" = 0 ] || mkfs.ext4 -q -E nodiscard "$d" # as NodeStage formats
	mkdir -p "$RAW_MNT"
	timeout 30 mount -t ext4 "$d" "$RAW_MNT"
}
raw_unstage() {
	timeout 30 umount "$RAW_MNT"
	timeout 30 nvme disconnect -n "$1" >/dev/null
	wait_for 30 "$1 to disconnect" test -z "$(nvme_ctrls "$1")"
}
# stage_once VOL CTX PUB CAP: NodeStage then NodeUnstage; appends the two wall times to STAGE_T / UNSTAGE_T
stage_once() {
	local t
	e2e_stage "$1" mount "$4" "$2" "$3"
	[ "$CSI_RC" = 0 ] || fail "NodeStageVolume $1: $CSI_RC $CSI_OUT"
	STAGE_T+=("$STAGE_SECS")
	t=$(now_us)
	e2e_unstage "$1" mount
	wait_for 30 "$1 to disconnect" test -z "$(nvme_ctrls "nqn.2026-01.dev.tether:$1")"
	UNSTAGE_T+=("$(since_us "$t")")
}

step "two 64 MiB ext4 volumes published to this node: bench-fs (NodeStage) and bench-raw (by hand)"
e2e_volume bench-fs 64 mount "$PARAMS"
FS=$VOL_ID FS_CTX=$VOL_CTX FS_CAP=$VOL_CAP
e2e_publish "$FS" "$FS_CAP"
FS_PUB=$PUB_CTX
e2e_volume bench-raw 64 mount "$PARAMS"
RAW_NQN=$VOL_NQN RAW_PORT=$VOL_PORT
e2e_publish bench-raw "$VOL_CAP"

step "first stage of each (includes mkfs.ext4)"
STAGE_T=() UNSTAGE_T=()
stage_once "$FS" "$FS_CTX" "$FS_PUB" "$FS_CAP"
first_stage=${STAGE_T[0]}
t=$(now_us)
MKFS=1 raw_stage "$RAW_NQN" "$RAW_PORT"
first_raw=$(since_us "$t")
raw_unstage "$RAW_NQN"
step "  NodeStage $first_stage s, raw connect + mkfs + mount $first_raw s"

step "$N rounds: NodeStage/NodeUnstage of bench-fs, raw connect + mount / umount + disconnect of bench-raw"
STAGE_T=() UNSTAGE_T=() RAW_T=() RAW_UN_T=()
for i in $(seq "$N"); do
	stage_once "$FS" "$FS_CTX" "$FS_PUB" "$FS_CAP"
	t=$(now_us)
	raw_stage "$RAW_NQN" "$RAW_PORT"
	RAW_T+=("$(since_us "$t")")
	t=$(now_us)
	raw_unstage "$RAW_NQN"
	RAW_UN_T+=("$(since_us "$t")")
	step "  round $i: NodeStage ${STAGE_T[-1]} s, raw ${RAW_T[-1]} s; NodeUnstage ${UNSTAGE_T[-1]} s, raw ${RAW_UN_T[-1]} s"
done

stats() { python3 -c 'import statistics,sys; v=sorted(float(x) for x in sys.argv[2:]); print("%-34s n=%d median=%.2fs min=%.2fs max=%.2fs" % (sys.argv[1], len(v), statistics.median(v), v[0], v[-1]))' "$@"; }
{
	echo "first stage (mkfs): NodeStage ${first_stage}s, raw connect+mkfs+mount ${first_raw}s"
	stats "NodeStage (formatted volume)" "${STAGE_T[@]}"
	stats "raw nvme connect + mount" "${RAW_T[@]}"
	stats "NodeUnstage" "${UNSTAGE_T[@]}"
	stats "raw umount + nvme disconnect" "${RAW_UN_T[@]}"
	echo "load average at the end (guest): $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$LAB_OUT/bench.txt"
step ok

#!/bin/bash
# timeout: 1200
# default: yes
# description: revoke is a fence at the target: node-a's connections are cut, its later writes never reach the backing file (before or after it is granted again, which waits out the fence window), node-c on the same target keeps its I/O; the ss -K cut and the port-relink fallback both verified
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/backend-helpers.bash"

NODE_A=$(lab_hostnqn node-a)
NODE_C=$(lab_hostnqn node-c)
MIB=1048576
load_modules nvmet nvmet-tcp nvme-tcp tcp_diag
# A fence window of 2 x 5 s keep-alive + 5 s fast_io_fail + 30 s margin = 45 s: long enough that the immediate
# re-publish below lands inside it even when a loaded CI machine makes each step take seconds.
bk_controller --nvmet-fence-margin 30s

step "two volumes on the target: fence-a for node-a, fence-c for node-c"
bk_create fence-a 64 block
a=$CSI_OUT
bk_create fence-c 64 block
c=$CSI_OUT
nqn_a=$(json 'j["volume"]["volumeContext"]["nqn"]' <<<"$a"); port_a=$(json 'j["volume"]["volumeContext"]["transportPort"]' <<<"$a")
nqn_c=$(json 'j["volume"]["volumeContext"]["nqn"]' <<<"$c"); port_c=$(json 'j["volume"]["volumeContext"]["transportPort"]' <<<"$c")
[ "$port_a" != "$port_c" ] || fail "volumes share port $port_a"
bk_publish fence-a node-a "$NODE_A"
assert_eq 0 "$CSI_RC" "publish fence-a ($CSI_OUT)"
bk_publish fence-c node-c "$NODE_C"
assert_eq 0 "$CSI_RC" "publish fence-c ($CSI_OUT)"
ctrl_a=$(bk_connect "$nqn_a" "$port_a" "$NODE_A" 127.0.0.2) || fail "node-a connect"
ctrl_c=$(bk_connect "$nqn_c" "$port_c" "$NODE_C" 127.0.0.3) || fail "node-c connect"
dev_a=$(wait_for_ns_dev "$nqn_a" 10)
dev_c=$(wait_for_ns_dev "$nqn_c" 10)
step "  node-a $ctrl_a -> $dev_a (port $port_a), node-c $ctrl_c -> $dev_c (port $port_c); fast_io_fail_tmo=5, ctrl_loss_tmo=-1"

step "node-a writes block 1 (acknowledged before the cut)"
head -c 1M /dev/urandom >/tmp/before
timeout 30 dd if=/tmp/before of="$dev_a" bs=1M seek=1 oflag=direct conv=fsync status=none
assert_eq "$(sha256sum </tmp/before | cut -d' ' -f1)" "$(sha_at "$BK_DIR/volumes/fence-a.img" 1 1)" "pre-cut write in the backing file"

step "node-c writes continuously in the background (1 MiB O_DIRECT writes, one line per completed write)"
(
	trap - ERR EXIT
	i=0
	while [ ! -e /tmp/stop-c ]; do
		if timeout 10 dd if=/dev/urandom of="$dev_c" bs=1M count=1 seek=$((i % 32)) oflag=direct status=none 2>/dev/null; then
			echo "${EPOCHREALTIME/[.,]/} ok" >>/tmp/writes-c
		else
			echo "${EPOCHREALTIME/[.,]/} fail" >>/tmp/writes-c
		fi
		i=$((i + 1))
	done
) &
LAB_BG_PIDS+=("$!")
watch_ctrl_state "$ctrl_c" /tmp/states-c
watch_ctrl_state "$ctrl_a" /tmp/states-a
sleep 2

step "ControllerUnpublishVolume fence-a from node-a: unlink, then cut, then verify"
peers_before=$(bk_peers "$port_a" | wc -l)
t_cut=$(now_us)
bk_unpublish fence-a node-a "$NODE_A"
step "  unpublish returned after $(since_us "$t_cut") s; node-a had $peers_before connection(s) on port $port_a"
assert_missing "$NVMET/subsystems/$nqn_a/allowed_hosts/$NODE_A"
[ -z "$(bk_peers "$port_a")" ] || fail "connections left on $port_a after revoke: $(bk_peers "$port_a")"
grep -q "revoked $NODE_A; $peers_before connection(s) to port $port_a cut by ss -K" "$LAB_OUT/tether-controller.log" ||
	fail "controller did not log an ss -K cut: $(grep revoked "$LAB_OUT/tether-controller.log")"
assert_file_contains "$BK_DIR/fences/fence-a.properties" "cut=true"
wait_for_ctrl_state "$ctrl_a" connecting 5
step "  node-a is $(ctrl_state "$ctrl_a"); fence recorded on the target: $(grep -c . "$BK_DIR/fences/fence-a.properties") lines"

step "node-a writes block 2 after the cut: it must fail (fast_io_fail_tmo) and never land"
head -c 1M /dev/urandom >/tmp/after
t=$(now_us)
set +e
timeout 60 dd if=/tmp/after of="$dev_a" bs=1M seek=2 oflag=direct conv=fsync status=none 2>/tmp/dd-after.err
rc=$?
set -e
step "  node-a's write ended after $(since_us "$t") s with exit $rc ($(head -c 120 /tmp/dd-after.err))"
[ "$rc" != 0 ] || fail "node-a's write after the cut succeeded"
[ "$rc" != 124 ] || fail "node-a's write after the cut was still hanging after 60 s (fast_io_fail_tmo not effective)"
assert_eq "$(head -c 1M /dev/zero | sha256sum | cut -d' ' -f1)" "$(sha_at "$BK_DIR/volumes/fence-a.img" 2 1)" "block 2 of the backing file after the cut"

step "node-a queues one more write (it will hang or fail) and is published again at once: UNAVAILABLE until the fence window ends"
head -c 1M /dev/urandom >/tmp/queued
# set +e: under errexit a failing dd (the expected EIO) would end the subshell before it records its exit code.
(trap - ERR EXIT; set +e; timeout 120 dd if=/tmp/queued of="$dev_a" bs=1M seek=3 oflag=direct status=none 2>/dev/null; echo "$?" >/tmp/queued.rc) &
LAB_BG_PIDS+=("$!")
# The window's end as the controller logged it (same guest clock): an answer that comes back before it must be a
# refusal; on a machine so loaded that the steps above outlasted the window, a grant is right and the data checks
# below still prove nothing stale landed.
window_end=$(grep -o "revoked $NODE_A; .*not re-granted before [^ ]*" "$LAB_OUT/tether-controller.log" | tail -1)
window_end_us=$(( $(date -d "${window_end##* }" +%s%N) / 1000 ))
bk_publish fence-a node-a "$NODE_A"
if (( $(now_us) < window_end_us )); then
	assert_eq 14 "$CSI_RC" "re-publish inside the fence window ($CSI_OUT)"
	[[ $CSI_OUT == *"retry after"* ]] || fail "UNAVAILABLE does not say when to retry: $CSI_OUT"
	step "  refused: ${CSI_OUT:0:260}"
else
	[ "$CSI_RC" = 0 ] || [ "$CSI_RC" = 14 ] || fail "re-publish after the fence window failed with $CSI_RC: $CSI_OUT"
	step "  the fence window (until ${window_end##* }) had passed before this publish answered (loaded machine): $CSI_RC"
fi
retry=0
while [ "$CSI_RC" != 0 ] && bk_publish fence-a node-a "$NODE_A"; [ "$CSI_RC" != 0 ]; do
	[ "$CSI_RC" = 14 ] || fail "re-publish failed with $CSI_RC: $CSI_OUT"
	retry=$((retry + 1))
	(( retry < 120 )) || fail "node-a never granted again"
	sleep 1
done
step "  granted again $(since_us "$t_cut") s after the cut"
wait_for_ctrl_state "$ctrl_a" live 20
wait_for_file /tmp/queued.rc 130
step "  node-a reconnected; its queued write ended with exit $(</tmp/queued.rc)"
sleep 3
assert_eq "$(head -c 1M /dev/zero | sha256sum | cut -d' ' -f1)" "$(sha_at "$BK_DIR/volumes/fence-a.img" 2 1)" "block 2 after re-grant"
assert_eq "$(head -c 1M /dev/zero | sha256sum | cut -d' ' -f1)" "$(sha_at "$BK_DIR/volumes/fence-a.img" 3 1)" "block 3 (queued during the fence) after re-grant"
assert_eq "$(sha256sum </tmp/before | cut -d' ' -f1)" "$(sha_at "$BK_DIR/volumes/fence-a.img" 1 1)" "pre-cut data intact"

step "node-c kept its I/O throughout"
touch /tmp/stop-c
sleep 1.5
oks=$(grep -c ok /tmp/writes-c || true)
fails=$(grep -c fail /tmp/writes-c || true)
assert_eq 0 "$fails" "failed writes of node-c"
if awk '{print $2}' /tmp/states-c | grep -qv '^live$'; then fail "node-c left live: $(tr '\n' ' ' </tmp/states-c)"; fi
# longest gap between node-c's completed writes, around the cut
gap=$(awk -v s="$t_cut" '$1 > s - 2000000 && $1 < s + 4000000 {if (p) {d=$1-p; if (d>m) m=d} p=$1} END {printf "%.2f", m/1e6}' /tmp/writes-c)
step "  node-c: $oks writes ok, $fails failed; controller stayed live; longest gap between writes around the cut: $gap s"

step "port-relink fallback: without tcp_diag, ss -K cannot destroy sockets; the revoke must still cut"
timeout 10 nvme disconnect -n "$nqn_a" >/dev/null 2>&1 || true
# ss asks the kernel for sock_diag, and the kernel would load tcp_diag right back through its modprobe helper:
# point the helper at /bin/true while the fallback is checked.
modprobe_helper=$(</proc/sys/kernel/modprobe)
on_exit "echo $modprobe_helper >/proc/sys/kernel/modprobe" # also when a check below fails (--shared-boot)
echo /bin/true >/proc/sys/kernel/modprobe
rmmod tcp_diag
rmmod inet_diag 2>/dev/null || true
ctrl_c2=$ctrl_c
bk_unpublish fence-c node-c "$NODE_C"
grep -q "revoked $NODE_C; [0-9]* connection(s) to port $port_c cut by port relink" "$LAB_OUT/tether-controller.log" ||
	fail "expected a relink cut: $(grep "revoked $NODE_C" "$LAB_OUT/tether-controller.log")"
[ -z "$(bk_peers "$port_c")" ] || fail "connections left on $port_c: $(bk_peers "$port_c")"
wait_for_ctrl_state "$ctrl_c2" connecting 5
assert_exists "$NVMET/ports/$port_c/subsystems/$nqn_c"
echo "$modprobe_helper" >/proc/sys/kernel/modprobe
step "  node-c cut by relink; the port still serves the volume"
timeout 10 nvme disconnect -n "$nqn_c" >/dev/null 2>&1 || true
step ok

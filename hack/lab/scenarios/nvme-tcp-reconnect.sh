#!/bin/bash
# timeout: 120
# default: yes
# description: cut the target port under a connected host: live -> connecting -> live, a read issued during the outage completes after reconnect; ctrl_loss_tmo deletes the controller
set -euo pipefail
. "$LAB_LIB/guest.sh"

SUBNQN=nqn.2026-01.dev.tether:lab-reconnect
HOSTNQN=$(lab_hostnqn node-a)
PORT=4422
BACKING=/tmp/$LAB_SCENARIO.img   # unique per scenario: --shared-boot runs others in the same /tmp
rm -f "$BACKING"
on_exit "rm -f $BACKING"
states=$LAB_OUT/ctrl-states.txt

load_modules nvmet nvmet-tcp nvme-tcp
on_exit "nvme_cleanup $SUBNQN"
truncate -s 32M "$BACKING"
nvmet_export_file "$SUBNQN" "$BACKING" "$PORT"
nvmet_allow_host "$SUBNQN" "$HOSTNQN"

step "connect with reconnect_delay=1 s, ctrl_loss_tmo=30 s"
t=$(now_us)
nvme_connect_tcp "$SUBNQN" "$PORT" "$HOSTNQN" --reconnect-delay=1 --ctrl-loss-tmo=30
dev=$(wait_for_ns_dev "$SUBNQN" 10)
m_connect=$(since_us "$t")
ctrl=$(nvme_ctrls "$SUBNQN")
head -c 1M /dev/urandom >/tmp/pattern
want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
timeout 30 dd if=/tmp/pattern of="$dev" bs=1M oflag=direct conv=fsync status=none
watch_ctrl_state "$ctrl" "$states"

step "cut: unlink the subsystem from port $PORT (closes the listener and the connection)"
t=$(now_us)
nvmet_port_unlink "$SUBNQN" "$PORT"
wait_for_ctrl_state "$ctrl" connecting 10
m_cut=$(since_us "$t")
step "  $ctrl is connecting after ${m_cut} s"

step "issue a read during the outage: it must block, not fail"
(timeout 60 dd if="$dev" bs=1M count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1 >/tmp/read.sum) &
reader=$!
sleep 2
kill -0 "$reader" 2>/dev/null || fail "the read finished during the outage (expected it to block): $(cat /tmp/read.sum 2>/dev/null)"
assert_eq connecting "$(ctrl_state "$ctrl")" "state during the outage"

step "restore: relink the subsystem to the port"
t=$(now_us)
nvmet_port_link "$SUBNQN" "$PORT"
wait_for_ctrl_state "$ctrl" live 15
m_restore=$(since_us "$t")
wait "$reader" || fail "the read issued during the outage failed"
assert_eq "$want" "$(cat /tmp/read.sum)" "data read across the outage"
step "  live again after ${m_restore} s; the blocked read completed with the right data"
[ "$(dev_now=$(nvme_ns_dev "$SUBNQN"); echo "$dev_now")" = "$dev" ] || fail "block device changed across the reconnect"
echo "  state log: $(awk '{ print $2 }' "$states" | tr '\n' ' ')"
grep -q ' resetting$' "$states" || grep -q ' connecting$' "$states" || fail "no resetting/connecting seen"

step "ctrl_loss_tmo: reconnect with ctrl_loss_tmo=3, cut, the controller is deleted"
timeout 30 nvme disconnect -n "$SUBNQN" >/dev/null
wait_for_ctrl_state "$ctrl" gone 10
nvme_connect_tcp "$SUBNQN" "$PORT" "$HOSTNQN" --reconnect-delay=1 --ctrl-loss-tmo=3
dev=$(wait_for_ns_dev "$SUBNQN" 10)
ctrl=$(nvme_ctrls "$SUBNQN")
t=$(now_us)
nvmet_port_unlink "$SUBNQN" "$PORT"
wait_for_ctrl_state "$ctrl" gone 20
m_loss=$(since_us "$t")
wait_for_gone "$dev" 5
[ -z "$(nvme_ctrls "$SUBNQN")" ] || fail "controllers left after ctrl_loss_tmo"
step "  controller and $dev gone ${m_loss} s after the cut"

nvmet_unexport "$SUBNQN"
echo "MEASURE connect=${m_connect}s cut_to_connecting=${m_cut}s restore_to_live=${m_restore}s ctrl_loss_tmo3_to_gone=${m_loss}s" | tee "$LAB_OUT/measure.txt"
step ok

#!/bin/bash
# timeout: 90
# default: yes
# description: a host NQN not in allowed_hosts is refused (nvme connect fails, no controller), an allowed one still connects
set -euo pipefail
. "$LAB_LIB/guest.sh"

SUBNQN=nqn.2026-01.dev.tether:lab-not-allowed
ALLOWED=$(lab_hostnqn node-a)
INTRUDER=$(lab_hostnqn node-b)
PORT=4421

load_modules nvmet nvmet-tcp nvme-tcp
on_exit "nvme_cleanup $SUBNQN"
step "export a null_blk namespace as $SUBNQN, allowed_hosts = {node-a}"
nvmet_export_null "$SUBNQN" "$PORT" 32 >/dev/null
nvmet_allow_host "$SUBNQN" "$ALLOWED"

step "node-b ($INTRUDER) connects: must be refused"
dmesg -C
set +e
out=$(nvme_connect_tcp "$SUBNQN" "$PORT" "$INTRUDER" --ctrl-loss-tmo=2 2>&1)
rc=$?
set -e
echo "  nvme connect exit $rc: $out"
[ "$rc" != 0 ] || fail "nvme connect of a host not in allowed_hosts succeeded"
[ -z "$(nvme_ctrls "$SUBNQN")" ] || fail "a controller appeared for the refused host: $(nvme_ctrls "$SUBNQN")"
! nvme_ns_dev "$SUBNQN" >/dev/null || fail "a namespace device appeared for the refused host"
dmesg | grep -q "connect by host $INTRUDER for subsystem $SUBNQN not allowed" ||
	fail "target did not log the refusal (dmesg: $(dmesg | grep nvmet | tail -3 | tr '\n' ' '))"
step "refused; target logged: $(dmesg | grep -o 'nvmet: connect by host .* not allowed' | head -1)"

step "node-a connects: allowed"
nvme_connect_tcp "$SUBNQN" "$PORT" "$ALLOWED" --ctrl-loss-tmo=2
dev=$(wait_for_ns_dev "$SUBNQN" 10)
ctrl=$(nvme_ctrls "$SUBNQN")
assert_eq live "$(ctrl_state "$ctrl")"
assert_eq "$ALLOWED" "$(cat "/sys/class/nvme/$ctrl/hostnqn")"

step "a duplicate connect of node-a is answered as 'already connected' (EALREADY)"
set +e
out=$(nvme_connect_tcp "$SUBNQN" "$PORT" "$ALLOWED" --ctrl-loss-tmo=2 2>&1)
rc=$?
set -e
echo "  nvme connect exit $rc: $out"
[ "$rc" != 0 ] || fail "a duplicate connect succeeded (expected 'already connected')"
assert_eq 1 "$(nvme_ctrls "$SUBNQN" | wc -l)" "controllers after a duplicate connect"

timeout 30 nvme disconnect -n "$SUBNQN" >/dev/null
wait_for_ctrl_state "$ctrl" gone 10
nvmet_unexport "$SUBNQN"
step ok

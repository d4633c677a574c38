#!/bin/bash
# timeout: 120
# default: yes
# description: fencing at the target (DESIGN.md §5): unlinking a host is not a fence; killing its target-side sockets is; with fast_io_fail_tmo its queued writes fail and never reach storage, even after it is re-granted
set -euo pipefail
. "$LAB_LIB/guest.sh"

SUBNQN=nqn.2026-01.dev.tether:lab-fence
HOSTNQN=$(lab_hostnqn node-a)
PORT=4423
BACKING=/tmp/$LAB_SCENARIO.img   # unique per scenario: --shared-boot runs others in the same /tmp
rm -f "$BACKING"
on_exit "rm -f $BACKING"

load_modules nvmet nvmet-tcp nvme-tcp
on_exit "nvme_cleanup $SUBNQN"
truncate -s 32M "$BACKING"
nvmet_export_file "$SUBNQN" "$BACKING" "$PORT"
nvmet_allow_host "$SUBNQN" "$HOSTNQN"
nvme_connect_tcp "$SUBNQN" "$PORT" "$HOSTNQN" --reconnect-delay=1 --ctrl-loss-tmo=60
dev=$(wait_for_ns_dev "$SUBNQN" 10)
ctrl=$(nvme_ctrls "$SUBNQN")
step "connected: $ctrl $dev; set fast_io_fail_tmo=3 on the controller (nvme-cli 2.3 has no flag for it)"
echo 3 >"/sys/class/nvme/$ctrl/fast_io_fail_tmo"
assert_eq 3 "$(cat "/sys/class/nvme/$ctrl/fast_io_fail_tmo")"

step "unlink the host from allowed_hosts: the live connection keeps working (not a fence)"
nvmet_disallow_host "$SUBNQN" "$HOSTNQN"
head -c 1M /dev/urandom >/tmp/a
timeout 30 dd if=/tmp/a of="$dev" bs=1M seek=1 oflag=direct conv=fsync status=none || fail "write after unlink failed"
assert_eq "$(sha256sum </tmp/a)" "$(dd if="$BACKING" bs=1M skip=1 count=1 status=none | sha256sum)" "write after unlink reached storage"
assert_eq live "$(ctrl_state "$ctrl")" "state after unlink"

step "cut: kill the target-side sockets (ss -K dst 127.0.0.1 sport = :$PORT)"
dmesg -C
t_cut=$(now_us)
killed=$(timeout 10 ss -K -tn dst 127.0.0.1 sport = ":$PORT" | tail -n +2 | wc -l)
echo "  ss -K closed $killed socket(s)"
[ "$killed" -ge 1 ] || fail "ss -K closed no target-side socket (needs CONFIG_INET_DIAG_DESTROY)"
wait_for_ctrl_state "$ctrl" connecting 10
wait_for 10 "the target to refuse the reconnect" bash -c "dmesg | grep -q 'connect by host $HOSTNQN for subsystem $SUBNQN not allowed'"
step "  $ctrl is connecting and its reconnects are refused"

step "a write queued while cut: blocks, then fails after fast_io_fail_tmo, never reaches storage"
head -c 1M /dev/urandom >/tmp/b
t=$(now_us)
(trap - ERR EXIT; set +e; timeout 60 dd if=/tmp/b of="$dev" bs=1M seek=4 oflag=direct conv=fsync status=none 2>/tmp/b.err; echo $? >/tmp/b.rc) &
writer=$!
wait "$writer"
m_fail=$(since_us "$t")
m_fail_cut=$(since_us "$t_cut")
rc=$(cat /tmp/b.rc)
echo "  dd exit $rc after ${m_fail} s (${m_fail_cut} s after the cut): $(head -1 /tmp/b.err)"
[ "$rc" != 0 ] || fail "the write issued while cut succeeded"
[ "$rc" != 124 ] || fail "the write issued while cut hung for 60 s (fast_io_fail_tmo not honoured)"
assert_eq connecting "$(ctrl_state "$ctrl")" "state while still unlinked"

step "re-grant the host: it reconnects; the failed write must not arrive late"
nvmet_allow_host "$SUBNQN" "$HOSTNQN"
wait_for_ctrl_state "$ctrl" live 15
sleep 2
[ "$(sha256sum </tmp/b)" != "$(dd if="$BACKING" bs=1M skip=4 count=1 status=none | sha256sum)" ] ||
	fail "the write that failed during the cut reached storage after the re-grant"
assert_eq "$(head -c 1M /dev/zero | sha256sum)" "$(dd if="$BACKING" bs=1M skip=4 count=1 status=none | sha256sum)" "region of the failed write is untouched"
timeout 30 dd if=/tmp/b of="$dev" bs=1M seek=4 oflag=direct conv=fsync status=none || fail "write after re-grant failed"
assert_eq "$(sha256sum </tmp/b)" "$(dd if="$BACKING" bs=1M skip=4 count=1 status=none | sha256sum)" "write after re-grant"

timeout 30 nvme disconnect -n "$SUBNQN" >/dev/null
wait_for_ctrl_state "$ctrl" gone 10
nvmet_unexport "$SUBNQN"
echo "MEASURE fast_io_fail_tmo=3: queued write failed ${m_fail_cut}s after the cut" | tee "$LAB_OUT/measure.txt"
step ok

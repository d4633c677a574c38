#!/bin/bash
# timeout: 180
# guests: 2
# default: yes
# description: two kernels: a storage guest exports over a virtual link, the node guest connects; the host cuts the node's link (QMP set_link): keep-alive notices, the controller reconnects when the link returns, data intact
set -euo pipefail
. "$LAB_LIB/guest.sh"

SUBNQN=nqn.2026-01.dev.tether:lab-two-hosts
HOSTNQN=$(lab_hostnqn node-a)
PORT=4420

if [ "$LAB_ROLE" = storage ]; then
	load_modules nvmet nvmet-tcp
	BACKING=/tmp/$LAB_SCENARIO.img
	truncate -s 32M "$BACKING"
	on_exit "nvmet_unexport $SUBNQN"
	step "storage: export $SUBNQN on $LAB_STORAGE_ADDR:$PORT for $HOSTNQN"
	nvmet_port_create "$PORT" "$LAB_STORAGE_ADDR"
	nvmet_export_file "$SUBNQN" "$BACKING" "$PORT"
	nvmet_allow_host "$SUBNQN" "$HOSTNQN"
	lab_signal exported
	lab_wait_signal node-done 150
	step "storage: the node wrote its pattern here too"
	assert_eq "$(<"$LAB_SYNC/pattern.sum")" "$(dd if="$BACKING" bs=1M count=1 status=none | sha256sum | cut -d' ' -f1)" "pattern in the backing file"
	step "storage: ok"
	exit 0
fi

# node
load_modules nvme-tcp
on_exit "nvme_cleanup $SUBNQN"
lab_wait_signal exported 60
wait_for 30 "a TCP connection to $LAB_STORAGE_ADDR:$PORT over the guests' link" \
	timeout 3 bash -c "</dev/tcp/$LAB_STORAGE_ADDR/$PORT"
step "node: connect to $LAB_STORAGE_ADDR:$PORT (reconnect_delay=1, ctrl_loss_tmo=60, keep-alive 5 s)"
t=$(now_us)
LAB_TARGET_ADDR=$LAB_STORAGE_ADDR nvme_connect_tcp "$SUBNQN" "$PORT" "$HOSTNQN" \
	--reconnect-delay=1 --ctrl-loss-tmo=60 --keep-alive-tmo=5
dev=$(wait_for_ns_dev "$SUBNQN" 15)
m_connect=$(since_us "$t")
ctrl=$(nvme_ctrls "$SUBNQN")
assert_file_contains "/sys/class/nvme/$ctrl/address" "traddr=$LAB_STORAGE_ADDR,trsvcid=$PORT"
head -c 1M /dev/urandom >/tmp/pattern
sha256sum </tmp/pattern | cut -d' ' -f1 >"$LAB_SYNC/pattern.sum"
timeout 30 dd if=/tmp/pattern of="$dev" bs=1M oflag=direct conv=fsync status=none
step "node: connected in ${m_connect} s as $ctrl, wrote 1 MiB"

LAB_WATCH_VERBOSE=1 watch_ctrl_state "$ctrl" "$LAB_OUT/ctrl-states.txt"
step "node: the host cuts the node's link (QMP set_link lan off); no RST, nothing in either kernel changes"
t=$(now_us)
lab_link node down
(trap - ERR EXIT; set +e; timeout 100 dd if="$dev" bs=1M count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1 >/tmp/read.sum) &
reader=$!
wait_for 60 "$ctrl to notice the dead link" bash -c "s=\$(cat /sys/class/nvme/$ctrl/state); [ \"\$s\" = resetting ] || [ \"\$s\" = connecting ]"
m_notice=$(since_us "$t")
step "node: $ctrl is $(ctrl_state "$ctrl") ${m_notice} s after the cut"
sleep 2
kill -0 "$reader" 2>/dev/null || fail "the read finished while the link was down"

step "node: the host restores the link"
t=$(now_us)
lab_link node up
wait_for_ctrl_state "$ctrl" live 30
m_back=$(since_us "$t")
wait "$reader" || fail "the read issued while the link was down failed"
assert_eq "$(<"$LAB_SYNC/pattern.sum")" "$(cat /tmp/read.sum)" "data read across the link cut"
step "node: live again ${m_back} s after the link returned; the blocked read completed with the right data"
timeout 30 nvme disconnect -n "$SUBNQN" >/dev/null
wait_for_ctrl_state "$ctrl" gone 10
echo "MEASURE connect=${m_connect}s link_down_to_noticed=${m_notice}s link_up_to_live=${m_back}s" | tee "$LAB_OUT/measure.txt"
lab_signal node-done
step "node: ok"

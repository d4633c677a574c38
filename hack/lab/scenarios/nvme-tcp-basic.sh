#!/bin/bash
# timeout: 90
# default: yes
# description: file-backed nvmet-tcp export on 127.0.0.1, connect as an allowed host, write/read/verify, disconnect
set -euo pipefail
. "$LAB_LIB/guest.sh"

SUBNQN=nqn.2026-01.dev.tether:lab-basic
HOSTNQN=$(lab_hostnqn node-a)
PORT=4420
BACKING=/tmp/$LAB_SCENARIO.img   # unique per scenario: --shared-boot runs others in the same /tmp
rm -f "$BACKING"
on_exit "rm -f $BACKING"

step "load nvmet, nvmet-tcp, nvme-tcp from $LAB_KDIR"
load_modules nvmet nvmet-tcp nvme-tcp
on_exit "nvme_cleanup $SUBNQN"

step "export a 64 MiB file-backed namespace as $SUBNQN on 127.0.0.1:$PORT, allowed host $HOSTNQN"
truncate -s 64M "$BACKING"
nvmet_export_file "$SUBNQN" "$BACKING" "$PORT"
nvmet_allow_host "$SUBNQN" "$HOSTNQN"
assert_eq 0 "$(cat "$NVMET/subsystems/$SUBNQN/attr_allow_any_host")" attr_allow_any_host

step "nvme connect"
t=$(now_us)
nvme_connect_tcp "$SUBNQN" "$PORT" "$HOSTNQN" --ctrl-loss-tmo=5 --reconnect-delay=1
dev=$(wait_for_ns_dev "$SUBNQN" 10)
step "connected in $(since_us "$t") s: namespace $dev"
mapfile -t ctrls < <(nvme_ctrls "$SUBNQN")
assert_eq 1 "${#ctrls[@]}" "controllers of $SUBNQN"
ctrl=${ctrls[0]}
assert_eq live "$(ctrl_state "$ctrl")" "state of $ctrl"
assert_eq "$HOSTNQN" "$(cat "/sys/class/nvme/$ctrl/hostnqn")" "hostnqn of $ctrl"
assert_eq "$(lab_hostid "$HOSTNQN")" "$(cat "/sys/class/nvme/$ctrl/hostid")" "hostid of $ctrl"
assert_file_contains "/sys/class/nvme/$ctrl/address" "traddr=127.0.0.1,trsvcid=$PORT"
assert_eq $((64 * 1024 * 1024)) "$(($(cat "/sys/class/block/$(basename "$dev")/size") * 512))" "size of $dev"
# only the head device has a /dev node; the per-path device is hidden
for p in /sys/class/nvme/"$ctrl"/nvme*c*n*; do
	[ -e "$p" ] || continue
	assert_missing "/dev/$(basename "$p")" "hidden path device $(basename "$p") must have no /dev node"
done

step "write 8 MiB of random data at offset 4 MiB (O_DIRECT), read it back, compare checksums"
head -c 8M /dev/urandom >/tmp/pattern
want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
timeout 60 dd if=/tmp/pattern of="$dev" bs=1M seek=4 oflag=direct conv=fsync status=none
got=$(timeout 60 dd if="$dev" bs=1M skip=4 count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$got" "checksum read back through nvme-tcp"

step "the data is in the backing file on the target"
echo 3 >/proc/sys/vm/drop_caches
got=$(dd if="$BACKING" bs=1M skip=4 count=8 status=none | sha256sum | cut -d' ' -f1)
assert_eq "$want" "$got" "checksum of the backing file"
# and the rest is still zero
assert_eq "$(head -c 4M /dev/zero | sha256sum)" "$(head -c 4M "$BACKING" | sha256sum)" "untouched first 4 MiB"

step "nvme disconnect -n $SUBNQN"
timeout 30 nvme disconnect -n "$SUBNQN"
wait_for_ctrl_state "$ctrl" gone 10
wait_for_gone "$dev" 10
[ -z "$(nvme_ctrls "$SUBNQN")" ] || fail "controllers of $SUBNQN left: $(nvme_ctrls "$SUBNQN")"

step "tear down the export"
nvmet_unexport "$SUBNQN"
assert_missing "$NVMET/subsystems/$SUBNQN"
step "ok"

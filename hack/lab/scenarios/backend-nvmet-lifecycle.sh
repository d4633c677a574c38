#!/bin/bash
# timeout: 900
# default: yes
# description: nvmet backend on real configfs via CSI: create, allowed host connects and round-trips data, non-granted host refused, online expand, delete removes everything
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/backend-helpers.bash"

NODE_A=$(lab_hostnqn node-a)
NODE_B=$(lab_hostnqn node-b)
load_modules nvmet nvmet-tcp nvme-tcp tcp_diag
bk_controller

step "Probe: ready"
csi_ok Probe
[ "$(json 'j.get("ready")' <<<"$CSI_OUT")" = True ] || fail "controller not ready: $CSI_OUT"

step "CreateVolume lab-vol (64 MiB, mount ext4)"
t=$(now_us)
bk_create lab-vol 64
created=$CSI_OUT
step "  created in $(since_us "$t") s"
vol=$(json 'j["volume"]["volumeId"]' <<<"$created")
nqn=$(json 'j["volume"]["volumeContext"]["nqn"]' <<<"$created")
port=$(json 'j["volume"]["volumeContext"]["transportPort"]' <<<"$created")
assert_eq lab-vol "$vol" "volume id derived from the name"
assert_eq "nqn.2026-01.dev.tether:lab-vol" "$nqn" nqn
assert_eq 67108864 "$(json 'j["volume"]["capacityBytes"]' <<<"$created")" capacity
for k in transport transportAddress ctrlLossTmo reconnectDelay keepAliveTmo fastIoFailTmo fsType nsid; do
	json "j['volume']['volumeContext']['$k']" <<<"$created" >/dev/null || fail "volume_context lacks $k: $created"
done
assert_eq 0 "$(<"$NVMET/subsystems/$nqn/attr_allow_any_host")" attr_allow_any_host
assert_eq 1 "$(<"$NVMET/subsystems/$nqn/namespaces/1/enable")" "namespace enabled"
assert_eq "$BK_DIR/volumes/lab-vol.img" "$(<"$NVMET/subsystems/$nqn/namespaces/1/device_path")" device_path
assert_exists "$NVMET/ports/$port/subsystems/$nqn"
ss -H -t -n -l "( sport = :$port )" | grep -q "127.0.0.1:$port" || fail "no listener on $port"
step "  configfs: subsystem, namespace 1 on $BK_DIR/volumes/lab-vol.img, port $port listening; allowed_hosts empty"

step "CreateVolume again (same request): same volume; other size: ALREADY_EXISTS"
bk_create lab-vol 64
assert_eq "$created" "$CSI_OUT" "repeated CreateVolume answer"
csi CreateVolume '{"name":"lab-vol","capacityRange":{"requiredBytes":68157440},"volumeCapabilities":[{"mount":{},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}]}'
assert_eq 6 "$CSI_RC" "CreateVolume with another size ($CSI_OUT)"

step "node-b was never granted: nvme connect is refused"
dmesg -C
if bk_connect "$nqn" "$port" "$NODE_B" 127.0.0.3 >/dev/null 2>&1; then fail "node-b connected without a grant"; fi
dmesg | grep -q "connect by host $NODE_B for subsystem $nqn not allowed" || fail "target did not log the refusal"

step "ControllerPublishVolume to node-a grants it; node-a connects, writes 8 MiB, reads back"
bk_publish "$vol" node-a "$NODE_A"
assert_eq 0 "$CSI_RC" "publish to node-a ($CSI_OUT)"
assert_exists "$NVMET/subsystems/$nqn/allowed_hosts/$NODE_A"
ctrl=$(bk_connect "$nqn" "$port" "$NODE_A" 127.0.0.2) || fail "node-a could not connect"
dev=$(wait_for_ns_dev "$nqn" 10)
head -c 8M /dev/urandom >/tmp/pattern
want=$(sha256sum </tmp/pattern | cut -d' ' -f1)
timeout 60 dd if=/tmp/pattern of="$dev" bs=1M seek=4 oflag=direct conv=fsync status=none
assert_eq "$want" "$(timeout 60 dd if="$dev" bs=1M skip=4 count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "read back through nvme-tcp"
assert_eq "$want" "$(sha_at "$BK_DIR/volumes/lab-vol.img" 4 8)" "data in the backing file"

step "ListVolumes and ControllerGetVolume: published to node-a, condition normal"
csi_ok ListVolumes
assert_eq "node-a/$NODE_A" "$(json 'j["entries"][0]["status"]["publishedNodeIds"][0]' <<<"$CSI_OUT")" published_node_ids
csi_ok ControllerGetVolume "{\"volumeId\":\"$vol\"}"
assert_eq False "$(json 'j["status"]["volumeCondition"].get("abnormal", False)' <<<"$CSI_OUT")" abnormal

step "ControllerExpandVolume to 128 MiB while node-a is connected: the namespace grows on the host"
t=$(now_us)
csi_ok ControllerExpandVolume "{\"volumeId\":\"$vol\",\"capacityRange\":{\"requiredBytes\":134217728},\"volumeCapability\":{\"mount\":{\"fsType\":\"ext4\"},\"accessMode\":{\"mode\":\"SINGLE_NODE_WRITER\"}}}"
expanded=$CSI_OUT
assert_eq 134217728 "$(json 'j["capacityBytes"]' <<<"$expanded")" "expanded capacity"
assert_eq True "$(json 'j["nodeExpansionRequired"]' <<<"$expanded")" "node_expansion_required for a mount volume"
bk_size_is() { [ "$(blockdev --getsize64 "$dev")" = 134217728 ]; }
wait_for 15 "$dev to show 128 MiB (now $(blockdev --getsize64 "$dev"))" bk_size_is
step "  host sees $(blockdev --getsize64 "$dev") bytes after $(since_us "$t") s; data still intact"
assert_eq "$want" "$(timeout 60 dd if="$dev" bs=1M skip=4 count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "data after expand"

step "DeleteVolume while published: FAILED_PRECONDITION"
csi DeleteVolume "{\"volumeId\":\"$vol\"}"
assert_eq 9 "$CSI_RC" "DeleteVolume of a published volume ($CSI_OUT)"

step "node-a disconnects, unpublish, DeleteVolume removes subsystem, port, backing file, record"
timeout 30 nvme disconnect -n "$nqn" >/dev/null
wait_for_ctrl_state "$ctrl" gone 10
bk_unpublish "$vol" node-a "$NODE_A"
csi_ok DeleteVolume "{\"volumeId\":\"$vol\"}"
assert_missing "$NVMET/subsystems/$nqn"
assert_missing "$NVMET/ports/$port"
assert_missing "$BK_DIR/volumes/lab-vol.img"
assert_missing "$BK_DIR/volumes/lab-vol.properties"
[ -z "$(ss -H -t -n -l "( sport = :$port )")" ] || fail "port $port still listens"
csi_ok DeleteVolume "{\"volumeId\":\"$vol\"}"
csi_ok ListVolumes
assert_eq 0 "$(json 'len(j.get("entries", []))' <<<"$CSI_OUT")" "volumes left"
step ok

#!/bin/bash
# timeout: 600
# default: no
# description: tether-node driven over CSI against a real nvmet target: stage/publish ext4, path down and back, controller deleted and reconnected (device renamed, data verified), an xfs volume published through a deletion (stranded pod reported, new publish works), kill -9 + restart keeps everything, online expand, block stage/publish, unstage disconnects. Slow (several JVM starts): not in the default run.
set -euo pipefail
# Needs both jars (CsiCall comes from the controller jar): ./mvnw -DskipTests package on the host first.
. "$LAB_LIB/guest.sh"
. "$LAB_LIB/../scenarios/backend-helpers.bash"

SUBNQN=nqn.2026-01.dev.tether:smoke-1
HOSTNQN=$(lab_hostnqn node-a)
PORT=4423
BACKING=/tmp/$LAB_SCENARIO.img
K=/tmp/kubelet
rm -f "$BACKING"; truncate -s 64M "$BACKING"
mkdir -p /run/tether $K
echo "$HOSTNQN" >/run/tether/hostnqn
lab_hostid "$HOSTNQN" >/run/tether/hostid
load_modules nvmet nvmet-tcp nvme-tcp
on_exit "nvme_cleanup $SUBNQN"
nvmet_export_file "$SUBNQN" "$BACKING" "$PORT"
nvmet_allow_host "$SUBNQN" "$HOSTNQN"

start_node() {
	tether_node --endpoint unix:///run/tether/node.sock --node-name lab-node --state-dir /run/tether/node-state \
		--hostnqn-file /run/tether/hostnqn --hostid-file /run/tether/hostid --kubelet-dir $K \
		--metrics-address 127.0.0.1:9811 --reconnect-check-interval 1s --log-level debug
	wait_for_socket /run/tether/node.sock 200
}
start_node
BK_SOCK=/run/tether/node.sock
bk_client

ST=$K/plugins/kubernetes.io/csi/tether.csi.dev/abc/globalmount
TG=$K/pods/p1/volumes/kubernetes.io~csi/smoke-1/mount
CTX="{\"nqn\":\"$SUBNQN\",\"transport\":\"tcp\",\"transportAddress\":\"127.0.0.1\",\"transportPort\":\"$PORT\",\"nsid\":\"1\",\"ctrlLossTmo\":\"10\",\"reconnectDelay\":\"1\",\"keepAliveTmo\":\"5\",\"fastIoFailTmo\":\"3\",\"fsType\":\"ext4\"}"
CAP='{"mount":{"fsType":"ext4","mountFlags":["noatime"]},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}'

step "stage ext4 (the first call also waits for the CsiCall JVM)"
t=$(now_us)
csi_ok NodeStageVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\",\"volumeCapability\":$CAP,\"volumeContext\":$CTX}"
step "  staged in $(since_us "$t") s"
grep " $ST " /proc/self/mountinfo
ctrl=$(nvme_ctrls "$SUBNQN"); dev=$(nvme_ns_dev "$SUBNQN")
assert_eq 3 "$(cat /sys/class/nvme/$ctrl/fast_io_fail_tmo)" "fast_io_fail_tmo"
cat /run/tether/node-state/staged/smoke-1.properties
csi_ok NodeStageVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\",\"volumeCapability\":$CAP,\"volumeContext\":$CTX}"
step "publish"
csi_ok NodePublishVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\",\"targetPath\":\"$TG\",\"volumeCapability\":$CAP}"
grep " $TG " /proc/self/mountinfo
head -c 4M /dev/urandom >"$TG/data"; sync
want=$(sha256sum <"$TG/data" | cut -d' ' -f1)
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$TG\"}"; echo "$CSI_OUT"
step "cut port, condition abnormal"
nvmet_port_unlink "$SUBNQN" "$PORT"
wait_for_ctrl_state "$ctrl" connecting 10
sleep 1.5
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$TG\"}"; echo "$CSI_OUT"
step "relink within ctrl_loss_tmo"
nvmet_port_link "$SUBNQN" "$PORT"
wait_for_ctrl_state "$ctrl" live 15
sleep 2
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$TG\"}"; echo "$CSI_OUT"
step "unpublish, cut longer than ctrl_loss_tmo"
csi_ok NodeUnpublishVolume "{\"volumeId\":\"smoke-1\",\"targetPath\":\"$TG\"}"
nvmet_port_unlink "$SUBNQN" "$PORT"
wait_for_ctrl_state "$ctrl" gone 30
sleep 2
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$ST\"}"; echo "$CSI_OUT"
t=$(now_us)
nvmet_port_link "$SUBNQN" "$PORT"
wait_for 60 "supervisor repair" bash -c "grep -q 'smoke-1 is on' $LAB_OUT/tether-node.log"
step "  back after $(since_us "$t") s"
grep " $ST " /proc/self/mountinfo
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$ST\"}"; echo "$CSI_OUT"
assert_eq "$want" "$(sha256sum <"$ST/data" | cut -d' ' -f1)" "data after reconnect"
step "xfs volume published while its controller is deleted: pods told to restart, new publish works"
SUB2=nqn.2026-01.dev.tether:smoke-2
B2=/tmp/$LAB_SCENARIO-2.img; rm -f "$B2"; truncate -s 320M "$B2"
on_exit "nvme_cleanup $SUB2"
nvmet_export_file "$SUB2" "$B2" 4424
nvmet_allow_host "$SUB2" "$HOSTNQN"
ST2=$K/plugins/kubernetes.io/csi/tether.csi.dev/def/globalmount
CTX2=${CTX//smoke-1/smoke-2}; CTX2=${CTX2//\"$PORT\"/\"4424\"}; CTX2=${CTX2//ext4/xfs}
XCAP='{"mount":{"fsType":"xfs"},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}'
csi_ok NodeStageVolume "{\"volumeId\":\"smoke-2\",\"stagingTargetPath\":\"$ST2\",\"volumeCapability\":$XCAP,\"volumeContext\":$CTX2}"
TA=$K/pods/pa/volumes/kubernetes.io~csi/smoke-2/mount
TB=$K/pods/pb/volumes/kubernetes.io~csi/smoke-2/mount
csi_ok NodePublishVolume "{\"volumeId\":\"smoke-2\",\"stagingTargetPath\":\"$ST2\",\"targetPath\":\"$TA\",\"volumeCapability\":$XCAP}"
head -c 2M /dev/urandom >"$TA/data"; sync
want2=$(sha256sum <"$TA/data" | cut -d' ' -f1)
c2=$(nvme_ctrls "$SUB2")
nvmet_port_unlink "$SUB2" 4424
wait_for_ctrl_state "$c2" gone 30
nvmet_port_link "$SUB2" 4424
wait_for 60 "the supervisor to report stranded pods" bash -c "grep -q 'smoke-2 is on' $LAB_OUT/tether-node.log"
sleep 2
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-2\",\"volumePath\":\"$TA\"}"; echo "$CSI_OUT"
case $CSI_OUT in *"restart the pods"*) ;; *) fail "no restart-the-pods condition: $CSI_OUT";; esac
grep -E " ($ST2|$TA) " /proc/self/mountinfo
cat "$TA/data" >/dev/null 2>&1 && fail "the old pod mount still reads" || echo "  old pod mount fails I/O as expected"
csi_ok NodePublishVolume "{\"volumeId\":\"smoke-2\",\"stagingTargetPath\":\"$ST2\",\"targetPath\":\"$TB\",\"volumeCapability\":$XCAP}"
assert_eq "$want2" "$(sha256sum <"$TB/data" | cut -d' ' -f1)" "data through the new publish"
csi_ok NodeUnpublishVolume "{\"volumeId\":\"smoke-2\",\"targetPath\":\"$TA\"}"
sleep 3
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-2\",\"volumePath\":\"$TB\"}"; echo "$CSI_OUT"
case $CSI_OUT in *'"abnormal":true'*) fail "still abnormal: $CSI_OUT";; esac
csi_ok NodeUnpublishVolume "{\"volumeId\":\"smoke-2\",\"targetPath\":\"$TB\"}"
csi_ok NodeUnstageVolume "{\"volumeId\":\"smoke-2\",\"stagingTargetPath\":\"$ST2\"}"
assert_eq "" "$(nvme_ctrls "$SUB2")" "smoke-2 controllers after unstage"

step "kill -9 and restart the plugin: nothing disconnected"
ctrl2=$(nvme_ctrls "$SUBNQN")
kill -9 "$TETHER_NODE_PID"; sleep 1
rm -f /run/tether/node.sock
start_node
kill "$CSI_CLIENT_PID" 2>/dev/null || true; wait "$CSI_CLIENT_PID" 2>/dev/null || true
bk_client
assert_eq "$ctrl2" "$(nvme_ctrls "$SUBNQN")" "controller after restart"
grep -q " $ST " /proc/self/mountinfo || fail "staging mount lost"
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$ST\"}"; echo "$CSI_OUT"
step "expand"
truncate -s 128M "$BACKING"; echo 1 > $NVMET/subsystems/$SUBNQN/namespaces/1/revalidate_size
csi_ok NodeExpandVolume "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$ST\",\"capacityRange\":{\"requiredBytes\":134217728}}"; echo "$CSI_OUT"
df -B1 "$ST"
step "unstage disconnects"
csi_ok NodeUnstageVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\"}"
assert_eq "" "$(nvme_ctrls "$SUBNQN")" "controllers after unstage"
grep " $ST " /proc/self/mountinfo && fail "still mounted"
step "block stage + publish"
BCAP='{"block":{},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}'
csi_ok NodeStageVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\",\"volumeCapability\":$BCAP,\"volumeContext\":$CTX}"
BT=$K/plugins/kubernetes.io/csi/volumeDevices/publish/smoke-1/p1
csi_ok NodePublishVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\",\"targetPath\":\"$BT\",\"volumeCapability\":$BCAP}"
grep "$BT" /proc/self/mountinfo
blockdev --getsize64 "$BT"
csi_ok NodeGetVolumeStats "{\"volumeId\":\"smoke-1\",\"volumePath\":\"$BT\"}"; echo "$CSI_OUT"
csi_ok NodeUnpublishVolume "{\"volumeId\":\"smoke-1\",\"targetPath\":\"$BT\"}"
csi_ok NodeUnstageVolume "{\"volumeId\":\"smoke-1\",\"stagingTargetPath\":\"$ST\"}"
assert_eq "" "$(nvme_ctrls "$SUBNQN")" "controllers after block unstage"
curl -sf http://127.0.0.1:9811/metrics | grep tether_nvme
step ok

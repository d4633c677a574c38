#!/bin/bash
# timeout: 1200
# default: yes
# description: node recovery with Tether's jars: ctrl_loss_tmo=3 lets the kernel delete the controller of a staged ext4 volume while its target port is away; the volume condition turns abnormal; when the port returns the reconnect supervisor connects again (measured: port return -> live controller), asks for a pod restart while a pod mount holds the dead device, then remounts the staging path and the condition returns to normal; data verifies; NvmePathLost, NvmeReconnected and VolumeNeedsPodRestart are told once each, naming the claim the controller copied into the volume_context, while posting to the (absent) API server fails
set -euo pipefail
. "$LAB_LIB/guest.sh"
BK_DIR=/tmp/$LAB_SCENARIO-backing
BK_PORTS=4451-4459
. "$(dirname "${BASH_SOURCE[0]}")/e2e-helpers.bash"

# short ctrl_loss_tmo so the kernel gives up and deletes the controller; reconnect_delay 1 s; the claim as the
# external-provisioner's --extra-create-metadata passes it, so the node plugin's events name it
PARAMS='{"reconnectDelay":"1","ctrlLossTmo":"3","fastIoFailTmo":"2","csi.storage.k8s.io/pvc/name":"rec-claim","csi.storage.k8s.io/pvc/namespace":"lab","csi.storage.k8s.io/pv/name":"pv-rec-fs"}'
# event_logged TYPE REASON: the node plugin logged that event for the claim. It runs with the default in-cluster API
# config and there is no API server in the guest, so every post fails in the background: recovery must not wait for it.
event_logged() { grep -q "$1 $2 volume $V (pvc lab/rec-claim)" "$LAB_OUT/tether-node.log"; }

load_modules nvmet nvmet-tcp nvme-tcp tcp_diag
rm -rf "$BK_DIR"
on_exit "e2e_cleanup nqn.2026-01.dev.tether:rec-fs; rm -rf $BK_DIR"

step "start the node plugin, the controller and CsiCall"
t=$(now_us)
e2e_node_start
bk_controller
e2e_node_wait
step "  node plugin answers as $E2E_NODE_ID after $(since_us "$t") s"

step "create, publish, stage and publish rec-fs (64 MiB ext4, $PARAMS); write data"
e2e_volume rec-fs 64 mount "$PARAMS"
V=$VOL_ID V_CTX=$VOL_CTX V_NQN=$VOL_NQN V_PORT=$VOL_PORT V_CAP=$VOL_CAP
assert_eq "lab/rec-claim pv-rec-fs" "$(json 'j["pvcNamespace"] + "/" + j["pvcName"] + " " + j["pvName"]' <<<"$V_CTX")" \
	"the claim in the volume_context CreateVolume answered"
e2e_publish "$V" "$V_CAP"
V_PUB=$PUB_CTX
e2e_stage "$V" mount "$V_CAP" "$V_CTX" "$V_PUB"
[ "$CSI_RC" = 0 ] || fail "NodeStageVolume $V: $CSI_RC $CSI_OUT"
e2e_node_publish "$V" mount "$V_CAP" "$V_CTX" "$V_PUB"
target=$(e2e_target "$V" mount)
staging=$(e2e_staging "$V" mount)
ctrl=$(live_ctrl "$V_NQN") || fail "no live controller of $V_NQN after NodeStageVolume"
dev=$(nvme_ns_dev "$V_NQN")
[ ! -e "/sys/class/nvme/$ctrl/ctrl_loss_tmo" ] || assert_eq 3 "$(<"/sys/class/nvme/$ctrl/ctrl_loss_tmo")" "ctrl_loss_tmo of $ctrl"
head -c 3M /dev/urandom >"$target/before.bin"
sync -f "$target/before.bin"
want=$(sha256sum <"$target/before.bin" | cut -d' ' -f1)
assert_eq normal "$(e2e_condition "$V" mount)" "condition before the fault"
step "  $ctrl (live) -> $dev, ext4 at $staging, published at $target"

step "take the target port away: the kernel deletes $ctrl after ctrl_loss_tmo"
watch_ctrl_state "$ctrl" "$LAB_OUT/ctrl-states.txt"
t_cut=$(now_us)
nvmet_port_unlink "$V_NQN" "$V_PORT"
wait_for_ctrl_state "$ctrl" gone 60
m_gone=$(since_us "$t_cut")
wait_for 60 "NodeGetVolumeStats of $V to report abnormal" e2e_condition_is "$V" mount abnormal
m_abnormal=$(since_us "$t_cut")
cond=$(e2e_condition "$V" mount)
step "  $ctrl gone after $m_gone s; condition after $m_abnormal s: $cond"
wait_for 30 "a Warning NvmePathLost event for lab/rec-claim" event_logged Warning NvmePathLost
sleep 3
assert_eq "" "$(nvme_ctrls "$V_NQN")" "controllers of $V_NQN while the port is away (the supervisor cannot connect)"
[[ $(e2e_condition "$V" mount) == abnormal* ]] || fail "condition turned normal while the port is still away"

step "bring the port back: the supervisor connects again"
t_back=$(now_us)
nvmet_port_link "$V_NQN" "$V_PORT"
wait_for 180 "a live controller of $V_NQN" live_ctrl "$V_NQN"
m_live=$(since_us "$t_back")
ctrl2=$(live_ctrl "$V_NQN")
dev2=$(wait_for_ns_dev "$V_NQN" 30)
assert_eq "$E2E_HOSTNQN" "$(<"/sys/class/nvme/$ctrl2/hostnqn")" "host NQN of the new controller"
step "  $ctrl2 live $m_live s after the port returned; namespace now $dev2 (was $dev)"

step "the pod's mount still holds the old device: the condition says so until the pod goes"
restart_asked() { [[ $(e2e_condition "$V" mount) == *"restart the pods"* ]]; }
wait_for 60 "the condition to ask for a pod restart" restart_asked
step "  $(e2e_condition "$V" mount)"
wait_for 30 "a Normal NvmeReconnected event for lab/rec-claim" event_logged Normal NvmeReconnected
wait_for 30 "a Warning VolumeNeedsPodRestart event for lab/rec-claim" event_logged Warning VolumeNeedsPodRestart
assert_eq 1 "$(grep -c "Warning NvmePathLost volume $V " "$LAB_OUT/tether-node.log")" "NvmePathLost events for the one outage"
step "  events: $(grep -o 'events: .*' "$LAB_OUT/tether-node.log" | cut -c1-160 | tr '\n' '|')"

step "the pod restarts (NodeUnpublish, NodePublish): the supervisor remounts the staging path on the new device"
t=$(now_us)
e2e_node_unpublish "$V" mount
# nothing is published now: ask about the staging path, as the target path is gone
wait_for 120 "NodeGetVolumeStats of $V to report normal" e2e_condition_is "$V" mount normal "$staging"
m_repair=$(since_us "$t")
assert_eq "$dev2" "$(findmnt -n -o SOURCE --mountpoint "$staging")" "device under the staging mount after the repair"
e2e_node_publish "$V" mount "$V_CAP" "$V_CTX" "$V_PUB"
is_mounted "$target" || fail "$target is not mounted after NodePublishVolume"
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$want" "$(timeout 60 sha256sum <"$target/before.bin" | cut -d' ' -f1)" "data written before the fault, read at the target path"
head -c 1M /dev/urandom >/tmp/after.bin
timeout 60 dd if=/tmp/after.bin of="$target/after.bin" bs=1M oflag=direct conv=fsync status=none
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$(sha256sum </tmp/after.bin | cut -d' ' -f1)" "$(timeout 60 sha256sum <"$target/after.bin" | cut -d' ' -f1)" "a write after recovery"
step "  staging mount repaired $m_repair s after the unpublish; data verifies, a new write lands"

step "tear down: unpublish, unstage (disconnects), controller unpublish, delete"
e2e_node_unpublish "$V" mount
e2e_unstage "$V" mount
wait_for 20 "$V_NQN to disconnect" test -z "$(nvme_ctrls "$V_NQN")"
csi_ok ControllerUnpublishVolume "{\"volumeId\":\"$V\",\"nodeId\":\"$E2E_NODE_ID\"}"
csi_ok DeleteVolume "{\"volumeId\":\"$V\"}"
assert_missing "$NVMET/subsystems/$V_NQN"
echo "MEASURE ctrl_loss_tmo3_cut_to_gone=${m_gone}s cut_to_abnormal=${m_abnormal}s port_back_to_live=${m_live}s unpublish_to_repaired=${m_repair}s" | tee "$LAB_OUT/measure.txt"
step ok

#!/bin/bash
# timeout: 1200
# default: yes
# description: the whole path with Tether's jars (controller nvmet local + node plugin + CsiCall): create, publish (grant), stage (connect, mkfs, mount) and publish an ext4 and a block volume, data with checksums; node plugin restarted mid-way disconnects nothing; target ports of both volumes away and back: writes issued meanwhile wait and land, data verifies on both, conditions abnormal then normal; unstage disconnects only Tether's subsystems (an unrelated NVMe/TCP connection stays up); unpublish revokes; delete
set -euo pipefail
. "$LAB_LIB/guest.sh"
BK_DIR=/tmp/$LAB_SCENARIO-backing
BK_PORTS=4440-4449
. "$(dirname "${BASH_SOURCE[0]}")/e2e-helpers.bash"

OTHER_NQN=nqn.2026-01.lab.other:unrelated
OTHER_PORT=4450
OTHER_IMG=/tmp/$LAB_SCENARIO-other.img
# reconnect every second; fast_io_fail_tmo far longer than the outage below, so the outage stalls I/O, not fails it
PARAMS='{"reconnectDelay":"1","ctrlLossTmo":"-1","fastIoFailTmo":"120"}'

load_modules nvmet nvmet-tcp nvme-tcp tcp_diag
rm -rf "$BK_DIR"
on_exit "e2e_cleanup nqn.2026-01.dev.tether:e2e-fs nqn.2026-01.dev.tether:e2e-blk $OTHER_NQN; rm -rf $BK_DIR $OTHER_IMG"

step "start the node plugin, the controller (shipped jars) and CsiCall: three JVMs at once"
t=$(now_us)
e2e_node_start
bk_controller
e2e_node_wait
step "  node plugin answers as $E2E_NODE_ID after $(since_us "$t") s"

step "an unrelated NVMe/TCP connection on this host ($OTHER_NQN, port $OTHER_PORT, the node's own host NQN)"
truncate -s 16M "$OTHER_IMG"
nvmet_export_file "$OTHER_NQN" "$OTHER_IMG" "$OTHER_PORT"
nvmet_allow_host "$OTHER_NQN" "$E2E_HOSTNQN"
timeout 30 nvme connect -t tcp -a 127.0.0.1 -s "$OTHER_PORT" -n "$OTHER_NQN" --hostnqn "$E2E_HOSTNQN" --hostid "$E2E_HOSTID" >/dev/null
other_dev=$(wait_for_ns_dev "$OTHER_NQN" 10)
other_ctrl=$(nvme_ctrls "$OTHER_NQN")
head -c 1M /dev/urandom >/tmp/other.pattern
timeout 30 dd if=/tmp/other.pattern of="$other_dev" bs=1M oflag=direct conv=fsync status=none
watch_ctrl_state "$other_ctrl" "$LAB_OUT/other-states.txt"

step "CreateVolume e2e-fs (64 MiB, ext4) and e2e-blk (32 MiB, block) with $PARAMS"
e2e_volume e2e-fs 64 mount "$PARAMS"
FS=$VOL_ID FS_CTX=$VOL_CTX FS_NQN=$VOL_NQN FS_PORT=$VOL_PORT FS_CAP=$VOL_CAP
e2e_volume e2e-blk 32 block "$PARAMS"
BLK=$VOL_ID BLK_CTX=$VOL_CTX BLK_NQN=$VOL_NQN BLK_PORT=$VOL_PORT BLK_CAP=$VOL_CAP
step "  $FS: $FS_NQN on port $FS_PORT; $BLK: $BLK_NQN on port $BLK_PORT"

step "ControllerPublishVolume both to $E2E_NODE_NAME: the target admits the node's host NQN"
e2e_publish "$FS" "$FS_CAP"
FS_PUB=$PUB_CTX
e2e_publish "$BLK" "$BLK_CAP"
BLK_PUB=$PUB_CTX
assert_exists "$NVMET/subsystems/$FS_NQN/allowed_hosts/$E2E_HOSTNQN"
assert_exists "$NVMET/subsystems/$BLK_NQN/allowed_hosts/$E2E_HOSTNQN"

step "NodeStageVolume $FS: connect, mkfs.ext4, mount at the staging path"
e2e_stage "$FS" mount "$FS_CAP" "$FS_CTX" "$FS_PUB"
[ "$CSI_RC" = 0 ] || fail "NodeStageVolume $FS: $CSI_RC $CSI_OUT"
m_stage_fs=$STAGE_SECS
fs_ctrl=$(live_ctrl "$FS_NQN") || fail "no live controller of $FS_NQN after NodeStageVolume"
fs_dev=$(nvme_ns_dev "$FS_NQN") || fail "no namespace block device of $FS_NQN"
fs_staging=$(e2e_staging "$FS" mount)
assert_eq "$E2E_HOSTNQN" "$(<"/sys/class/nvme/$fs_ctrl/hostnqn")" "host NQN of $fs_ctrl"
assert_eq 120 "$(<"/sys/class/nvme/$fs_ctrl/fast_io_fail_tmo")" "fast_io_fail_tmo of $fs_ctrl (volume_context fastIoFailTmo)"
[ ! -e "/sys/class/nvme/$fs_ctrl/reconnect_delay" ] || assert_eq 1 "$(<"/sys/class/nvme/$fs_ctrl/reconnect_delay")" "reconnect_delay of $fs_ctrl"
assert_eq "$fs_dev ext4" "$(findmnt -n -o SOURCE,FSTYPE --mountpoint "$fs_staging" | tr -s ' ')" "staging mount"
step "  staged in $m_stage_fs s: $fs_ctrl (live) -> $fs_dev, ext4 on $fs_staging"

step "NodeStageVolume $FS again (kubelet retries): OK, same controller, no second connection"
e2e_stage "$FS" mount "$FS_CAP" "$FS_CTX" "$FS_PUB"
[ "$CSI_RC" = 0 ] || fail "repeated NodeStageVolume: $CSI_RC $CSI_OUT"
assert_eq "$fs_ctrl" "$(nvme_ctrls "$FS_NQN")" "controllers of $FS_NQN"
assert_eq 1 "$(findmnt -n -o TARGET --mountpoint "$fs_staging" | wc -l)" "mounts at the staging path"

step "NodeStageVolume $BLK (block): connect, no file system"
e2e_stage "$BLK" block "$BLK_CAP" "$BLK_CTX" "$BLK_PUB"
[ "$CSI_RC" = 0 ] || fail "NodeStageVolume $BLK: $CSI_RC $CSI_OUT"
m_stage_blk=$STAGE_SECS
blk_ctrl=$(live_ctrl "$BLK_NQN") || fail "no live controller of $BLK_NQN after NodeStageVolume"
blk_dev=$(nvme_ns_dev "$BLK_NQN") || fail "no namespace block device of $BLK_NQN"
[ -z "$(blkid -p -o value -s TYPE "$blk_dev" 2>/dev/null)" ] || fail "block volume $blk_dev got a file system"
step "  staged in $m_stage_blk s: $blk_ctrl (live) -> $blk_dev"

step "NodePublishVolume both: bind mount of the staging dir, and the device at the block target path"
e2e_node_publish "$FS" mount "$FS_CAP" "$FS_CTX" "$FS_PUB"
e2e_node_publish "$BLK" block "$BLK_CAP" "$BLK_CTX" "$BLK_PUB"
fs_target=$(e2e_target "$FS" mount)
blk_target=$(e2e_target "$BLK" block)
is_mounted "$fs_target" || fail "$fs_target is not a mount point after NodePublishVolume"
[ -b "$blk_target" ] || fail "$blk_target is not a block device after NodePublishVolume"
assert_eq "$(stat -c %t:%T "$blk_dev")" "$(stat -c %t:%T "$blk_target")" "device number at the block target path"

step "write data with checksums: 3 files on $FS, 8 MiB at 2 MiB on $BLK"
for f in a b c; do head -c 2M /dev/urandom >"$fs_target/$f.bin"; done
sync -f "$fs_target/a.bin"
(cd "$fs_target" && sha256sum a.bin b.bin c.bin) >/tmp/fs.sums
head -c 8M /dev/urandom >/tmp/blk.pattern
blk_want=$(sha256sum </tmp/blk.pattern | cut -d' ' -f1)
timeout 60 dd if=/tmp/blk.pattern of="$blk_target" bs=1M seek=2 oflag=direct conv=fsync status=none
fs_check() { echo 3 >/proc/sys/vm/drop_caches; (cd "$fs_target" && timeout 60 sha256sum --quiet -c /tmp/fs.sums); }
blk_sha() { timeout 60 dd if="$blk_target" bs=1M skip=2 count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1; }
fs_check || fail "files on $FS do not verify"
assert_eq "$blk_want" "$(blk_sha)" "block data read back"
assert_eq "$blk_want" "$(sha_at "$BK_DIR/volumes/$BLK.img" 2 8)" "block data in the backing file on the target"

step "restart the node plugin mid-way (SIGTERM, start again) while a writer keeps writing to $BLK: nothing is disconnected"
peers_before=$(bk_peers "$FS_PORT"; bk_peers "$BLK_PORT")
watch_ctrl_state "$fs_ctrl" "$LAB_OUT/fs-states.txt"
watch_ctrl_state "$blk_ctrl" "$LAB_OUT/blk-states.txt"
rm -f /tmp/writer.stop /tmp/writer.log
(
	trap - ERR EXIT
	i=0
	while [ ! -e /tmp/writer.stop ]; do
		if timeout 20 dd if=/dev/urandom of="$blk_target" bs=64K count=1 seek=$((256 + i % 64)) oflag=direct status=none 2>/dev/null; then
			echo ok >>/tmp/writer.log
		else
			echo fail >>/tmp/writer.log
		fi
		i=$((i + 1))
		sleep 0.2
	done
) &
writer=$!
LAB_BG_PIDS+=("$writer")
t=$(now_us)
e2e_node_stop TERM
step "  node plugin stopped after $(since_us "$t") s; controllers: $(tether_ctrls | tr '\n' ' ')"
assert_eq live "$(ctrl_state "$fs_ctrl")" "$fs_ctrl with the node plugin stopped"
assert_eq live "$(ctrl_state "$blk_ctrl")" "$blk_ctrl with the node plugin stopped"
is_mounted "$fs_staging" || fail "staging mount gone after the node plugin stopped"
is_mounted "$fs_target" || fail "publish mount gone after the node plugin stopped"
t=$(now_us)
e2e_node_start
e2e_node_wait
m_restart=$(since_us "$t")
step "  node plugin answers again after $m_restart s"
assert_eq normal "$(e2e_condition "$FS" mount)" "condition of $FS after the restart"
assert_eq normal "$(e2e_condition "$BLK" block)" "condition of $BLK after the restart"
e2e_stage "$FS" mount "$FS_CAP" "$FS_CTX" "$FS_PUB"
[ "$CSI_RC" = 0 ] || fail "NodeStageVolume after the restart: $CSI_RC $CSI_OUT"
e2e_node_publish "$FS" mount "$FS_CAP" "$FS_CTX" "$FS_PUB"
sleep 1
touch /tmp/writer.stop
wait_for 40 "the writer to stop" bash -c "! kill -0 $writer"
writes_ok=$(grep -c ok /tmp/writer.log || true)
writes_failed=$(grep -c fail /tmp/writer.log || true)
assert_eq 0 "$writes_failed" "failed writes to $BLK across the restart"
(( writes_ok > 0 )) || fail "the writer completed no write"
assert_eq "$peers_before" "$(bk_peers "$FS_PORT"; bk_peers "$BLK_PORT")" "target-side connections (same sockets = never reconnected)"
if grep -qv ' live$' "$LAB_OUT/fs-states.txt" "$LAB_OUT/blk-states.txt"; then
	fail "a controller left live across the restart: $(cat "$LAB_OUT/fs-states.txt" "$LAB_OUT/blk-states.txt" | tr '\n' ' ')"
fi
assert_eq 1 "$(findmnt -n -o TARGET --mountpoint "$fs_staging" | wc -l)" "mounts at the staging path after the restart"
assert_eq 1 "$(findmnt -n -o TARGET --mountpoint "$fs_target" | wc -l)" "mounts at the target path after the restart"
fs_check || fail "files on $FS do not verify after the restart"
step "  $writes_ok writes, 0 failed; same target-side sockets; controllers stayed live; repeated stage/publish OK"

step "fault: take both volumes' target ports away ($FS_PORT, $BLK_PORT) for longer than reconnect_delay"
head -c 2M /dev/urandom >/tmp/during.bin
head -c 2M /dev/urandom >/tmp/during-blk.bin
t_cut=$(now_us)
nvmet_port_unlink "$FS_NQN" "$FS_PORT"
nvmet_port_unlink "$BLK_NQN" "$BLK_PORT"
not_live() { [ "$(ctrl_state "$1")" != live ]; }
wait_for 20 "$fs_ctrl to leave live" not_live "$fs_ctrl"
wait_for 20 "$blk_ctrl to leave live" not_live "$blk_ctrl"
m_cut=$(since_us "$t_cut")
# one write into each volume while its path is down: both must wait (fastIoFailTmo 120 s), not fail
(
	trap - ERR EXIT
	timeout 200 dd if=/tmp/during.bin of="$fs_target/during.bin" bs=1M oflag=direct conv=fsync status=none
	echo "$?" >/tmp/during.rc
) &
LAB_BG_PIDS+=("$!")
(
	trap - ERR EXIT
	timeout 200 dd if=/tmp/during-blk.bin of="$blk_target" bs=1M seek=24 oflag=direct conv=fsync status=none
	echo "$?" >/tmp/during-blk.rc
) &
LAB_BG_PIDS+=("$!")
wait_for 40 "NodeGetVolumeStats of $FS to report abnormal" e2e_condition_is "$FS" mount abnormal
wait_for 40 "NodeGetVolumeStats of $BLK to report abnormal" e2e_condition_is "$BLK" block abnormal
m_abnormal=$(since_us "$t_cut")
cond=$(e2e_condition "$FS" mount)
step "  $fs_ctrl is $(ctrl_state "$fs_ctrl"), $blk_ctrl is $(ctrl_state "$blk_ctrl") after $m_cut s; NodeGetVolumeStats after $m_abnormal s: $cond"
assert_missing /tmp/during.rc "a write to $FS issued during the outage ended ($(cat /tmp/during.rc 2>/dev/null)) instead of waiting"
assert_missing /tmp/during-blk.rc "a write to $BLK issued during the outage ended ($(cat /tmp/during-blk.rc 2>/dev/null)) instead of waiting"
sleep 2
m_outage=$(since_us "$t_cut")
t=$(now_us)
nvmet_port_link "$FS_NQN" "$FS_PORT"
nvmet_port_link "$BLK_NQN" "$BLK_PORT"
wait_for_ctrl_state "$fs_ctrl" live 30
wait_for_ctrl_state "$blk_ctrl" live 30
m_back=$(since_us "$t")
wait_for_file /tmp/during.rc 60
wait_for_file /tmp/during-blk.rc 60
assert_eq 0 "$(</tmp/during.rc)" "exit code of the write to $FS issued during the outage"
assert_eq 0 "$(</tmp/during-blk.rc)" "exit code of the write to $BLK issued during the outage"
wait_for 60 "NodeGetVolumeStats of $FS to report normal again" e2e_condition_is "$FS" mount normal
wait_for 60 "NodeGetVolumeStats of $BLK to report normal again" e2e_condition_is "$BLK" block normal
m_normal=$(since_us "$t")
(cd "$fs_target" && sha256sum during.bin) >>/tmp/fs.sums
fs_check || fail "files on $FS do not verify after the outage"
assert_eq "$(sha256sum </tmp/during.bin | cut -d' ' -f1)" "$(sha256sum <"$fs_target/during.bin" | cut -d' ' -f1)" "the write to $FS issued during the outage"
assert_eq "$blk_want" "$(blk_sha)" "block data written before the outage"
assert_eq "$(sha256sum </tmp/during-blk.bin | cut -d' ' -f1)" \
	"$(timeout 60 dd if="$blk_target" bs=1M skip=24 count=2 iflag=direct status=none | sha256sum | cut -d' ' -f1)" \
	"the write to $BLK issued during the outage"
assert_eq "$(sha256sum </tmp/during-blk.bin | cut -d' ' -f1)" "$(sha_at "$BK_DIR/volumes/$BLK.img" 24 2)" \
	"the block write of the outage in the backing file on the target"
assert_eq "$fs_dev" "$(nvme_ns_dev "$FS_NQN")" "namespace device of $FS after the outage"
assert_eq "$blk_dev" "$(nvme_ns_dev "$BLK_NQN")" "namespace device of $BLK after the outage"
step "  outage $m_outage s; both live again $m_back s after the ports returned, both conditions normal after $m_normal s; every file and block verifies"

step "NodeUnpublishVolume and NodeUnstageVolume both: Tether's subsystems disconnect, the unrelated one stays"
e2e_node_unpublish "$FS" mount
e2e_node_unpublish "$BLK" block
assert_missing "$fs_target" "NodeUnpublishVolume left $fs_target"
assert_missing "$blk_target" "NodeUnpublishVolume left $blk_target"
e2e_node_unpublish "$FS" mount
t=$(now_us)
e2e_unstage "$FS" mount
e2e_unstage "$BLK" block
m_unstage=$(since_us "$t")
is_mounted "$fs_staging" && fail "$fs_staging still mounted after NodeUnstageVolume"
wait_for 20 "Tether's controllers to go (left: $(tether_ctrls | tr '\n' ' '))" test -z "$(tether_ctrls)"
e2e_unstage "$FS" mount
assert_eq live "$(ctrl_state "$other_ctrl")" "the unrelated controller $other_ctrl"
assert_eq "$(sha256sum </tmp/other.pattern | cut -d' ' -f1)" "$(timeout 30 dd if="$other_dev" bs=1M count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "data of the unrelated connection"
if grep -qv ' live$' "$LAB_OUT/other-states.txt"; then fail "the unrelated controller left live: $(tr '\n' ' ' <"$LAB_OUT/other-states.txt")"; fi
step "  unstaged in $m_unstage s; $other_ctrl ($OTHER_NQN) stayed live throughout and reads back"

step "ControllerUnpublishVolume both (revoke), DeleteVolume both"
csi_ok ControllerUnpublishVolume "{\"volumeId\":\"$FS\",\"nodeId\":\"$E2E_NODE_ID\"}"
csi_ok ControllerUnpublishVolume "{\"volumeId\":\"$BLK\",\"nodeId\":\"$E2E_NODE_ID\"}"
assert_missing "$NVMET/subsystems/$FS_NQN/allowed_hosts/$E2E_HOSTNQN"
assert_missing "$NVMET/subsystems/$BLK_NQN/allowed_hosts/$E2E_HOSTNQN"
csi_ok DeleteVolume "{\"volumeId\":\"$FS\"}"
csi_ok DeleteVolume "{\"volumeId\":\"$BLK\"}"
assert_missing "$NVMET/subsystems/$FS_NQN"
assert_missing "$NVMET/subsystems/$BLK_NQN"
assert_missing "$BK_DIR/volumes/$FS.img"
echo "MEASURE stage_fs=${m_stage_fs}s stage_block=${m_stage_blk}s node_restart_to_answer=${m_restart}s cut_to_not_live=${m_cut}s cut_to_abnormal=${m_abnormal}s outage=${m_outage}s port_back_to_live=${m_back}s port_back_to_normal=${m_normal}s unstage_both=${m_unstage}s" | tee "$LAB_OUT/measure.txt"
step ok

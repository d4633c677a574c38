#!/bin/bash
# timeout: 900
# default: yes
# description: the storage target loses its configfs (reboot) under a connected host: the controller re-exports the volume over its existing backing file and re-grants the attached node, the host's controller goes back to live by itself, the data verifies and a new write lands; a volume whose backing file is missing stays unexported (no blank disk) until the file is back; a never-granted host stays refused; the same after a controller restart
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/backend-helpers.bash"

NODE_A=$(lab_hostnqn node-a)
NODE_B=$(lab_hostnqn node-b)
BK_PORTS=4440-4449
BK_DIR=/tmp/tether-backing-reboot
CHECK=1s # the lab checks every second; the shipped default is 30s (--target-check-interval)
load_modules nvmet nvmet-tcp nvme-tcp tcp_diag
BK_TARGET_CHECK=$CHECK bk_controller

step "two volumes: rb-data published to node-a (connected, 8 MiB written), rb-idle not published"
bk_create rb-data 64 block
d=$CSI_OUT
bk_create rb-idle 16 block
idle_port=$(json 'j["volume"]["volumeContext"]["transportPort"]' <<<"$CSI_OUT")
nqn=$(json 'j["volume"]["volumeContext"]["nqn"]' <<<"$d"); port=$(json 'j["volume"]["volumeContext"]["transportPort"]' <<<"$d")
idle_nqn=nqn.2026-01.dev.tether:rb-idle
idle_file=$BK_DIR/volumes/rb-idle.img
bk_publish rb-data node-a "$NODE_A"
assert_eq 0 "$CSI_RC" "publish rb-data to node-a ($CSI_OUT)"
ctrl=$(bk_connect "$nqn" "$port" "$NODE_A" 127.0.0.2) || fail "node-a could not connect"
dev=$(wait_for_ns_dev "$nqn" 10)
head -c 8M /dev/urandom >/tmp/rb-pattern
want=$(sha256sum </tmp/rb-pattern | cut -d' ' -f1)
timeout 60 dd if=/tmp/rb-pattern of="$dev" bs=1M seek=4 oflag=direct conv=fsync status=none
assert_eq "$want" "$(sha_at "$BK_DIR/volumes/rb-data.img" 4 8)" "data in the backing file"

# What a reboot (or an nvmet module reload) leaves of our volumes: no port, subsystem, namespace or allowed host; the
# files stay. (Only this scenario's objects: other scenarios may share the boot.)
reboot_target() {
	local q p h
	for p in "$port" "$idle_port"; do
		if [ -d "$NVMET/ports/$p" ]; then
			for q in "$NVMET/ports/$p"/subsystems/*; do
				if [ -L "$q" ]; then rm -f "$q"; fi
			done
			rmdir "$NVMET/ports/$p"
		fi
	done
	for q in "$nqn" "$idle_nqn"; do
		if [ -d "$NVMET/subsystems/$q" ]; then
			for h in "$NVMET/subsystems/$q"/allowed_hosts/*; do
				if [ -L "$h" ]; then rm -f "$h"; fi
			done
			echo 0 >"$NVMET/subsystems/$q/namespaces/1/enable"
			rmdir "$NVMET/subsystems/$q/namespaces/1" "$NVMET/subsystems/$q"
		fi
	done
	for h in "$NODE_A" "$NODE_B"; do
		if [ -d "$NVMET/hosts/$h" ]; then rmdir "$NVMET/hosts/$h"; fi
	done
}
exported() { [ -L "$NVMET/ports/$port/subsystems/$nqn" ] && [ "$(<"$NVMET/subsystems/$nqn/namespaces/1/enable")" = 1 ]; }
regranted() { exported && [ -L "$NVMET/subsystems/$nqn/allowed_hosts/$NODE_A" ]; }
abnormal() { # abnormal VOLUME: ControllerGetVolume's condition message, if abnormal
	csi_ok ControllerGetVolume "{\"volumeId\":\"$1\"}"
	json 'j["status"]["volumeCondition"]["message"] if j["status"]["volumeCondition"].get("abnormal") else ""' <<<"$CSI_OUT"
}

step "the target 'reboots' (controller paused meanwhile so it cannot race the teardown); rb-idle's data disk is not back yet"
kill -STOP "$TETHER_CONTROLLER_PID"
reboot_target
mv "$idle_file" "$idle_file.unmounted"
assert_missing "$NVMET/subsystems/$nqn"
wait_for_ctrl_state "$ctrl" connecting 30
step "  node-a's $ctrl: $(ctrl_state "$ctrl") (the target is gone)"
kill -CONT "$TETHER_CONTROLLER_PID"
t=$(now_us)
wait_for 60 "the controller to re-export rb-data and re-grant node-a" regranted
m_regrant=$(since_us "$t")
step "  re-exported on port $port and node-a re-granted $m_regrant s after the controller resumed (check every $CHECK)"
wait_for_ctrl_state "$ctrl" live 60
m_live=$(since_us "$t")
step "  $ctrl live again $m_live s after the controller resumed (reconnect_delay 1 s), no host action"
assert_eq "$BK_DIR/volumes/rb-data.img" "$(<"$NVMET/subsystems/$nqn/namespaces/1/device_path")" "device_path: the existing file"
assert_eq 0 "$(<"$NVMET/subsystems/$nqn/attr_allow_any_host")" attr_allow_any_host
assert_eq "$NODE_A" "$(ls "$NVMET/subsystems/$nqn/allowed_hosts")" "allowed_hosts: exactly node-a"

step "node-a's data verifies through the same device $dev and a new write lands in the backing file"
assert_eq "$dev" "$(wait_for_ns_dev "$nqn" 10)" "namespace device after the reconnect"
if dmesg | grep -q "identifiers changed"; then fail "the host saw a different namespace: $(dmesg | grep 'identifiers changed')"; fi
assert_eq "$want" "$(timeout 60 dd if="$dev" bs=1M skip=4 count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "read back after the reboot"
head -c 1M /dev/urandom >/tmp/rb-new
want_new=$(sha256sum </tmp/rb-new | cut -d' ' -f1)
timeout 60 dd if=/tmp/rb-new of="$dev" bs=1M seek=20 oflag=direct conv=fsync status=none
assert_eq "$want_new" "$(sha_at "$BK_DIR/volumes/rb-data.img" 20 1)" "new write in the backing file"

step "node-b was never granted: still refused"
dmesg -C
if bk_connect "$nqn" "$port" "$NODE_B" 127.0.0.3 >/dev/null 2>&1; then fail "node-b connected after the re-export"; fi
dmesg | grep -q "connect by host $NODE_B for subsystem $nqn not allowed" || fail "target did not log the refusal"

step "rb-idle (backing file missing) stays unexported, no file was made; abnormal with the reason"
assert_missing "$NVMET/subsystems/$idle_nqn"
assert_missing "$idle_file"
grep -q "rb-idle.*was not re-exported: backing file $idle_file .* is missing" "$LAB_OUT/tether-controller.log" ||
	fail "no refusal logged for rb-idle: $(grep rb-idle "$LAB_OUT/tether-controller.log" | tail -3)"
msg=$(abnormal rb-idle)
[[ $msg == *"not configured on the target"* || $msg == *"is missing"* ]] || fail "rb-idle condition: '$msg'"
step "  condition: $msg"
mv "$idle_file.unmounted" "$idle_file"
idle_back() { [ -L "$NVMET/ports/$idle_port/subsystems/$idle_nqn" ] && [ "$(<"$NVMET/subsystems/$idle_nqn/namespaces/1/enable")" = 1 ]; }
wait_for 60 "rb-idle to be re-exported once its file is back" idle_back
assert_eq "" "$(ls "$NVMET/subsystems/$idle_nqn/allowed_hosts")" "rb-idle allowed_hosts (never published)"
assert_eq "" "$(abnormal rb-idle)" "rb-idle condition after its file came back"

step "the controller restarts while the target reboots again: the new controller re-exports from the state file"
client_pid=$CSI_CLIENT_PID
kill "$TETHER_CONTROLLER_PID"
wait "$TETHER_CONTROLLER_PID" 2>/dev/null || true
kill "$client_pid" 2>/dev/null || true
wait "$client_pid" 2>/dev/null || true
reboot_target
wait_for_ctrl_state "$ctrl" connecting 30
t=$(now_us)
BK_KEEP_STATE=1 BK_TARGET_CHECK=$CHECK bk_controller
wait_for 60 "the restarted controller to re-export rb-data and re-grant node-a" regranted
m_restart=$(since_us "$t")
wait_for_ctrl_state "$ctrl" live 60
m_restart_live=$(since_us "$t")
step "  re-granted $m_restart s, $ctrl live $m_restart_live s after the controller start began (JVM start $BK_START_SECS s)"
assert_eq "$want" "$(timeout 60 dd if="$dev" bs=1M skip=4 count=8 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "read back after the second reboot"
assert_eq "$want_new" "$(timeout 60 dd if="$dev" bs=1M skip=20 count=1 iflag=direct status=none | sha256sum | cut -d' ' -f1)" "new write after the second reboot"
[ "$(grep -c "event VolumeReexported on volume rb-data" "$LAB_OUT/tether-controller.log")" = 2 ] ||
	fail "expected two VolumeReexported events for rb-data: $(grep VolumeReexport "$LAB_OUT/tether-controller.log")"

step "cleanup: disconnect, unpublish, delete"
timeout 30 nvme disconnect -n "$nqn" >/dev/null
wait_for_ctrl_state "$ctrl" gone 10
bk_unpublish rb-data node-a "$NODE_A"
csi_ok DeleteVolume '{"volumeId":"rb-data"}'
csi_ok DeleteVolume '{"volumeId":"rb-idle"}'
echo "MEASURE check_interval=$CHECK resume_to_regranted=${m_regrant}s resume_to_live=${m_live}s restart_to_regranted=${m_restart}s restart_to_live=${m_restart_live}s controller_start=${BK_START_SECS}s" | tee "$LAB_OUT/measure.txt"
step ok

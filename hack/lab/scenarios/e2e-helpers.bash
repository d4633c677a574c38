# shellcheck shell=bash
# Helpers for the e2e-* and node-* scenarios (sourced, not a scenario): the shipped controller (nvmet backend, local,
# standalone) and node plugin in one guest, both driven by one CsiCall JVM (a line may name the endpoint it goes to).
# Paths follow kubelet's layout under a kubelet dir of our own on tmpfs.
. "$(dirname "${BASH_SOURCE[0]}")/backend-helpers.bash"

E2E_NODE_SOCK=/run/tether/node.sock
E2E_NODE_NAME=lab-node
E2E_KUBELET=/run/kubelet
E2E_NODE_STATE=/run/tether/node-state
E2E_HOSTNQN_FILE=/run/tether/hostnqn
E2E_HOSTID_FILE=/run/tether/hostid
TETHER_NODE_JAR=${LAB_ENV_BK_BUILD:+$LAB_ENV_BK_BUILD/tether-node.jar}
TETHER_NODE_JAR=${TETHER_NODE_JAR:-$LAB_REPO/node-plugin/target/tether-node.jar}

# e2e_node_start: start the node plugin in the background (log appended to tether-node.log); sets TETHER_NODE_PID
e2e_node_start() {
	[ -f "$TETHER_NODE_JAR" ] || fail "missing $TETHER_NODE_JAR: build the jars on the host first"
	mkdir -p /run/tether "$E2E_KUBELET"
	echo "---- start $(date +%T)" >>"$LAB_OUT/tether-node.log"
	"${BK_JAVA[@]}" -jar "$TETHER_NODE_JAR" --endpoint "unix://$E2E_NODE_SOCK" --node-name "$E2E_NODE_NAME" \
		--state-dir "$E2E_NODE_STATE" --kubelet-dir "$E2E_KUBELET" --hostnqn-file "$E2E_HOSTNQN_FILE" \
		--hostid-file "$E2E_HOSTID_FILE" --metrics-address 127.0.0.1:9811 "$@" >>"$LAB_OUT/tether-node.log" 2>&1 </dev/null &
	TETHER_NODE_PID=$!
	LAB_BG_PIDS+=("$TETHER_NODE_PID")
	disown "$TETHER_NODE_PID" # no "Killed" job notice when the cleanup kills it
}

# e2e_node_wait: wait until the node plugin answers NodeGetInfo; sets E2E_NODE_ID, E2E_HOSTNQN, E2E_HOSTID
e2e_node_wait() {
	local t
	t=$(now_us)
	while :; do
		kill -0 "$TETHER_NODE_PID" 2>/dev/null || fail "node plugin exited: $(tail -3 "$LAB_OUT/tether-node.log")"
		if [ -S "$E2E_NODE_SOCK" ]; then
			ncsi NodeGetInfo
			[ "$CSI_RC" = 0 ] && break
		fi
		(( $(now_us) - t < 600000000 )) || fail "node plugin not answering on $E2E_NODE_SOCK after 600 s (last: $CSI_RC ${CSI_OUT:-})"
		sleep 0.3
	done
	E2E_NODE_ID=$(json 'j["nodeId"]' <<<"$CSI_OUT")
	E2E_HOSTNQN=$(<"$E2E_HOSTNQN_FILE")
	E2E_HOSTID=$(<"$E2E_HOSTID_FILE")
	assert_eq "$E2E_NODE_NAME/$E2E_HOSTNQN" "$E2E_NODE_ID" "node id from NodeGetInfo"
	NODE_UP_SECS=$(since_us "$t")
}

# e2e_node_stop SIGNAL: stop the node plugin and wait until it is gone
e2e_node_stop() {
	kill "-$1" "$TETHER_NODE_PID"
	wait_for 60 "the node plugin (pid $TETHER_NODE_PID) to exit after SIG$1" bash -c "! kill -0 $TETHER_NODE_PID"
}

# ncsi RPC [JSON]: like csi, to the node plugin's socket. ABORTED (another operation on the volume holds its lock, e.g.
# a reconnect supervisor pass) is retried the way kubelet does, for up to 60 s; every retry is in csi-calls.log.
ncsi() {
	local tries=0
	while CSI_AT="unix://$E2E_NODE_SOCK" csi "$@"; [ "$CSI_RC" = 10 ] && (( tries < 120 )); do
		tries=$((tries + 1))
		sleep 0.5
	done
}
ncsi_ok() {
	ncsi "$@"
	[ "$CSI_RC" = 0 ] || fail "$1 failed with code $CSI_RC: $CSI_OUT"
}

# e2e_volume NAME SIZE_MIB mount|block PARAMS_JSON: CreateVolume; sets VOL_ID, VOL_CTX (volume_context JSON),
# VOL_NQN, VOL_PORT, VOL_CAP (the capability JSON for the node calls)
e2e_volume() {
	local cap='{"mount":{"fsType":"ext4"},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}' params=${4:-}
	[ "$3" = block ] && cap='{"block":{},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}'
	[ -n "$params" ] || params='{}'
	csi_ok CreateVolume "{\"name\":\"$1\",\"capacityRange\":{\"requiredBytes\":$(($2 * 1048576))},\"volumeCapabilities\":[$cap],\"parameters\":$params}"
	VOL_ID=$(json 'j["volume"]["volumeId"]' <<<"$CSI_OUT")
	VOL_CTX=$(json 'json.dumps(j["volume"]["volumeContext"])' <<<"$CSI_OUT")
	VOL_NQN=$(json 'j["nqn"]' <<<"$VOL_CTX")
	VOL_PORT=$(json 'j["transportPort"]' <<<"$VOL_CTX")
	VOL_CAP=$cap
}

# e2e_publish VOL CAP: ControllerPublishVolume to this node; sets PUB_CTX (publish_context JSON)
e2e_publish() {
	csi_ok ControllerPublishVolume "{\"volumeId\":\"$1\",\"nodeId\":\"$E2E_NODE_ID\",\"volumeCapability\":$2}"
	PUB_CTX=$(json 'json.dumps(j.get("publishContext", {}))' <<<"$CSI_OUT")
}

# kubelet's paths for a volume: staging (a dir kubelet creates) and target (kubelet creates the parent, the plugin
# the target itself: a dir for mount volumes, a file for block volumes)
e2e_staging() { if [ "$2" = block ]; then echo "$E2E_KUBELET/plugins/kubernetes.io/csi/volumeDevices/staging/$1"; else echo "$E2E_KUBELET/plugins/kubernetes.io/csi/tether.csi.dev/$1/globalmount"; fi; }
e2e_target() { if [ "$2" = block ]; then echo "$E2E_KUBELET/plugins/kubernetes.io/csi/volumeDevices/publish/$1/pod-1"; else echo "$E2E_KUBELET/pods/pod-1/volumes/kubernetes.io~csi/$1/mount"; fi; }

# e2e_stage VOL mount|block CAP VOL_CTX PUB_CTX: NodeStageVolume; sets CSI_RC/CSI_OUT and STAGE_SECS
e2e_stage() {
	local staging t
	staging=$(e2e_staging "$1" "$2")
	mkdir -p "$staging"
	t=$(now_us)
	ncsi NodeStageVolume "{\"volumeId\":\"$1\",\"stagingTargetPath\":\"$staging\",\"volumeCapability\":$3,\"volumeContext\":$4,\"publishContext\":$5}"
	STAGE_SECS=$(since_us "$t")
}

# e2e_node_publish VOL mount|block CAP VOL_CTX PUB_CTX: NodePublishVolume
e2e_node_publish() {
	local target
	target=$(e2e_target "$1" "$2")
	mkdir -p "$(dirname "$target")"
	ncsi_ok NodePublishVolume "{\"volumeId\":\"$1\",\"stagingTargetPath\":\"$(e2e_staging "$1" "$2")\",\"targetPath\":\"$target\",\"volumeCapability\":$3,\"volumeContext\":$4,\"publishContext\":$5}"
}

e2e_node_unpublish() { ncsi_ok NodeUnpublishVolume "{\"volumeId\":\"$1\",\"targetPath\":\"$(e2e_target "$1" "$2")\"}"; }
e2e_unstage() { ncsi_ok NodeUnstageVolume "{\"volumeId\":\"$1\",\"stagingTargetPath\":\"$(e2e_staging "$1" "$2")\"}"; }

# e2e_condition VOL mount|block [VOLUME_PATH]: NodeGetVolumeStats (volume_path: the target path, or VOLUME_PATH, e.g.
# the staging path while nothing is published); prints "normal" or "abnormal: <message>"
e2e_condition() {
	ncsi NodeGetVolumeStats "{\"volumeId\":\"$1\",\"volumePath\":\"${3:-$(e2e_target "$1" "$2")}\",\"stagingTargetPath\":\"$(e2e_staging "$1" "$2")\"}"
	[ "$CSI_RC" = 0 ] || { echo "error $CSI_RC: $CSI_OUT"; return 0; }
	json '"abnormal: " + j["volumeCondition"].get("message", "") if j.get("volumeCondition", {}).get("abnormal") else "normal"' <<<"$CSI_OUT"
}

# e2e_condition_is VOL MODE normal|abnormal [VOLUME_PATH]: for wait_for
e2e_condition_is() { [[ $(e2e_condition "$1" "$2" "${4:-}") == "$3"* ]]; }

# is_mounted PATH: PATH is a mount point (from /proc/self/mountinfo, no fork)
is_mounted() {
	local _id _parent _dev _root mp _rest
	while read -r _id _parent _dev _root mp _rest; do
		[ "$mp" = "$1" ] && return 0
	done </proc/self/mountinfo
	return 1
}

# tether_ctrls: the controllers of subsystems Tether owns (nqn.2026-01.dev.tether:*), "nvmeX nqn" one a line
tether_ctrls() {
	local c n
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c/subsysnqn" ] || continue
		n=$(<"$c/subsysnqn")
		[[ $n == nqn.2026-01.dev.tether:* ]] && echo "${c##*/} $n"
	done
	return 0
}

# live_ctrl NQN: the name of a live controller of NQN, or fail status
live_ctrl() {
	local c
	for c in $(nvme_ctrls "$1"); do
		[ "$(ctrl_state "$c")" = live ] && { echo "$c"; return 0; }
	done
	return 1
}

# e2e_cleanup NQN...: leave nothing behind for a later scenario in the same guest (on_exit): stop the node plugin
# first (its supervisor would reconnect), unmount everything under the kubelet dir, disconnect and unexport NQN...
e2e_cleanup() {
	local mp n
	[ -n "${TETHER_NODE_PID:-}" ] && kill -KILL "$TETHER_NODE_PID" 2>/dev/null
	for mp in $(awk -v k="$E2E_KUBELET/" 'index($5, k) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
		timeout 10 umount -l "$mp"
	done
	for n in "$@"; do nvme_cleanup "$n"; done
}

# sha FILE: sha256 of a file or device, page cache dropped first (reads come from the device, not memory)
sha() {
	echo 3 >/proc/sys/vm/drop_caches
	timeout 60 sha256sum <"$1" | cut -d' ' -f1
}

# shellcheck shell=bash
# Helpers shared by the backend-*.sh scenarios (sourced, not a scenario itself): run the controller with the nvmet
# backend in local mode inside the guest and talk to it with CsiCall over its unix socket.

BK_SOCK=/run/tether/csi.sock
BK_DIR=${BK_DIR:-/tmp/tether-backing}
BK_STATE=/run/tether/attachments-$LAB_SCENARIO
# LAB_ENV_BK_BUILD=<dir with tether-controller.jar, tether-node.jar and test-classes/>: run a copy, so a rebuild on the
# host during a long run cannot pull classes away under the guest (test-classes: only the benchmark uses them)
BK_TEST_CLASSES=${LAB_ENV_BK_BUILD:+$LAB_ENV_BK_BUILD/test-classes}
BK_TEST_CLASSES=${BK_TEST_CLASSES:-$LAB_REPO/controller/target/test-classes}
TETHER_CONTROLLER_JAR=${LAB_ENV_BK_BUILD:+$LAB_ENV_BK_BUILD/tether-controller.jar}
TETHER_CONTROLLER_JAR=${TETHER_CONTROLLER_JAR:-$LAB_REPO/controller/target/tether-controller.jar}
BK_JAVA=("$LAB_JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)

# bk_controller [extra flags...]: start the shipped controller jar standalone (--kubeconfig none, attachments in a state
# file) with the nvmet backend (local, 127.0.0.1, ports $BK_PORTS or 4430-4439); wait until Probe says ready.
# BK_KEEP_STATE=1 keeps the state file of a previous run (a controller restart).
# The target check (re-export after a target reboot) is off unless BK_TARGET_CHECK says how often: scenarios that take
# a port away on purpose to simulate an outage would otherwise see the controller put it back.
bk_controller() {
	[ -f "$TETHER_CONTROLLER_JAR" ] || fail "missing $TETHER_CONTROLLER_JAR: build the jars on the host first (./mvnw -q -DskipTests package)"
	mkdir -p /run/tether "$BK_DIR"
	[ "${BK_KEEP_STATE:-0}" = 1 ] || rm -f "$BK_STATE"
	"${BK_JAVA[@]}" -jar "$TETHER_CONTROLLER_JAR" --kubeconfig none --state-file "$BK_STATE" --metrics-address "" \
		--endpoint "unix://$BK_SOCK" --backend nvmet --nvmet-target local --nvmet-address 127.0.0.1 \
		--nvmet-ports "${BK_PORTS:-4430-4439}" --nvmet-backing-dir "$BK_DIR" --nvmet-buffered-io true --nvmet-orphan-check-interval 0s --nvmet-command-timeout 60s \
		--target-check-interval "${BK_TARGET_CHECK:-0s}" "$@" >>"$LAB_OUT/tether-controller.log" 2>&1 </dev/null &
	TETHER_CONTROLLER_PID=$!
	LAB_BG_PIDS+=("$TETHER_CONTROLLER_PID")
	bk_client
	local t
	t=$(now_us)
	while :; do
		kill -0 "$TETHER_CONTROLLER_PID" 2>/dev/null || fail "controller exited: $(tail -3 "$LAB_OUT/tether-controller.log")"
		if [ -S "$BK_SOCK" ]; then
			csi Probe
			[ "$CSI_RC" = 0 ] && [ "$(json 'j.get("ready")' <<<"$CSI_OUT")" = True ] && break
		fi
		(( $(now_us) - t < 600000000 )) || fail "controller not ready on $BK_SOCK after 600 s (last Probe: ${CSI_RC:-none} ${CSI_OUT:-})"
		sleep 0.3
	done
	BK_START_SECS=$(since_us "$t")
	step "controller ready after $BK_START_SECS s (pid $TETHER_CONTROLLER_PID), log $LAB_OUT/tether-controller.log"
}

# One CsiCall JVM serves every call of a scenario (--lines): a JVM start costs seconds to minutes under TCG.
bk_client() {
	coproc CSI_CLIENT { "${BK_JAVA[@]}" -cp "$TETHER_CONTROLLER_JAR" dev.tether.controller.tools.CsiCall \
		--endpoint "unix://$BK_SOCK" --timeout-seconds 120 --lines 2>>"$LAB_OUT/csicall.log"; }
	LAB_BG_PIDS+=("$CSI_CLIENT_PID")
}

# csi RPC [JSON]: one call; sets CSI_RC (gRPC code) and CSI_OUT (JSON answer, or "CODE: message"); returns 0.
# CSI_AT=<endpoint> sends it elsewhere than the controller (CsiCall takes the endpoint as the line's first word).
csi() {
	local req=${2:-'{}'} line
	[ -n "${CSI_CLIENT_PID:-}" ] || bk_client
	printf '%s%s %s\n' "${CSI_AT:+$CSI_AT }" "$1" "$req" >&"${CSI_CLIENT[1]}"
	IFS= read -r -t 300 line <&"${CSI_CLIENT[0]}" || fail "no answer from CsiCall to $1 (log $LAB_OUT/csicall.log)"
	CSI_RC=${line%% *}
	CSI_OUT=${line#* }
	echo "  csi ${CSI_AT:+$CSI_AT }$1 -> $CSI_RC ${CSI_OUT:0:160}" >>"$LAB_OUT/csi-calls.log"
}

# csi_ok RPC [JSON]: must succeed; CSI_OUT holds the answer
csi_ok() {
	csi "$@"
	[ "$CSI_RC" = 0 ] || fail "$1 failed with code $CSI_RC: $CSI_OUT"
}

# json FILTER: read JSON on stdin, print a value (python expression over 'j')
json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

# bk_create NAME SIZE_MIB [MODE]: CreateVolume (mount ext4 or block); answer in CSI_OUT
bk_create() {
	local cap='{"mount":{"fsType":"ext4"},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}'
	[ "${3:-mount}" = block ] && cap='{"block":{},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}'
	csi_ok CreateVolume "{\"name\":\"$1\",\"capacityRange\":{\"requiredBytes\":$(($2 * 1048576))},\"volumeCapabilities\":[$cap]}"
}

bk_publish() { # bk_publish VOLUME NODE HOSTNQN: sets CSI_RC
	csi ControllerPublishVolume "{\"volumeId\":\"$1\",\"nodeId\":\"$2/$3\",\"volumeCapability\":{\"block\":{},\"accessMode\":{\"mode\":\"SINGLE_NODE_WRITER\"}}}"
}

bk_unpublish() { # bk_unpublish VOLUME NODE HOSTNQN
	csi_ok ControllerUnpublishVolume "{\"volumeId\":\"$1\",\"nodeId\":\"$2/$3\"}"
}

# bk_connect NQN PORT HOSTNQN SRC_ADDR: connect as a simulated node from its own source address (so the target sees
# distinct peers), fast_io_fail_tmo=5 as Tether's volume_context says; prints the controller name
bk_connect() {
	local nqn=$1 port=$2 host=$3 src=$4 c
	timeout 30 nvme connect -t tcp -a 127.0.0.1 -s "$port" -n "$nqn" -w "$src" --hostnqn "$host" \
		--hostid "$(lab_hostid "$host")" --ctrl-loss-tmo=-1 --reconnect-delay=1 --keep-alive-tmo=5 >/dev/null || return 1
	for c in $(nvme_ctrls "$nqn"); do
		if [ "$(<"/sys/class/nvme/$c/hostnqn")" = "$host" ]; then
			echo 5 >"/sys/class/nvme/$c/fast_io_fail_tmo"
			echo "$c"
			return 0
		fi
	done
	return 1
}

# bk_peers PORT: established target-side connections of a port, "local peer" one a line
bk_peers() { ss -H -t -n state established "( sport = :$1 )" | awk '{print $(NF-1), $NF}'; }

# sha_at FILE_OR_DEV OFFSET_MIB COUNT_MIB: sha256 of a range (page cache dropped first)
sha_at() {
	echo 3 >/proc/sys/vm/drop_caches
	dd if="$1" bs=1M skip="$2" count="$3" status=none | sha256sum | cut -d' ' -f1
}

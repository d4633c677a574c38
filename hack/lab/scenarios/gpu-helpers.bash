# shellcheck shell=bash
# Helpers shared by the gpu-*.sh scenarios (sourced, not a scenario itself): run `tether-node gpu ...` in the guest
# on the emulated devices (--any-class) and check every claim against sysfs with the shell helpers of guest.sh.

GPU_STATE=/run/tether/gpu-state
GPU_JAR=/tmp/tether-node-gpu.jar
GPU_JAVA=("$LAB_JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# gpu_prepare: state dir, and the jar copied to tmpfs (a JVM starts ~1 s faster than over 9p)
gpu_prepare() {
	[ -f "$TETHER_NODE_JAR" ] || fail "missing $TETHER_NODE_JAR: build the node jar on the host first (./mvnw -q -DskipTests package -pl node-plugin -am)"
	mkdir -p "$GPU_STATE"
	cp "$TETHER_NODE_JAR" "$GPU_JAR"
}

# tether_gpu ARGS...: `tether-node gpu ARGS --state-dir $GPU_STATE`, in the foreground with a timeout (a JVM
# start is ~5 s in an idle guest, but took 30-90 s with the host at load 20);
# output in GPU_OUT (and the scenario log), exit code in GPU_RC
tether_gpu() {
	local t
	t=$(now_us)
	if GPU_OUT=$(timeout 400 "${GPU_JAVA[@]}" -jar "$GPU_JAR" gpu "$@" --state-dir "$GPU_STATE" 2>&1); then
		GPU_RC=0
	else
		GPU_RC=$?
	fi
	echo "\$ tether-node gpu $* -> exit $GPU_RC ($(since_us "$t") s)"
	echo "$GPU_OUT" | sed 's/^/    /'
}

# gpu_expect RC: the last tether_gpu exited with RC
gpu_expect() { assert_eq "$1" "$GPU_RC" "exit code of tether-node gpu"; }

# gpu_said REGEX: the last tether_gpu printed a line matching REGEX
gpu_said() { grep -Eq -- "$1" <<<"$GPU_OUT" || fail "tether-node gpu did not print /$1/"; }

pci_override() { local v; v=$(<"/sys/bus/pci/devices/$1/driver_override") && echo "$v"; }

# gpu_assert_on ADDR DRIVER OVERRIDE: what sysfs says, independently of what Tether printed
gpu_assert_on() {
	assert_eq "$2" "$(pci_driver "$1")" "driver of $1"
	assert_eq "$3" "$(pci_override "$1")" "driver_override of $1"
}

# gpu_return ADDR...: cleanup for on_exit: any function left on vfio-pci goes back by the raw §6 sequence
gpu_return() {
	local a
	for a in "$@"; do
		[ "$(pci_driver "$a")" = vfio-pci ] && vfio_unbind "$a"
		[ "$(pci_override "$a")" = '(null)' ] || timeout 30 sh -c 'echo > "$1"' _ "/sys/bus/pci/devices/$a/driver_override"
	done
	return 0
}

#!/bin/bash
# timeout: 1200
# default: no
# description: benchmark: CreateVolume/DeleteVolume latency through VolumeService on the nvmet backend (local mode, real configfs) in the guest
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/backend-helpers.bash"

load_modules nvmet nvmet-tcp tcp_diag
mkdir -p "$BK_DIR"
step "VolumeLifecycleBench: ${BENCH_COUNT:=30} volumes of 64 MiB after 5 warm-up pairs (the guest runs under TCG: compare, do not take as absolute)"
"${BK_JAVA[@]}" -cp "$TETHER_CONTROLLER_JAR:$BK_TEST_CLASSES" dev.tether.controller.volumes.VolumeLifecycleBench \
	--backend nvmet --nvmet-target local --nvmet-address 127.0.0.1 --nvmet-ports 4430-4479 --nvmet-backing-dir "$BK_DIR" \
	--nvmet-buffered-io true --nvmet-orphan-check-interval 0s --nvmet-command-timeout 60s \
	--count "$BENCH_COUNT" --warmup 5 2>&1 | grep -v '^WARNING' | tee "$LAB_OUT/bench.txt"
grep -q '^CreateVolume n=' "$LAB_OUT/bench.txt" || fail "no benchmark result"
[ -z "$(ls "$NVMET/subsystems")" ] || fail "subsystems left after the benchmark: $(ls "$NVMET/subsystems")"
step ok

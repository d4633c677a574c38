#!/bin/bash
# timeout: 600
# default: no
# description: 10 bind/unbind cycles of the e1000e through tether-node gpu cycle, every result re-read independently (zero unverified successes), and the raw sysfs write sequence timed for docs/benchmarks/gpu.md
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/gpu-helpers.bash"

cycles=${LAB_ENV_GPU_CYCLES:-10}
load_modules e1000e vfio-pci
gpu_prepare
nic=$(pci_find 8086:10d3)
on_exit "gpu_return $nic"
wait_for 10 "$nic on e1000e" test "$(pci_driver "$nic")" = e1000e

step "$cycles cycles through Tether (bind+verify, unbind+verify)"
tether_gpu cycle "$nic" --any-class --count "$cycles"
gpu_expect 0
gpu_said "^MEASURE mode=tether cycles=$cycles ok=$((2 * cycles)) failed=0 unverified_successes=0 "
grep '^MEASURE' <<<"$GPU_OUT" >"$LAB_OUT/measure.txt"
gpu_assert_on "$nic" e1000e '(null)'

step "$cycles cycles of the raw write sequence (no checks), for comparison"
tether_gpu cycle "$nic" --any-class --count "$cycles" --raw
grep '^MEASURE' <<<"$GPU_OUT" >>"$LAB_OUT/measure.txt"
gpu_expect 0
gpu_assert_on "$nic" e1000e '(null)'
cat "$LAB_OUT/measure.txt"
step ok

#!/bin/bash
# timeout: 900
# default: yes
# description: 100 bind/unbind cycles of the e1000e through tether-node gpu cycle, every result re-read independently (zero unverified successes), and the raw sysfs write sequence timed for docs/benchmarks/gpu.md
# The same scenario as gpu-cycles with ten times the cycles (LAB_ENV_GPU_CYCLES still overrides).
export LAB_ENV_GPU_CYCLES=${LAB_ENV_GPU_CYCLES:-100}
exec bash "$(dirname "${BASH_SOURCE[0]}")/gpu-cycles.sh"

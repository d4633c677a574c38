#!/bin/bash
# timeout: 10
# default: no
# description: hangs on purpose, to prove a scenario is killed at its timeout and counts as failed
set -euo pipefail
. "$LAB_LIB/guest.sh"

step "sleeping far past the 10 s timeout"
sleep 1000

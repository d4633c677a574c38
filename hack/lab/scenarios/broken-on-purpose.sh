#!/bin/bash
# timeout: 30
# default: no
# description: fails on purpose, to prove the harness reports a failure and exits non-zero
set -euo pipefail
. "$LAB_LIB/guest.sh"

step "asserting something false on purpose"
assert_eq "the lab reports failures" "silently passing" "broken-on-purpose"

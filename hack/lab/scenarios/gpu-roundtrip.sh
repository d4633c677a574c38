#!/bin/bash
# timeout: 900
# default: yes
# description: tether-node gpu status/bind/unbind --any-class: e1000e -> vfio-pci -> e1000e, edu none -> vfio-pci -> none, a multifunction edu moves as one; every claim re-read from sysfs
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/gpu-helpers.bash"

load_modules e1000e vfio-pci
gpu_prepare
nic=$(pci_find 8086:10d3)
[ -n "$nic" ] || fail "no e1000e (8086:10d3) in the guest"
edu=
mf=()
for d in $(pci_find 1234:11e8); do
	mapfile -t members < <(pci_group_members "$(pci_group "$d")")
	[ "${#members[@]}" = 1 ] && [ -z "$edu" ] && edu=$d
	[[ $d == *.1 ]] && mf=("${members[@]}")
done
[ -n "$edu" ] || fail "no edu device with a group of its own"
assert_eq 2 "${#mf[@]}" "functions in the multifunction edu's group"
on_exit "gpu_return $nic $edu ${mf[*]}"
wait_for 10 "$nic to bind to e1000e" test "$(pci_driver "$nic")" = e1000e
g_nic=$(pci_group "$nic")
g_edu=$(pci_group "$edu")
g_mf=$(pci_group "${mf[0]}")

step "status: the table shows what sysfs shows"
tether_gpu status --any-class
gpu_expect 0
gpu_said "^$nic +8086:10d3 +0x020000 +$g_nic +$nic +e1000e +- +D0 "
gpu_said "^$edu +1234:11e8 .* none +- "
gpu_said "^${mf[0]} .*${mf[0]},${mf[1]}"
gpu_said "^${mf[1]} "

step "e1000e -> vfio-pci"
tether_gpu bind "$nic" --any-class
gpu_expect 0
gpu_said "^success: bind $nic"
gpu_assert_on "$nic" vfio-pci vfio-pci
assert_exists "/dev/vfio/$g_nic"
tether_gpu status --any-class
gpu_said "^$nic +8086:10d3 +0x020000 +$g_nic +$nic +vfio-pci +vfio-pci "

step "vfio-pci -> e1000e (the driver journalled at bind)"
tether_gpu unbind "$nic" --any-class
gpu_expect 0
gpu_said "^success: unbind $nic"
gpu_assert_on "$nic" e1000e '(null)'
assert_missing "/dev/vfio/$g_nic"
wait_for 10 "the network interface to come back" test -n "$(ls "/sys/bus/pci/devices/$nic/net" 2>/dev/null)"

step "edu: none -> vfio-pci -> none"
tether_gpu bind "$edu" --any-class
gpu_expect 0
gpu_assert_on "$edu" vfio-pci vfio-pci
assert_exists "/dev/vfio/$g_edu"
tether_gpu unbind "$edu" --any-class
gpu_expect 0
gpu_assert_on "$edu" none '(null)'
assert_missing "/dev/vfio/$g_edu"

step "multifunction edu: binding ${mf[0]} moves ${mf[1]} with it, and back"
tether_gpu bind "${mf[0]}" --any-class
gpu_expect 0
gpu_said "moving \[${mf[0]}, ${mf[1]}\]"
gpu_assert_on "${mf[0]}" vfio-pci vfio-pci
gpu_assert_on "${mf[1]}" vfio-pci vfio-pci
assert_exists "/dev/vfio/$g_mf"
tether_gpu unbind "${mf[1]}" --any-class
gpu_expect 0
gpu_assert_on "${mf[0]}" none '(null)'
gpu_assert_on "${mf[1]}" none '(null)'
assert_missing "/dev/vfio/$g_mf"
assert_eq "" "$(ls "$GPU_STATE/gpu/" | grep journal || true)" "journals left behind"
step ok

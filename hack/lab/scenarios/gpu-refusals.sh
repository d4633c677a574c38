#!/bin/bash
# timeout: 900
# default: yes
# description: tether-node gpu refuses a group with a foreign member and a device held open (nothing changed), and a bind killed mid-transition is rolled back from its journal
set -euo pipefail
. "$LAB_LIB/guest.sh"
. "$(dirname "${BASH_SOURCE[0]}")/gpu-helpers.bash"

load_modules e1000e e1000 vfio-pci
gpu_prepare
nic=$(pci_find 8086:10d3)
behind=
for d in $(pci_find 1234:11e8); do
	for m in $(pci_group_members "$(pci_group "$d")"); do
		[[ $(pci_class "$m") == 0x0604* ]] && behind=$d
	done
done
[ -n "$behind" ] || fail "no edu behind a PCI bridge (see LAB_QEMU_DEVICES in lib/host.sh)"
foreign=$(pci_find 8086:100e)
on_exit "gpu_return $nic $behind $foreign"
wait_for 10 "$nic on e1000e" test "$(pci_driver "$nic")" = e1000e
wait_for 10 "$foreign on e1000" test "$(pci_driver "$foreign")" = e1000
g_nic=$(pci_group "$nic")

step "a group whose other endpoint ($foreign) is held by e1000: refused, nothing written"
tether_gpu bind "$behind" --any-class
gpu_expect 3
gpu_said "^refused: IOMMU group $(pci_group "$behind") is not viable: $foreign on e1000"
gpu_assert_on "$behind" none '(null)'
gpu_assert_on "$foreign" e1000 '(null)'
assert_missing "/dev/vfio/$(pci_group "$behind")"

step "a group held open by a process: the return is refused and the holder named"
tether_gpu bind "$nic" --any-class
gpu_expect 0
gpu_assert_on "$nic" vfio-pci vfio-pci
(trap - ERR EXIT; exec sleep 300 9<>"/dev/vfio/$g_nic") &
holder=$!
LAB_BG_PIDS+=("$holder")
wait_for 10 "the holder to open /dev/vfio/$g_nic" test -e "/proc/$holder/fd/9"
tether_gpu unbind "$nic" --any-class
gpu_expect 3
gpu_said "^refused: in use: pid $holder \(sleep\) holds /dev/vfio/$g_nic"
gpu_assert_on "$nic" vfio-pci vfio-pci
kill "$holder"
wait "$holder" 2>/dev/null || true
tether_gpu unbind "$nic" --any-class
gpu_expect 0
gpu_assert_on "$nic" e1000e '(null)'

step "killed mid-bind (after the override and the unbind, before drivers_probe): recover rolls back"
( trap - ERR EXIT; exec "${GPU_JAVA[@]}" -jar "$GPU_JAR" gpu bind "$nic" --any-class --state-dir "$GPU_STATE" \
	--stall-after-writes 2 >"$LAB_OUT/gpu-stalled.log" 2>&1 ) &
stalled=$!
LAB_BG_PIDS+=("$stalled")
wait_for 400 "the bind to stall" grep -q "^stalled before" "$LAB_OUT/gpu-stalled.log"
kill -KILL "$stalled"
wait "$stalled" 2>/dev/null || true
cat "$LAB_OUT/gpu-stalled.log"
step "half done: override vfio-pci, no driver, journal present"
gpu_assert_on "$nic" none vfio-pci
assert_exists "$GPU_STATE/gpu/group-$g_nic.journal"
tether_gpu status --any-class
gpu_said "^$nic .*none +vfio-pci .*journal: unfinished"
tether_gpu recover
gpu_expect 0
gpu_said "^success: group $g_nic .*rolled back"
gpu_assert_on "$nic" e1000e '(null)'
assert_missing "$GPU_STATE/gpu/group-$g_nic.journal"
assert_missing "/dev/vfio/$g_nic"
step ok

#!/bin/bash
# timeout: 90
# default: yes
# description: emulated e1000e moves e1000e -> vfio-pci -> e1000e by the DESIGN.md §6 procedure
set -euo pipefail
. "$LAB_LIB/guest.sh"

step "load e1000e and vfio-pci (no udev in the guest: nothing autoloads drivers)"
load_modules e1000e vfio-pci
mapfile -t devs < <(pci_find 8086:10d3)
assert_eq 1 "${#devs[@]}" "number of e1000e (8086:10d3) devices"
dev=${devs[0]}
sys=$(pci_dev "$dev")
on_exit "[ \"\$(pci_driver $dev)\" = vfio-pci ] && vfio_unbind $dev"
wait_for 10 "$dev to bind to e1000e" test "$(pci_driver "$dev")" = e1000e
assert_eq e1000e "$(pci_driver "$dev")" "driver of $dev"
ls "$sys/net" >/dev/null 2>&1 || fail "$dev has no network interface while on e1000e"
step "$dev is on e1000e, interface $(ls "$sys/net")"

group=$(pci_group "$dev")
members=$(ls "/sys/kernel/iommu_groups/$group/devices" | tr '\n' ' ')
step "IOMMU group $group: $members"
assert_eq "$dev " "$members" "members of group $group"
assert_eq '(null)' "$(cat "$sys/driver_override")" "driver_override before"

step "bind to vfio-pci: driver_override=vfio-pci, unbind from e1000e, drivers_probe"
t=$(now_us)
vfio_bind "$dev"
step "  took $(since_us "$t") s"
assert_eq vfio-pci "$(pci_driver "$dev")" "driver of $dev after bind"
assert_exists "/dev/vfio/$group" "/dev/vfio/$group should exist once $dev is on vfio-pci"
assert_exists /dev/vfio/vfio
[ ! -e "$sys/net" ] || [ -z "$(ls "$sys/net")" ] || fail "network interface still present on vfio-pci"
assert_eq vfio-pci "$(cat "$sys/driver_override")" "driver_override while bound"

step "return to the host: clear driver_override (newline), unbind from vfio-pci, drivers_probe"
t=$(now_us)
vfio_unbind "$dev"
step "  took $(since_us "$t") s"
assert_eq '(null)' "$(cat "$sys/driver_override")" "driver_override after clearing"
wait_for 10 "$dev to bind back to e1000e" test "$(pci_driver "$dev")" = e1000e
assert_eq e1000e "$(pci_driver "$dev")" "driver of $dev after return"
wait_for 10 "the network interface to come back" test -n "$(ls "$sys/net" 2>/dev/null)"
wait_for_gone "/dev/vfio/$group" 5
step "ok: back on e1000e, interface $(ls "$sys/net"), /dev/vfio/$group gone"

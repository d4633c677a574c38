#!/bin/bash
# timeout: 90
# default: yes
# description: QEMU edu device (no host driver) goes none -> vfio-pci -> none
set -euo pipefail
. "$LAB_LIB/guest.sh"

load_modules vfio-pci
# the edu device alone in its group (00:04.0); others sit in shared groups
dev=
for d in $(pci_find 1234:11e8); do
	mapfile -t members < <(pci_group_members "$(pci_group "$d")")
	[ "${#members[@]}" = 1 ] && { dev=$d; break; }
done
[ -n "$dev" ] || fail "no edu device with a group of its own"
sys=$(pci_dev "$dev")
on_exit "[ \"\$(pci_driver $dev)\" = vfio-pci ] && vfio_unbind $dev"
group=$(pci_group "$dev")
step "edu at $dev, IOMMU group $group, driver $(pci_driver "$dev")"
assert_eq none "$(pci_driver "$dev")" "driver of edu before"
assert_missing "/dev/vfio/$group"

step "bind to vfio-pci (driver_override, nothing to unbind, drivers_probe)"
vfio_bind "$dev"
assert_eq vfio-pci "$(pci_driver "$dev")" "driver of edu after bind"
assert_exists "/dev/vfio/$group"

step "return: clear driver_override, unbind, drivers_probe -> no driver again"
vfio_unbind "$dev"
assert_eq '(null)' "$(cat "$sys/driver_override")" "driver_override after clearing"
assert_eq none "$(pci_driver "$dev")" "driver of edu after return"
wait_for_gone "/dev/vfio/$group" 5

step "a stale driver_override keeps the device on vfio-pci across a plain rebind (DESIGN.md §6)"
vfio_bind "$dev"
sysfs_write "$dev" "$sys/driver/unbind"
sysfs_write "$dev" /sys/bus/pci/drivers_probe
assert_eq vfio-pci "$(pci_driver "$dev")" "driver after unbind+probe with the override still set"
vfio_unbind "$dev"
assert_eq none "$(pci_driver "$dev")" "driver after clearing the override"
step ok

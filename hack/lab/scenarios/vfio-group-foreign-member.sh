#!/bin/bash
# timeout: 120
# default: yes
# description: edu behind a pcie-pci-bridge shares its IOMMU group with an e1000 held by its driver: preflight must see the foreign member; the group is viable only when all endpoints are on vfio-pci
set -euo pipefail
. "$LAB_LIB/guest.sh"

load_modules e1000 vfio-pci
group_status() { /usr/bin/python3 "$LAB_LIB/vfio-group-status.py" "/dev/vfio/$1"; }

# the edu whose group also holds a bridge (01:01.0 behind 00:06.0)
edu=
for d in $(pci_find 1234:11e8); do
	for m in $(pci_group_members "$(pci_group "$d")"); do
		[[ $(pci_class "$m") == 0x0604* ]] && edu=$d
	done
done
[ -n "$edu" ] || fail "no edu device behind a PCI bridge (check LAB_QEMU_DEVICES in lib/host.sh)"
group=$(pci_group "$edu")
on_exit "for m in \$(pci_group_members $group); do [ \"\$(pci_driver \$m)\" = vfio-pci ] && vfio_unbind \$m; done"
mapfile -t members < <(pci_group_members "$group")
step "target $edu, IOMMU group $group: ${members[*]}"

step "preflight as DESIGN.md §6: skip bridges (class 0x0604), find endpoints held by another driver"
endpoints=() foreign=()
for m in "${members[@]}"; do
	cls=$(pci_class "$m")
	drv=$(pci_driver "$m")
	echo "  $m class=$cls driver=$drv"
	[[ $cls == 0x0604* ]] && continue
	endpoints+=("$m")
	[ "$m" = "$edu" ] && continue
	case "$drv" in none | vfio-pci) ;; *) foreign+=("$m=$drv") ;; esac
done
assert_eq 2 "${#endpoints[@]}" "endpoints in group $group"
assert_eq 1 "${#foreign[@]}" "foreign members held by a driver"
[[ ${foreign[0]} == *=e1000 ]] || fail "expected the e1000 to be the foreign member, got ${foreign[0]}"
step "foreign member: ${foreign[0]} -> a binder must refuse (or take the whole group)"

step "what the kernel does if only $edu is bound to vfio-pci"
vfio_bind "$edu"
assert_eq vfio-pci "$(pci_driver "$edu")"
assert_exists "/dev/vfio/$group" "/dev/vfio/$group should exist with one member on vfio-pci"
st=$(group_status "$group" 2>&1) || st="open failed: $st"
echo "  VFIO_GROUP_GET_STATUS: $st"
assert_eq "viable=0 container_set=0" "$st" "status of a group with a member still on e1000"

step "bind the other endpoint too (bridges are left alone) -> the group becomes viable"
e1000=${foreign[0]%%=*}
vfio_bind "$e1000"
assert_eq vfio-pci "$(pci_driver "$e1000")"
st=$(group_status "$group")
echo "  VFIO_GROUP_GET_STATUS: $st"
assert_eq "viable=1 container_set=0" "$st" "status with every endpoint on vfio-pci"

step "return both: e1000 back to e1000, edu back to no driver"
vfio_unbind "$e1000"
vfio_unbind "$edu"
wait_for 10 "$e1000 back on e1000" test "$(pci_driver "$e1000")" = e1000
assert_eq none "$(pci_driver "$edu")"
wait_for_gone "/dev/vfio/$group" 5

step "the multifunction edu (two functions, no ACS) forms one group too"
mf=()
for d in $(pci_find 1234:11e8); do
	[[ $d == *.1 ]] && mapfile -t mf < <(pci_group_members "$(pci_group "$d")")
done
assert_eq 2 "${#mf[@]}" "members of the multifunction group (${mf[*]:-})"
step "ok"

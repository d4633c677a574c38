package dev.tether.node.gpu;

import java.util.List;
import java.util.Optional;

/**
 * What a transition of {@code head} touches: its IOMMU group, the functions that move with it (the head and the
 * other functions of the same physical device, e.g. a GPU's audio function), and the group's other endpoints, which
 * must not be held by a host driver (else the group is not viable and Tether refuses rather than take them).
 */
public record DeviceUnit(PciDevice head, int group, List<PciDevice> moving, List<PciDevice> others) {

    /** Resolves the unit from sysfs; empty group means the IOMMU is off or the device has no group. */
    public static Optional<DeviceUnit> of(PciInventory inventory, PciDevice head) {
        if (head.iommuGroup().isEmpty()) {
            return Optional.empty();
        }
        int group = head.iommuGroup().get();
        List<PciDevice> members = inventory.groupMembers(group).stream()
                .map(inventory::device).flatMap(Optional::stream)
                .filter(d -> !d.isBridge())
                .toList();
        List<PciDevice> moving = members.stream().filter(d -> d.address().slot().equals(head.address().slot())).toList();
        List<PciDevice> others = members.stream().filter(d -> !d.address().slot().equals(head.address().slot())).toList();
        return Optional.of(new DeviceUnit(head, group, moving, others));
    }

    /** Other endpoints bound to a driver that is neither vfio-pci nor pci-stub: they make the group non-viable. */
    public List<PciDevice> foreignHolders() {
        return others.stream().filter(d -> d.driver().isPresent())
                .filter(d -> !VfioBinder.VFIO_PCI.equals(d.driver().get()) && !"pci-stub".equals(d.driver().get()))
                .toList();
    }

    public String vfioNode() {
        return "/dev/vfio/" + group;
    }
}

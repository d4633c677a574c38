package dev.tether.node.gpu;

import java.util.List;
import java.util.Optional;

/**
 * What sysfs says about one PCI function at one instant. {@code driver} and {@code driverOverride} are empty when
 * unset ({@code driver_override} reads {@code (null)}); {@code iommuGroup} is empty when the IOMMU is off.
 */
public record PciDevice(PciAddress address, int vendor, int device, int pciClass, Optional<String> driver,
        Optional<String> driverOverride, Optional<Integer> iommuGroup, String powerState, List<String> resetMethods,
        List<String> drmNodes) {

    public static final int CLASS_BRIDGE_PCI = 0x0604;
    public static final int CLASS_DISPLAY_VGA = 0x0300;
    public static final int CLASS_DISPLAY_3D = 0x0302;

    /** Class without the programming interface byte ({@code 0x030000} -> {@code 0x0300}). */
    public int baseAndSubclass() {
        return pciClass >> 8;
    }

    public boolean isBridge() {
        return baseAndSubclass() == CLASS_BRIDGE_PCI;
    }

    public boolean isDisplay() {
        return baseAndSubclass() == CLASS_DISPLAY_VGA || baseAndSubclass() == CLASS_DISPLAY_3D;
    }

    public String vendorDevice() {
        return String.format("%04x:%04x", vendor, device);
    }

    public String driverName() {
        return driver.orElse(PciInventory.NO_DRIVER);
    }

    public boolean resettable() {
        return !resetMethods.isEmpty();
    }
}

package dev.tether.node.gpu;

import java.util.Optional;

/**
 * Where a function is or should be: its driver ({@code none} for unbound, {@link #ANY_HOST_DRIVER} for "whichever
 * host driver drivers_probe picks, but not vfio-pci") and its {@code driver_override} (empty when cleared).
 */
public record Binding(String driver, Optional<String> override) {
    public static final String ANY_HOST_DRIVER = "(probe)";

    public static Binding vfio() {
        return new Binding(VfioBinder.VFIO_PCI, Optional.of(VfioBinder.VFIO_PCI));
    }

    public static Binding host(String driver) {
        return new Binding(driver, Optional.empty());
    }

    public static Binding of(PciDevice device) {
        return new Binding(device.driverName(), device.driverOverride());
    }

    /** Whether {@code actual} satisfies this target. */
    public boolean satisfiedBy(String actualDriver, Optional<String> actualOverride) {
        boolean driverOk = ANY_HOST_DRIVER.equals(driver)
                ? !VfioBinder.VFIO_PCI.equals(actualDriver)
                : driver.equals(actualDriver);
        return driverOk && override.equals(actualOverride);
    }

    @Override
    public String toString() {
        return driver + (override.map(o -> " (override " + o + ")").orElse(""));
    }
}

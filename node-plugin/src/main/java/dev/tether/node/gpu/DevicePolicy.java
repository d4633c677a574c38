package dev.tether.node.gpu;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which PCI functions Tether may move: display-class functions (0x0300, 0x0302) of the configured vendors, or with
 * {@code anyClass} every endpoint (the lab proves the procedure on emulated NICs and {@code edu} devices).
 */
public record DevicePolicy(Set<Integer> vendors, boolean anyClass) {
    public static final String DEFAULT_VENDORS = "10de,1002,8086";

    public DevicePolicy {
        vendors = Set.copyOf(vendors);
    }

    /** Parses {@code 10de,1002}; {@code 0x} prefixes and spaces are allowed. */
    public static DevicePolicy parse(String vendorList, boolean anyClass) {
        Set<Integer> ids = Arrays.stream(vendorList == null ? new String[0] : vendorList.split(","))
                .map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.startsWith("0x") ? s.substring(2) : s)
                .map(s -> {
                    if (!s.matches("[0-9a-fA-F]{4}")) {
                        throw new IllegalArgumentException("'" + s + "' is not a PCI vendor id (4 hex digits, e.g. 10de)");
                    }
                    return Integer.parseInt(s, 16);
                })
                .collect(Collectors.toSet());
        return new DevicePolicy(ids, anyClass);
    }

    public boolean enabled() {
        return anyClass || !vendors.isEmpty();
    }

    /** A device Tether manages as the head of its unit. */
    public boolean manages(PciDevice device) {
        if (device.isBridge()) {
            return false;
        }
        return anyClass || (device.isDisplay() && vendors.contains(device.vendor()));
    }

    /** Managed heads among {@code devices}. */
    public List<PciDevice> heads(List<PciDevice> devices) {
        return devices.stream().filter(this::manages).toList();
    }
}

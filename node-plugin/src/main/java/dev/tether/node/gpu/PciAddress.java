package dev.tether.node.gpu;

import java.util.regex.Pattern;

/** A PCI function address as sysfs names it: {@code domain:bus:slot.function}, lower-case hex. */
public record PciAddress(String value) implements Comparable<PciAddress> {
    private static final Pattern FORMAT = Pattern.compile("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$");

    public PciAddress {
        if (value == null || !FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' is not a PCI address (dddd:bb:ss.f, lower-case hex)");
        }
    }

    public static PciAddress of(String value) {
        return new PciAddress(value);
    }

    /** {@code domain:bus:slot}: the functions of one physical device share it (a GPU and its audio function). */
    public String slot() {
        return value.substring(0, value.length() - 2);
    }

    /** The device's directory in sysfs. */
    public String sysfsPath() {
        return "/sys/bus/pci/devices/" + value;
    }

    @Override
    public int compareTo(PciAddress other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

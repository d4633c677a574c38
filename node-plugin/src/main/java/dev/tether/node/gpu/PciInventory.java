package dev.tether.node.gpu;

import dev.tether.driver.sys.Sysfs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads PCI devices and IOMMU groups from sysfs; never writes. */
public final class PciInventory {
    public static final String NO_DRIVER = "none";
    static final String DEVICES = "/sys/bus/pci/devices";
    static final String GROUPS = "/sys/kernel/iommu_groups";

    private final Sysfs sysfs;
    private final Sysfs dev;

    /** {@code sysfs} is rooted where {@code /sys} is seen, {@code dev} where {@code /dev} is. */
    public PciInventory(Sysfs sysfs, Sysfs dev) {
        this.sysfs = sysfs;
        this.dev = dev;
    }

    public Sysfs sysfs() {
        return sysfs;
    }

    public List<PciDevice> all() {
        List<PciDevice> devices = new ArrayList<>();
        for (String name : sysfs.list(DEVICES)) {
            device(new PciAddress(name)).ifPresent(devices::add);
        }
        return devices;
    }

    /** The device, or empty if there is no such function (hot-removed, mistyped). */
    public Optional<PciDevice> device(PciAddress address) {
        String dir = address.sysfsPath();
        Optional<String> vendor = sysfs.read(dir + "/vendor");
        if (vendor.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> override = sysfs.read(dir + "/driver_override").filter(v -> !v.isEmpty() && !"(null)".equals(v));
        Optional<Integer> group = sysfs.linkName(dir + "/iommu_group").map(Integer::parseInt);
        return Optional.of(new PciDevice(address, hex(vendor.get()), hex(sysfs.read(dir + "/device").orElse("0")),
                hex(sysfs.read(dir + "/class").orElse("0")), sysfs.linkName(dir + "/driver"), override, group,
                sysfs.read(dir + "/power_state").orElse("unknown"), resetMethods(dir), drmNodes(dir)));
    }

    /** Every function in the group, bridges included, sorted. */
    public List<PciAddress> groupMembers(int group) {
        return sysfs.list(GROUPS + "/" + group + "/devices").stream().map(PciAddress::new).toList();
    }

    /** The driver currently bound ({@code none} if unbound). */
    public String driverOf(PciAddress address) {
        return sysfs.linkName(address.sysfsPath() + "/driver").orElse(NO_DRIVER);
    }

    public Optional<String> overrideOf(PciAddress address) {
        return sysfs.read(address.sysfsPath() + "/driver_override").filter(v -> !v.isEmpty() && !"(null)".equals(v));
    }

    public boolean driverLoaded(String driver) {
        return sysfs.exists("/sys/bus/pci/drivers/" + driver);
    }

    public boolean vfioGroupNode(int group) {
        return dev.exists("/dev/vfio/" + group);
    }

    private List<String> resetMethods(String dir) {
        Optional<String> methods = sysfs.read(dir + "/reset_method");
        if (methods.isPresent()) {
            return Arrays.stream(methods.get().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }
        // Kernels before 5.15 have no reset_method; a "reset" file means the kernel knows a way to reset it.
        return sysfs.exists(dir + "/reset") ? List.of("reset") : List.of();
    }

    private List<String> drmNodes(String dir) {
        return sysfs.list(dir + "/drm").stream().filter(n -> n.startsWith("card") || n.startsWith("renderD")).toList();
    }

    private static int hex(String value) {
        String v = value.startsWith("0x") ? value.substring(2) : value;
        try {
            return Integer.parseInt(v, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

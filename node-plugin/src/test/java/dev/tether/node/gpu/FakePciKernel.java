package dev.tether.node.gpu;

import dev.tether.driver.error.DeadlineExceededException;
import dev.tether.driver.sys.Sysfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sysfs tree under a temp dir plus the PCI core's rules for the writes Tether makes, as the 6.1 kernel applies
 * them (drivers/pci/pci-driver.c, drivers/base/bus.c, checked in the lab):
 * <ul>
 * <li>{@code driver_override}: only that driver may bind; a newline clears it (reads {@code (null)}); writing it
 * never unbinds anything, and it survives an unbind.</li>
 * <li>{@code drivers/D/unbind}: fails (ENODEV) unless the device is bound to D.</li>
 * <li>{@code drivers/D/bind}: fails (EBUSY) if the device already has a driver, (ENODEV) if an override names another
 * driver or D does not match the device's ids.</li>
 * <li>{@code drivers_probe}: no-op on a bound device; else binds the override driver if loaded, else the driver
 * matching the ids (vfio-pci never matches by id), else leaves it unbound.</li>
 * <li>{@code /dev/vfio/G} exists while a member of group G is bound to vfio-pci.</li>
 * </ul>
 * Faults can be injected: ignored override clears (the seed failure), a crash after N writes, a hung unbind, a device
 * stuck in D3cold.
 */
public final class FakePciKernel implements KernelWriter {

    /** Thrown by the crash fault: an Error, so the binder's RuntimeException handling cannot swallow it. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String message) {
            super(message);
        }
    }

    private final Path root;
    private final Sysfs sysfs;
    private final Map<String, String> matchingDriver = new HashMap<>();
    private final Map<String, Integer> groupOf = new HashMap<>();
    private final Set<String> stuckInD3cold = new HashSet<>();
    final List<SysfsWrite> writes = new ArrayList<>();
    public int ignoreOverrideClears;
    int crashAfterWrites = -1;
    int hangUnbinds;

    FakePciKernel(Path root) {
        this.root = root;
        this.sysfs = new Sysfs(root);
        mkdirs("sys/bus/pci/devices");
        mkdirs("sys/bus/pci/drivers");
        mkdirs("sys/kernel/iommu_groups");
        mkdirs("proc");
        file("sys/bus/pci/drivers_probe", "");
    }

    Sysfs sysfs() {
        return sysfs;
    }

    Path root() {
        return root;
    }

    FakePciKernel driver(String name) {
        mkdirs("sys/bus/pci/drivers/" + name);
        file("sys/bus/pci/drivers/" + name + "/bind", "");
        file("sys/bus/pci/drivers/" + name + "/unbind", "");
        return this;
    }

    /** A function; {@code hostDriver} is the driver whose id table matches it (null: none does, like edu). */
    FakePciKernel device(String address, String vendorDevice, int pciClass, int group, String hostDriver) {
        String dir = "sys/bus/pci/devices/" + address;
        mkdirs(dir);
        mkdirs(dir + "/power");
        file(dir + "/vendor", "0x" + vendorDevice.substring(0, 4) + "\n");
        file(dir + "/device", "0x" + vendorDevice.substring(5) + "\n");
        file(dir + "/class", String.format("0x%06x%n", pciClass));
        file(dir + "/driver_override", "(null)\n");
        file(dir + "/power_state", "D0\n");
        file(dir + "/power/control", "auto\n");
        file(dir + "/reset_method", "flr bus\n");
        mkdirs("sys/kernel/iommu_groups/" + group + "/devices");
        link(dir + "/iommu_group", root.resolve("sys/kernel/iommu_groups/" + group));
        link("sys/kernel/iommu_groups/" + group + "/devices/" + address, root.resolve(dir));
        groupOf.put(address, group);
        if (hostDriver != null) {
            matchingDriver.put(address, hostDriver);
        }
        return this;
    }

    /** Binds as the kernel did at boot (driver loaded and matching). */
    FakePciKernel boundTo(String address, String driver) {
        attach(address, driver);
        return this;
    }

    FakePciKernel d3cold(String address, boolean stuck) {
        file("sys/bus/pci/devices/" + address + "/power_state", "D3cold\n");
        if (stuck) {
            stuckInD3cold.add(address);
        }
        return this;
    }

    /** A process with {@code node} open as fd 3, as /proc shows it. */
    FakePciKernel holder(int pid, String command, String node) {
        mkdirs("proc/" + pid + "/fd");
        file("proc/" + pid + "/comm", command + "\n");
        link("proc/" + pid + "/fd/3", Path.of(node));
        return this;
    }

    String driverOf(String address) {
        return sysfs.linkName("/sys/bus/pci/devices/" + address + "/driver").orElse("none");
    }

    String overrideOf(String address) {
        return sysfs.read("/sys/bus/pci/devices/" + address + "/driver_override").orElseThrow();
    }

    boolean vfioNode(int group) {
        return Files.exists(root.resolve("dev/vfio/" + group));
    }

    @Override
    public void write(String kernelPath, String value, Duration timeout) {
        if (crashAfterWrites == 0) {
            throw new SimulatedCrash("crashed before " + kernelPath);
        }
        if (crashAfterWrites > 0) {
            crashAfterWrites--;
        }
        writes.add(new SysfsWrite(kernelPath, value));
        String[] p = kernelPath.substring(1).split("/");
        if (kernelPath.equals("/sys/bus/pci/drivers_probe")) {
            probe(value);
        } else if (kernelPath.endsWith("/driver_override")) {
            String address = p[4];
            String v = value.strip();
            if (v.isEmpty() && ignoreOverrideClears > 0) {
                ignoreOverrideClears--;
                return; // the write "succeeds" but the override stays: the seed failure
            }
            file("sys/bus/pci/devices/" + address + "/driver_override", (v.isEmpty() ? "(null)" : v) + "\n");
        } else if (kernelPath.endsWith("/power/control")) {
            String address = p[4];
            if ("on".equals(value) && !stuckInD3cold.contains(address)) {
                file("sys/bus/pci/devices/" + address + "/power_state", "D0\n");
            }
        } else if (p.length == 6 && p[3].equals("drivers") && p[5].equals("unbind")) {
            unbind(p[4], value, timeout);
        } else if (p.length == 6 && p[3].equals("drivers") && p[5].equals("bind")) {
            bind(p[4], value);
        } else {
            throw new UncheckedIOException(new IOException(kernelPath + ": not modelled"));
        }
    }

    private void unbind(String driver, String address, Duration timeout) {
        if (hangUnbinds > 0) {
            hangUnbinds--;
            throw new DeadlineExceededException("write '" + address + "' to unbind did not return within " + timeout);
        }
        if (!driver.equals(driverOf(address))) {
            throw errno("No such device", address);
        }
        detach(address);
    }

    private void bind(String driver, String address) {
        if (!Files.isDirectory(root.resolve("sys/bus/pci/drivers/" + driver))) {
            throw errno("No such file or directory", address);
        }
        if (!"none".equals(driverOf(address))) {
            throw errno("Device or resource busy", address);
        }
        String override = overrideOf(address);
        boolean allowed = "(null)".equals(override) ? driver.equals(matchingDriver.get(address)) : override.equals(driver);
        if (!allowed) {
            throw errno("No such device", address);
        }
        attach(address, driver);
    }

    private void probe(String address) {
        if (!"none".equals(driverOf(address))) {
            return;
        }
        String override = overrideOf(address);
        String candidate = "(null)".equals(override) ? matchingDriver.get(address) : override;
        if (candidate != null && Files.isDirectory(root.resolve("sys/bus/pci/drivers/" + candidate))) {
            attach(address, candidate);
        }
    }

    private void attach(String address, String driver) {
        link("sys/bus/pci/devices/" + address + "/driver", root.resolve("sys/bus/pci/drivers/" + driver));
        if (VfioBinder.VFIO_PCI.equals(driver)) {
            mkdirs("dev/vfio");
            file("dev/vfio/" + groupOf.get(address), "");
        }
    }

    private void detach(String address) {
        try {
            Files.delete(root.resolve("sys/bus/pci/devices/" + address + "/driver"));
            int group = groupOf.get(address);
            boolean anyVfio = groupOf.entrySet().stream()
                    .anyMatch(e -> e.getValue() == group && VfioBinder.VFIO_PCI.equals(driverOf(e.getKey())));
            if (!anyVfio) {
                Files.deleteIfExists(root.resolve("dev/vfio/" + group));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static UncheckedIOException errno(String what, String address) {
        return new UncheckedIOException(new IOException(address + ": " + what));
    }

    private void mkdirs(String rel) {
        try {
            Files.createDirectories(root.resolve(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void file(String rel, String content) {
        try {
            Files.writeString(root.resolve(rel), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void link(String rel, Path target) {
        try {
            Files.deleteIfExists(root.resolve(rel));
            Files.createSymbolicLink(root.resolve(rel), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

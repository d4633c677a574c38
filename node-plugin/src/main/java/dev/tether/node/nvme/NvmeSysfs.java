package dev.tether.node.nvme;

import dev.tether.driver.model.Nqn;
import dev.tether.driver.sys.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds controllers and namespace block devices by subsystem NQN in sysfs. Device names are not stable (a subsystem
 * that comes back after ctrl_loss_tmo gets a new instance number), /dev/disk/by-id needs udev, and the per-path
 * {@code nvmeXcYnZ} devices of native multipath have no /dev node: so the NQN is the only key we trust.
 */
public final class NvmeSysfs {
    static final String SUBSYSTEMS = "/sys/class/nvme-subsystem";
    static final String CONTROLLERS = "/sys/class/nvme";
    public static final String CONTROLLERS_DIR = CONTROLLERS;
    private static final Pattern CONTROLLER = Pattern.compile("nvme\\d+");
    /** A namespace block device; the hidden path device nvmeXcYnZ does not match. */
    private static final Pattern NAMESPACE = Pattern.compile("nvme\\d+n\\d+");

    private final Sysfs sysfs;

    public NvmeSysfs(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    public Sysfs sysfs() {
        return sysfs;
    }

    /** The subsystem directory ({@code nvme-subsysN}) whose subsysnqn is {@code nqn}. */
    public Optional<String> subsystem(Nqn nqn) {
        for (String name : sysfs.list(SUBSYSTEMS)) {
            if (sysfs.read(SUBSYSTEMS + "/" + name + "/subsysnqn").filter(nqn.value()::equals).isPresent()) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** Every controller of the subsystem, whatever its state or host NQN. */
    public List<NvmeController> controllers(Nqn nqn) {
        Optional<String> subsystem = subsystem(nqn);
        if (subsystem.isEmpty()) {
            return List.of();
        }
        List<NvmeController> found = new ArrayList<>();
        for (String name : sysfs.list(SUBSYSTEMS + "/" + subsystem.get())) {
            if (CONTROLLER.matcher(name).matches()) {
                controller(name).ifPresent(found::add);
            }
        }
        return found;
    }

    /** A controller by name; empty when it has gone (deleted between listing and reading). */
    public Optional<NvmeController> controller(String name) {
        String dir = CONTROLLERS + "/" + name;
        Optional<String> state = sysfs.read(dir + "/state");
        if (state.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NvmeController(name, state.get(), sysfs.read(dir + "/address").orElse(""),
                sysfs.read(dir + "/hostnqn").orElse("")));
    }

    /** The controller this host uses to reach the target, if any. */
    public Optional<NvmeController> controllerFor(NvmeTarget target, Nqn hostNqn) {
        return controllers(target.subsystem()).stream()
                .filter(c -> c.hostNqn().equals(hostNqn.value()) && c.reaches(target.address(), target.port()))
                .findFirst();
    }

    /**
     * The namespace's block device name ({@code nvme1n1}). With native multipath it is the head disk under the
     * subsystem; without multipath it sits under the controller.
     */
    public Optional<String> namespaceDevice(Nqn nqn, int nsid) {
        Optional<String> subsystem = subsystem(nqn);
        if (subsystem.isEmpty()) {
            return Optional.empty();
        }
        String subsysDir = SUBSYSTEMS + "/" + subsystem.get();
        List<String> dirs = new ArrayList<>();
        dirs.add(subsysDir);
        for (String name : sysfs.list(subsysDir)) {
            if (CONTROLLER.matcher(name).matches()) {
                dirs.add(CONTROLLERS + "/" + name);
            }
        }
        for (String dir : dirs) {
            for (String name : sysfs.list(dir)) {
                if (NAMESPACE.matcher(name).matches()
                        && sysfs.read(dir + "/" + name + "/nsid").filter(String.valueOf(nsid)::equals).isPresent()
                        && sysfs.exists("/dev/" + name)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    /** Size of a block device in bytes (sysfs counts 512-byte sectors whatever the logical block size). */
    public Optional<Long> sizeBytes(String blockDevice) {
        return sysfs.read("/sys/class/block/" + blockDevice + "/size").map(s -> Long.parseLong(s) * 512);
    }

    public boolean blockDeviceExists(String blockDevice) {
        return sysfs.exists("/sys/class/block/" + blockDevice) && sysfs.exists("/dev/" + blockDevice);
    }
}

package dev.tether.node.gpu;

import dev.tether.driver.sys.Sysfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds processes holding a unit's device nodes by reading {@code /proc/PID/fd} links (what {@code fuser} does):
 * {@code /dev/vfio/G} (a VM has the group), the DRM nodes of each moving function, and NVIDIA's per-GPU
 * {@code /dev/nvidiaN}. Processes that vanish or cannot be read mid-scan are skipped.
 */
public final class InUseScanner {
    private static final Pattern NVIDIA_MINOR = Pattern.compile("Device Minor:\\s*(\\d+)");
    private static final int NVIDIA = 0x10de;

    private final Sysfs proc;

    /** {@code proc} is rooted where {@code /proc} of the host is seen. */
    public InUseScanner(Sysfs proc) {
        this.proc = proc;
    }

    /** The device nodes whose holders block a transition of {@code unit}. */
    public Set<String> nodesOf(DeviceUnit unit) {
        Set<String> nodes = new LinkedHashSet<>();
        nodes.add(unit.vfioNode());
        for (PciDevice d : unit.moving()) {
            d.drmNodes().forEach(n -> nodes.add("/dev/dri/" + n));
            if (d.vendor() == NVIDIA) {
                nvidiaMinor(d.address()).ifPresent(m -> nodes.add("/dev/nvidia" + m));
            }
        }
        return nodes;
    }

    public List<Holder> holders(DeviceUnit unit) {
        return holders(nodesOf(unit));
    }

    public List<Holder> holders(Set<String> nodes) {
        List<Holder> found = new ArrayList<>();
        for (String pid : proc.list("/proc")) {
            if (!pid.chars().allMatch(Character::isDigit)) {
                continue;
            }
            try {
                for (String fd : proc.list("/proc/" + pid + "/fd")) {
                    target(proc.path("/proc/" + pid + "/fd/" + fd)).filter(nodes::contains).ifPresent(node -> found.add(
                            new Holder(Integer.parseInt(pid), proc.read("/proc/" + pid + "/comm").orElse("?"), node)));
                }
            } catch (UncheckedIOException e) {
                // the process exited or is not ours to read: it cannot be holding anything we could learn about
            }
        }
        return found;
    }

    private Optional<String> nvidiaMinor(PciAddress address) {
        return proc.read("/proc/driver/nvidia/gpus/" + address + "/information").flatMap(info -> {
            Matcher m = NVIDIA_MINOR.matcher(info);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        });
    }

    private static Optional<String> target(Path link) {
        try {
            return Optional.of(Files.readSymbolicLink(link).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}

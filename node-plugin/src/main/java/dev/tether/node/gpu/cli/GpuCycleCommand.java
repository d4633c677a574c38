package dev.tether.node.gpu.cli;

import dev.tether.node.gpu.DeviceUnit;
import dev.tether.node.gpu.KernelWriter;
import dev.tether.node.gpu.Operation;
import dev.tether.node.gpu.Outcome;
import dev.tether.node.gpu.PciAddress;
import dev.tether.node.gpu.PciDevice;
import dev.tether.node.gpu.PciInventory;
import dev.tether.node.gpu.SysfsWrite;
import dev.tether.node.gpu.VfioBinder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Soak and benchmark: N bind/unbind cycles on one device, each outcome checked again by an independent read of
 * sysfs, so an "ok" the kernel does not confirm is counted as an unverified success. {@code --raw} times the bare
 * write sequence of DESIGN.md §6 (no preflight, journal or verification) for comparison.
 */
@Command(name = "cycle", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = "Bind and unbind a spare device N times, re-check every result independently and print timings "
                + "(exit 1 on any failure or unverified success). --raw times the bare sysfs writes instead.")
final class GpuCycleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GpuCliOptions options;

    @Parameters(index = "0", paramLabel = "ADDRESS")
    String address;

    @Option(names = "--count", paramLabel = "N", defaultValue = "10", description = "Cycles (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--raw", description = "Time the raw write sequence (override, unbind, drivers_probe) without Tether's checks.")
    boolean raw;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PciAddress target = PciAddress.of(address);
        KernelWriter writer = options.host.sysfsWriter();
        VfioBinder binder = options.binder(writer);
        PciInventory inventory = options.host.inventory();
        PciDevice head = inventory.device(target).orElseThrow(() -> new IllegalArgumentException("no device " + target));
        DeviceUnit unit = DeviceUnit.of(inventory, head).orElseThrow(() -> new IllegalArgumentException(target + " has no IOMMU group"));
        List<String> hostDrivers = unit.moving().stream().map(PciDevice::driverName).toList();
        if (hostDrivers.contains(VfioBinder.VFIO_PCI)) {
            spec.commandLine().getErr().println(target + " must start on its host driver, it is on vfio-pci");
            return GpuTransitionCommand.FAILED;
        }
        List<Double> bindMs = new ArrayList<>();
        List<Double> unbindMs = new ArrayList<>();
        List<Double> preflightMs = new ArrayList<>();
        int ok = 0;
        int failed = 0;
        int unverified = 0;
        int notReached = 0;
        for (int i = 1; i <= count; i++) {
            for (Operation op : List.of(Operation.BIND, Operation.UNBIND)) {
                long t = System.nanoTime();
                String result;
                boolean claimed;
                if (raw) {
                    rawSequence(writer, unit, op == Operation.BIND);
                    result = "raw";
                    claimed = true;
                } else {
                    var plan = binder.plan(op, target);
                    preflightMs.add((System.nanoTime() - t) / 1e6);
                    Outcome o = binder.execute(plan);
                    result = o.result().label();
                    claimed = o.ok();
                    if (!claimed) {
                        out.println("  " + op.label() + ": " + o.message());
                    }
                }
                double ms = (System.nanoTime() - t) / 1e6;
                (op == Operation.BIND ? bindMs : unbindMs).add(ms);
                boolean reached = reached(inventory, unit, op == Operation.BIND, hostDrivers);
                if (claimed && reached) {
                    ok++;
                } else if (claimed && !raw) {
                    unverified++;
                } else if (claimed) {
                    notReached++;
                } else {
                    failed++;
                }
                out.printf("cycle %d: %s %s %.0f ms, independent check: %s%n", i, op.label(), result, ms,
                        reached ? "ok" : "NOT at target");
                if (!reached && !raw) {
                    out.flush();
                    return summary(out, ok, failed, unverified, notReached, bindMs, unbindMs, preflightMs);
                }
            }
        }
        return summary(out, ok, failed, unverified, notReached, bindMs, unbindMs, preflightMs);
    }

    private int summary(PrintWriter out, int ok, int failed, int unverified, int notReached, List<Double> bindMs,
            List<Double> unbindMs, List<Double> preflightMs) {
        out.printf("MEASURE mode=%s cycles=%d ok=%d failed=%d unverified_successes=%d raw_not_at_target=%d "
                        + "bind_ms_median=%.0f bind_ms_max=%.0f unbind_ms_median=%.0f unbind_ms_max=%.0f "
                        + "preflight_ms_median=%.0f%n",
                raw ? "raw" : "tether", count, ok, failed, unverified, notReached, median(bindMs), max(bindMs),
                median(unbindMs), max(unbindMs), median(preflightMs));
        out.flush();
        return failed == 0 && unverified == 0 && notReached == 0 ? 0 : GpuTransitionCommand.FAILED;
    }

    /** The bare sequence a script would run (as hack/lab's vfio_bind/vfio_unbind do), failures ignored. */
    private void rawSequence(KernelWriter writer, DeviceUnit unit, boolean bind) {
        PciInventory inventory = options.host.inventory();
        for (PciDevice d : unit.moving()) {
            String dir = d.address().sysfsPath();
            List<SysfsWrite> writes = new ArrayList<>();
            writes.add(new SysfsWrite(dir + "/driver_override", bind ? VfioBinder.VFIO_PCI : SysfsWrite.CLEAR));
            String driver = inventory.driverOf(d.address());
            if (!PciInventory.NO_DRIVER.equals(driver)) {
                writes.add(new SysfsWrite("/sys/bus/pci/drivers/" + driver + "/unbind", d.address().value()));
            }
            writes.add(new SysfsWrite("/sys/bus/pci/drivers_probe", d.address().value()));
            for (SysfsWrite w : writes) {
                try {
                    writer.write(w.path(), w.value(), options.host.writeTimeout);
                } catch (RuntimeException e) {
                    spec.commandLine().getErr().println(w + ": " + e.getMessage());
                }
            }
        }
    }

    private static boolean reached(PciInventory inventory, DeviceUnit unit, boolean bound, List<String> hostDrivers) {
        for (int i = 0; i < unit.moving().size(); i++) {
            PciAddress a = unit.moving().get(i).address();
            String want = bound ? VfioBinder.VFIO_PCI : hostDrivers.get(i);
            boolean overrideOk = bound ? inventory.overrideOf(a).filter(VfioBinder.VFIO_PCI::equals).isPresent()
                    : inventory.overrideOf(a).isEmpty();
            if (!want.equals(inventory.driverOf(a)) || !overrideOk) {
                return false;
            }
        }
        return !bound || inventory.vfioGroupNode(unit.group());
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}

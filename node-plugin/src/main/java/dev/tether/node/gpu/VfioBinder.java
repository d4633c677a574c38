package dev.tether.node.gpu;

import dev.tether.driver.error.NotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one IOMMU group's functions between their host drivers and vfio-pci by DESIGN.md §6, and reports success
 * only after reading every function's driver link, its driver_override and {@code /dev/vfio/G} back from sysfs.
 * A mismatch gets one full detach/attach cycle; if that does not verify either, the group is put back where the
 * journal says it was. One transition at a time per binder.
 */
public final class VfioBinder {
    public static final String VFIO_PCI = "vfio-pci";
    private static final Logger LOG = LoggerFactory.getLogger(VfioBinder.class);

    /** {@code writeTimeout} bounds each sysfs write; {@code settle} is how long verification waits for the kernel. */
    public record Settings(Duration writeTimeout, Duration settle) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), Duration.ofSeconds(5));
        }
    }

    private final PciInventory inventory;
    private final KernelWriter writer;
    private final InUseScanner scanner;
    private final Journal journal;
    private final DevicePolicy policy;
    private final Settings settings;

    public VfioBinder(PciInventory inventory, KernelWriter writer, InUseScanner scanner, Journal journal,
            DevicePolicy policy, Settings settings) {
        this.inventory = inventory;
        this.writer = writer;
        this.scanner = scanner;
        this.journal = journal;
        this.policy = policy;
        this.settings = settings;
    }

    public PciInventory inventory() {
        return inventory;
    }

    public DevicePolicy policy() {
        return policy;
    }

    /** Preflight: reads sysfs and /proc, writes nothing. */
    public Plan plan(Operation op, PciAddress address) {
        PciDevice head = inventory.device(address)
                .orElseThrow(() -> new NotFoundException("no PCI device " + address + " in " + PciInventory.DEVICES));
        List<String> checks = new ArrayList<>();
        checks.add("device " + address + " " + head.vendorDevice() + " class " + String.format("0x%06x", head.pciClass())
                + " driver " + head.driverName());
        if (!policy.manages(head)) {
            return refused(op, head, checks, address + " is not a display-class device of vendors " + vendors()
                    + " (use --any-class for other devices)");
        }
        Optional<DeviceUnit> maybeUnit = DeviceUnit.of(inventory, head);
        if (maybeUnit.isEmpty()) {
            return refused(op, head, checks, address + " has no IOMMU group: the IOMMU is off "
                    + "(boot with intel_iommu=on or amd_iommu=on)");
        }
        DeviceUnit unit = maybeUnit.get();
        checks.add("IOMMU group " + unit.group() + ": moving " + addresses(unit.moving())
                + (unit.others().isEmpty() ? "" : ", other endpoints " + describe(unit.others())));
        Map<PciAddress, Binding> original = new LinkedHashMap<>();
        Map<PciAddress, Binding> target = new LinkedHashMap<>();
        for (PciDevice d : unit.moving()) {
            original.put(d.address(), Binding.of(d));
            target.put(d.address(), op == Operation.BIND ? Binding.vfio() : hostTarget(d));
        }
        List<String> problems = new ArrayList<>();
        if (op == Operation.BIND) {
            if (!unit.foreignHolders().isEmpty()) {
                problems.add("IOMMU group " + unit.group() + " is not viable: " + describe(unit.foreignHolders())
                        + " share it and are held by host drivers; Tether moves only the functions of " + address.slot());
            }
            if (!inventory.driverLoaded(VFIO_PCI)) {
                problems.add("the vfio-pci driver is not loaded (modprobe vfio-pci)");
            }
        } else {
            target.values().stream().map(Binding::driver)
                    .filter(drv -> !drv.equals(PciInventory.NO_DRIVER) && !drv.equals(Binding.ANY_HOST_DRIVER))
                    .distinct().filter(drv -> !inventory.driverLoaded(drv))
                    .forEach(drv -> problems.add("host driver " + drv + " is not loaded (modprobe " + drv + ")"));
        }
        checks.add("target: " + target);
        List<Holder> holders = scanner.holders(unit);
        checks.add("in use: " + (holders.isEmpty() ? "no process holds " + scanner.nodesOf(unit) : holders));
        if (!holders.isEmpty()) {
            problems.add("in use: " + holders.stream().map(Holder::toString).collect(Collectors.joining("; ")));
        }
        List<SysfsWrite> writes = new ArrayList<>();
        for (PciDevice d : unit.moving()) {
            if ("D3cold".equals(d.powerState())) {
                checks.add(d.address() + " is in D3cold: will write 'on' to power/control and refuse if it stays there");
                writes.add(new SysfsWrite(d.address().sysfsPath() + "/power/control", "on"));
            }
            writes.addAll(Converger.writes(d.address(), original.get(d.address()), target.get(d.address()), false));
        }
        checks.add("verify: read back driver and driver_override of " + addresses(unit.moving()) + " and "
                + (op == Operation.BIND ? unit.vfioNode() + " exists" : unit.vfioNode() + " gone when no member is on vfio-pci"));
        Optional<String> refusal = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
        return new Plan(op, unit, original, target, checks, writes, refusal, holders);
    }

    /** Runs a plan: journal, writes, verification, one repair cycle, rollback. */
    public synchronized Outcome execute(Plan plan) {
        DeviceUnit unit = plan.unit();
        PciAddress head = unit.head().address();
        // Already there (e.g. bound and in use by a VM) is not a reason to refuse: nothing needs to change.
        if (!plan.target().isEmpty() && verify(unit.group(), plan.target(), Duration.ZERO).isEmpty()) {
            return outcome(plan, Outcome.Result.NOOP, "already " + plan.target());
        }
        if (plan.refused()) {
            return new Outcome(plan.op(), head, unit.group(), Outcome.Result.REFUSED, plan.refusal().get(), plan.holders());
        }
        if (plan.op() == Operation.BIND) {
            journal.rememberHostDrivers(plan.original());
        }
        journal.write(new JournalEntry(plan.op(), head, unit.group(), plan.original(), plan.target()));
        Optional<String> cold = powerUp(unit);
        if (cold.isPresent()) {
            journal.finish(unit.group());
            return outcome(plan, Outcome.Result.REFUSED, cold.get());
        }
        List<String> errors = new ArrayList<>();
        converge(plan.target(), false, errors);
        Optional<String> mismatch = verify(unit.group(), plan.target(), settings.settle());
        if (mismatch.isEmpty()) {
            journal.finish(unit.group());
            return outcome(plan, Outcome.Result.SUCCESS, "verified " + plan.target());
        }
        LOG.warn("{} {}: not verified after the first pass ({}{}); retrying with a full detach/attach cycle",
                plan.op().label(), head, mismatch.get(), errors.isEmpty() ? "" : "; errors: " + errors);
        String firstMismatch = mismatch.get();
        converge(plan.target(), true, errors);
        mismatch = verify(unit.group(), plan.target(), settings.settle());
        if (mismatch.isEmpty()) {
            journal.finish(unit.group());
            return outcome(plan, Outcome.Result.REPAIRED, "verified " + plan.target() + " after a full detach/attach "
                    + "cycle (first pass: " + firstMismatch + ")");
        }
        String why = "could not verify " + plan.target() + ": " + mismatch.get()
                + (errors.isEmpty() ? "" : "; errors: " + String.join("; ", errors));
        Optional<String> back = rollBack(unit.group(), plan.original());
        if (back.isEmpty()) {
            journal.finish(unit.group());
            return outcome(plan, Outcome.Result.FAILED, why + "; rolled back to " + plan.original() + " (verified)");
        }
        return outcome(plan, Outcome.Result.UNRESOLVED, why + "; rollback not verified either (" + back.get()
                + "); journal kept in " + journal.dir());
    }

    /**
     * Start-up: for each unfinished journal, finish it if the group already verifies at its target, otherwise put it
     * back where it was. Nothing else is touched, so a restart never moves a device by itself.
     */
    public synchronized List<Outcome> recover() {
        List<Outcome> outcomes = new ArrayList<>();
        for (JournalEntry entry : journal.unfinished()) {
            outcomes.add(recover(entry));
        }
        return outcomes;
    }

    private Outcome recover(JournalEntry entry) {
        int group = entry.group();
        if (verify(group, entry.target(), Duration.ZERO).isEmpty()) {
            journal.finish(group);
            return new Outcome(Operation.RECOVER, entry.head(), group, Outcome.Result.SUCCESS,
                    "interrupted " + entry.op().label() + " had completed: " + entry.target() + " (verified)", List.of());
        }
        List<Holder> holders = scanner.holders(Set.of("/dev/vfio/" + group));
        if (!holders.isEmpty()) {
            return new Outcome(Operation.RECOVER, entry.head(), group, Outcome.Result.REFUSED,
                    "interrupted " + entry.op().label() + " left in place: in use: " + holders, holders);
        }
        Optional<String> back = rollBack(group, entry.original());
        if (back.isEmpty()) {
            journal.finish(group);
            return new Outcome(Operation.RECOVER, entry.head(), group, Outcome.Result.SUCCESS,
                    "interrupted " + entry.op().label() + " rolled back to " + entry.original() + " (verified)", List.of());
        }
        return new Outcome(Operation.RECOVER, entry.head(), group, Outcome.Result.UNRESOLVED,
                "interrupted " + entry.op().label() + " could not be rolled back: " + back.get(), List.of());
    }

    private Optional<String> rollBack(int group, Map<PciAddress, Binding> original) {
        List<String> errors = new ArrayList<>();
        converge(original, false, errors);
        if (verify(group, original, settings.settle()).isEmpty()) {
            return Optional.empty();
        }
        converge(original, true, errors);
        Optional<String> mismatch = verify(group, original, settings.settle());
        if (mismatch.isPresent() && !errors.isEmpty()) {
            return Optional.of(mismatch.get() + "; errors: " + String.join("; ", errors));
        }
        return mismatch;
    }

    /** Applies the writes member by member, re-reading each member first; a failed write ends that member's turn. */
    private void converge(Map<PciAddress, Binding> target, boolean fullCycle, List<String> errors) {
        for (var e : target.entrySet()) {
            PciAddress address = e.getKey();
            Binding current = new Binding(inventory.driverOf(address), inventory.overrideOf(address));
            for (SysfsWrite w : Converger.writes(address, current, e.getValue(), fullCycle)) {
                try {
                    writer.write(w.path(), w.value(), settings.writeTimeout());
                } catch (RuntimeException ex) {
                    errors.add(w + ": " + ex.getMessage());
                    LOG.warn("{} failed: {}", w, ex.getMessage());
                    break;
                }
            }
        }
    }

    /**
     * Reads every function back until it matches {@code target} or {@code settle} has passed: driver link,
     * driver_override, and {@code /dev/vfio/G} (present when bound; gone once no group member is on vfio-pci).
     */
    Optional<String> verify(int group, Map<PciAddress, Binding> target, Duration settle) {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Optional<String> mismatch = mismatch(group, target);
            if (mismatch.isEmpty() || System.nanoTime() >= deadline) {
                return mismatch;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return mismatch;
            }
        }
    }

    private Optional<String> mismatch(int group, Map<PciAddress, Binding> target) {
        List<String> wrong = new ArrayList<>();
        for (var e : target.entrySet()) {
            String driver = inventory.driverOf(e.getKey());
            Optional<String> override = inventory.overrideOf(e.getKey());
            if (!e.getValue().satisfiedBy(driver, override)) {
                wrong.add(e.getKey() + " is on " + driver + override.map(o -> " (override " + o + ")").orElse("")
                        + ", expected " + e.getValue());
            }
        }
        boolean wantVfio = target.values().stream().anyMatch(b -> VFIO_PCI.equals(b.driver()));
        boolean anyOnVfio = inventory.groupMembers(group).stream().anyMatch(a -> VFIO_PCI.equals(inventory.driverOf(a)));
        boolean node = inventory.vfioGroupNode(group);
        if (wantVfio && !node) {
            wrong.add("/dev/vfio/" + group + " is missing");
        } else if (!anyOnVfio && node) {
            wrong.add("/dev/vfio/" + group + " still exists");
        }
        return wrong.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", wrong));
    }

    private Optional<String> powerUp(DeviceUnit unit) {
        for (PciDevice d : unit.moving()) {
            if (!"D3cold".equals(d.powerState())) {
                continue;
            }
            String dir = d.address().sysfsPath();
            try {
                writer.write(dir + "/power/control", "on", settings.writeTimeout());
            } catch (RuntimeException e) {
                return Optional.of(d.address() + " is in D3cold and power/control could not be set: " + e.getMessage());
            }
            if ("D3cold".equals(inventory.sysfs().read(dir + "/power_state").orElse(""))) {
                return Optional.of(d.address() + " stays in D3cold after power/control=on: reboot required");
            }
        }
        return Optional.empty();
    }

    private Binding hostTarget(PciDevice d) {
        Optional<String> recorded = journal.hostDriver(d.address());
        if (recorded.isPresent()) {
            return Binding.host(recorded.get());
        }
        // Never seen on the host: whatever driver the kernel matches, as long as it is not vfio-pci.
        return VFIO_PCI.equals(d.driverName()) ? Binding.host(Binding.ANY_HOST_DRIVER) : Binding.host(d.driverName());
    }

    private Plan refused(Operation op, PciDevice head, List<String> checks, String why) {
        DeviceUnit unit = new DeviceUnit(head, head.iommuGroup().orElse(-1), List.of(head), List.of());
        return new Plan(op, unit, Map.of(), Map.of(), checks, List.of(), Optional.of(why), List.of());
    }

    private Outcome outcome(Plan plan, Outcome.Result result, String message) {
        return new Outcome(plan.op(), plan.unit().head().address(), plan.unit().group(), result, message, plan.holders());
    }

    private String vendors() {
        return policy.vendors().stream().sorted().map(v -> String.format("%04x", v)).toList().toString();
    }

    private static String addresses(List<PciDevice> devices) {
        return devices.stream().map(d -> d.address().value()).toList().toString();
    }

    private static String describe(List<PciDevice> devices) {
        return devices.stream().map(d -> d.address() + " on " + d.driverName()).collect(Collectors.joining(", "));
    }
}

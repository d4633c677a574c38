package dev.tether.node.gpu.runtime;

import dev.tether.node.gpu.DeclaredModes;
import dev.tether.node.gpu.DeviceUnit;
import dev.tether.node.gpu.GpuMode;
import dev.tether.node.gpu.Operation;
import dev.tether.node.gpu.Outcome;
import dev.tether.node.gpu.PciAddress;
import dev.tether.node.gpu.PciDevice;
import dev.tether.node.gpu.PciInventory;
import dev.tether.node.gpu.VfioBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings each managed device to its declared mode: {@code vfio} binds the device's functions to vfio-pci, {@code host}
 * returns them from vfio-pci, {@code none} leaves them alone. Devices already where they should be are not touched
 * (a restart or resync writes nothing). A refusal or failure is posted once per distinct reason and retried on the
 * next pass.
 */
public final class GpuReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(GpuReconciler.class);

    private final VfioBinder binder;
    private final NodeEvents events;
    private final GpuMetrics metrics;
    private final Map<PciAddress, String> lastProblem = new HashMap<>();

    public GpuReconciler(VfioBinder binder, NodeEvents events, GpuMetrics metrics) {
        this.binder = binder;
        this.events = events;
        this.metrics = metrics;
    }

    /** One pass; returns the outcomes of the transitions it attempted. */
    public synchronized List<Outcome> reconcile(DeclaredModes modes) {
        PciInventory inventory = binder.inventory();
        List<Outcome> outcomes = new ArrayList<>();
        for (PciDevice head : binder.policy().heads(inventory.all())) {
            Optional<DeviceUnit> unit = DeviceUnit.of(inventory, head);
            if (unit.isPresent() && !unit.get().moving().get(0).address().equals(head.address())) {
                continue; // a later function of a slot moves with the first one
            }
            GpuMode mode;
            try {
                mode = modes.modeOf(head.address());
            } catch (IllegalArgumentException e) {
                problem(head.address(), "GpuBindFailed", e.getMessage() + "; " + head.address() + " left as it is");
                continue;
            }
            List<PciDevice> moving = unit.map(DeviceUnit::moving).orElse(List.of(head));
            Optional<Operation> op = needed(mode, moving);
            if (op.isEmpty()) {
                lastProblem.remove(head.address());
                continue;
            }
            Outcome outcome;
            try {
                outcome = binder.execute(binder.plan(op.get(), head.address()));
            } catch (RuntimeException e) {
                // e.g. the device vanished or the journal could not be written (before any change): report, go on
                LOG.warn("{} {} did not run", op.get().label(), head.address(), e);
                problem(head.address(), "GpuBindFailed", op.get().label() + " " + head.address() + ": " + e.getMessage());
                continue;
            }
            outcomes.add(outcome);
            report(outcome);
        }
        metrics.devices(census(inventory, modes));
        return outcomes;
    }

    /** Outcomes of start-up recovery: counted and posted like any other transition. */
    public void reportRecovery(List<Outcome> outcomes) {
        outcomes.forEach(this::report);
    }

    private void report(Outcome o) {
        metrics.count(o);
        LOG.info("{} {}: {} ({})", o.op().label(), o.head(), o.result().label(), o.message());
        switch (o.result()) {
            case SUCCESS, REPAIRED -> {
                lastProblem.remove(o.head());
                String reason = switch (o.op()) {
                    case BIND -> "GpuBound";
                    case UNBIND -> "GpuReturnedToHost";
                    case RECOVER -> "GpuRecovered";
                };
                events.post(NodeEvents.NORMAL, reason, message(o));
            }
            case NOOP -> lastProblem.remove(o.head());
            case REFUSED -> problem(o.head(), "GpuBindFailed", message(o) + "; will retry");
            case FAILED, UNRESOLVED -> problem(o.head(), "GpuBindFailed", message(o));
        }
    }

    private void problem(PciAddress address, String reason, String message) {
        if (!message.equals(lastProblem.put(address, message))) {
            events.post(NodeEvents.WARNING, reason, message);
        }
    }

    private static String message(Outcome o) {
        return o.op().label() + " " + o.head() + " (IOMMU group " + o.group() + ") " + o.result().label() + ": " + o.message();
    }

    private static Optional<Operation> needed(GpuMode mode, List<PciDevice> moving) {
        boolean allVfio = moving.stream().allMatch(d -> VfioBinder.VFIO_PCI.equals(d.driverName())
                && d.driverOverride().filter(VfioBinder.VFIO_PCI::equals).isPresent());
        boolean anyVfio = moving.stream().anyMatch(d -> VfioBinder.VFIO_PCI.equals(d.driverName())
                || d.driverOverride().filter(VfioBinder.VFIO_PCI::equals).isPresent());
        return switch (mode) {
            case NONE -> Optional.empty();
            case VFIO -> allVfio ? Optional.empty() : Optional.of(Operation.BIND);
            case HOST -> anyVfio ? Optional.of(Operation.UNBIND) : Optional.empty();
        };
    }

    /** Managed functions (heads and the functions that move with them) by declared mode and current driver. */
    private Map<List<String>, Integer> census(PciInventory inventory, DeclaredModes modes) {
        Map<List<String>, Integer> counts = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (PciDevice head : binder.policy().heads(inventory.all())) {
            List<PciDevice> moving = DeviceUnit.of(inventory, head).map(DeviceUnit::moving).orElse(List.of(head));
            if (!moving.get(0).address().equals(head.address())) {
                continue;
            }
            String mode = modeLabel(modes, head.address());
            moving.forEach(d -> counts.merge(List.of(mode, d.driverName()), 1, Integer::sum));
        }
        return counts;
    }

    private static String modeLabel(DeclaredModes modes, PciAddress address) {
        try {
            return modes.modeOf(address).label();
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
    }
}

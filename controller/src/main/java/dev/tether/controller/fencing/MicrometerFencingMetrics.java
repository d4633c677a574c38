package dev.tether.controller.fencing;

import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** DESIGN.md §7 fencing metrics on the process registry. */
public final class MicrometerFencingMetrics implements FencingMetrics {
    private static final List<Mode> SERVED = List.of(Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER, Mode.MULTI_NODE_MULTI_WRITER);
    private final MeterRegistry registry;
    private final Counter conflicts;
    private final Counter stale;
    private final Counter migrationExceeded;

    public MicrometerFencingMetrics(MeterRegistry registry, AttachmentRegistry attachments) {
        this.registry = registry;
        for (Mode mode : SERVED) {
            Gauge.builder("tether_attachments", attachments, a -> count(a, mode)).tag("mode", mode.name())
                    .description("Attachments (volume on a node) recorded by fencing, by access mode").register(registry);
        }
        conflicts = Counter.builder("tether_attachment_conflicts_total")
                .description("Publishes refused because a single-node volume is attached elsewhere").register(registry);
        stale = Counter.builder("tether_stale_attachments_cleared_total")
                .description("Attachments the reconciler cleared because their node or VolumeAttachment is gone").register(registry);
        migrationExceeded = Counter.builder("tether_migration_window_exceeded_total")
                .description("Live-migration dual attachments that outlived --migration-window").register(registry);
    }

    private static double count(AttachmentRegistry attachments, Mode mode) {
        return attachments.snapshot().values().stream().flatMap(List::stream).filter(a -> a.access().mode() == mode).count();
    }

    @Override
    public void conflict() {
        conflicts.increment();
    }

    @Override
    public void reconcilerRun(String result) {
        Counter.builder("tether_reconciler_runs_total").tag("result", result)
                .description("Reconciler passes by result (ok, error, skipped)").register(registry).increment();
    }

    @Override
    public void staleCleared() {
        stale.increment();
    }

    @Override
    public void migrationWindowExceeded() {
        migrationExceeded.increment();
    }
}

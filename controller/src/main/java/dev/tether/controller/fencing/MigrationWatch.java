package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warns (event MigrationWindowExceeded + metric) once per dual attach that outlives the migration window. It never
 * detaches anything: cutting a VM's disk mid-migration is worse than an overlong migration.
 */
public final class MigrationWatch {
    private final AttachmentRegistry registry;
    private final FencingEvents events;
    private final FencingMetrics metrics;
    private final Clock clock;
    private final Duration window;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public MigrationWatch(AttachmentRegistry registry, FencingEvents events, FencingMetrics metrics, Clock clock, Duration window) {
        this.registry = registry;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
        this.window = window;
    }

    /** How often to check: a quarter of the window (a warning is at most 25% late), between 1 s and 15 s. */
    public Duration tick() {
        long quarter = window.toMillis() / 4;
        return Duration.ofMillis(Math.max(1000, Math.min(15_000, quarter)));
    }

    /** Returns how many new warnings it raised. */
    public int check() {
        Instant now = clock.instant();
        int raised = 0;
        Set<String> live = new java.util.HashSet<>();
        for (Map.Entry<VolumeId, List<Attachment>> e : registry.snapshot().entrySet()) {
            List<Attachment> list = e.getValue();
            if (list.size() < 2) {
                continue;
            }
            Instant dualSince = list.stream().map(Attachment::attachedAt).max(Instant::compareTo).orElseThrow();
            String key = e.getKey() + "@" + dualSince;
            live.add(key);
            if (dualSince.plus(window).isBefore(now) && warned.add(key)) {
                raised++;
                metrics.migrationWindowExceeded();
                events.post(e.getKey(), true, FencingEvents.MIGRATION_WINDOW_EXCEEDED, "volume " + e.getKey()
                        + " has been attached to nodes " + PublishService.names(list) + " since " + dualSince + ", longer than the "
                        + "migration window " + window + " (--migration-window). Tether does not force a detach: check the "
                        + "VirtualMachineInstanceMigration and unpublish the node the VM left");
            }
        }
        warned.retainAll(live);
        return raised;
    }
}

package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears attachments whose node or VolumeAttachment is gone: revoked at the target, forgotten, and reported as
 * StaleAttachmentCleared. It fails open: if the cluster cannot be read, nothing is cleared. An attachment made after
 * the pass started reading is never judged by that read (its VolumeAttachment may simply be newer than the LIST).
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private final ClusterView cluster;
    private final AttachmentRegistry registry;
    private final VolumeLocks locks;
    private final PublishService publish;
    private final FencingEvents events;
    private final FencingMetrics metrics;
    private final Clock clock;

    public Reconciler(ClusterView cluster, AttachmentRegistry registry, VolumeLocks locks, PublishService publish,
            FencingEvents events, FencingMetrics metrics, Clock clock) {
        this.cluster = cluster;
        this.registry = registry;
        this.locks = locks;
        this.publish = publish;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One pass; returns how many attachments it cleared. */
    public synchronized int runOnce() {
        Instant started = clock.instant();
        ClusterView.Snapshot seen;
        try {
            seen = cluster.read();
        } catch (RuntimeException e) {
            metrics.reconcilerRun("error");
            LOG.warn("reconciler: cannot read the cluster, clearing nothing this pass: {}", e.toString());
            return 0;
        }
        int cleared = 0;
        for (Map.Entry<VolumeId, List<Attachment>> entry : registry.snapshot().entrySet()) {
            VolumeId volume = entry.getKey();
            List<Attachment> stale = entry.getValue().stream()
                    .filter(a -> a.attachedAt().isBefore(started) && why(seen, volume, a).isPresent()).toList();
            if (stale.isEmpty()) {
                continue;
            }
            Optional<VolumeLocks.Held> held = locks.tryAcquire(volume);
            if (held.isEmpty()) {
                continue; // an operation is in flight; the next pass looks again
            }
            try (VolumeLocks.Held h = held.get()) {
                List<Attachment> current = registry.get(volume);
                List<Attachment> still = current.stream().filter(stale::contains).toList();
                if (still.isEmpty()) {
                    continue;
                }
                publish.detach(volume, current, still, "stale: cleared by the reconciler");
                for (Attachment a : still) {
                    cleared++;
                    metrics.staleCleared();
                    events.post(volume, false, FencingEvents.STALE_ATTACHMENT_CLEARED, "cleared the attachment of volume " + volume
                            + " to node " + a.node().nodeName() + ": " + why(seen, volume, a).orElse("gone")
                            + "; its host was revoked at the storage target");
                }
            } catch (RuntimeException e) {
                LOG.warn("reconciler: could not clear stale attachments of volume {}: {}", volume, e.getMessage());
            }
        }
        metrics.reconcilerRun("ok");
        if (cleared > 0) {
            LOG.info("reconciler: cleared {} stale attachments", cleared);
        }
        return cleared;
    }

    private static Optional<String> why(ClusterView.Snapshot seen, VolumeId volume, Attachment a) {
        String node = a.node().nodeName();
        if (!seen.nodes().contains(node)) {
            return Optional.of("node " + node + " no longer exists");
        }
        if (!seen.volumeAttachments().contains(new ClusterView.Key(volume, node))) {
            return Optional.of("no VolumeAttachment of " + volume + " on " + node + " exists");
        }
        return Optional.empty();
    }
}

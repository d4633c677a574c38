package dev.tether.controller.fencing;

import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.ExportRestore;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.model.VolumeId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings volumes back after the storage target lost its configuration (reboot, module reload): asks the backend to
 * re-export each volume, and re-grants the hosts the attachment registry says are attached, because only fencing
 * knows them. Grants go through {@link StorageBackend#grantHost}, so a fenced host is still refused. It never revokes
 * or deletes anything. Runs only while this replica serves; a volume whose fencing lock is held by an RPC is skipped
 * until the next pass. Grants still owed (lock busy, grant refused or failed) are retried every pass until done.
 */
public final class TargetRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(TargetRestorer.class);
    public static final String VOLUME_REEXPORTED = "VolumeReexported";
    public static final String VOLUME_REEXPORT_FAILED = "VolumeReexportFailed";

    private final StorageBackend backend;
    private final AttachmentRegistry registry;
    private final VolumeLocks locks;
    private final ServingGate gate;
    private final FencingEvents events;
    private final MeterRegistry meters;
    /** Re-exported volumes whose grants are not all back yet, with what was recreated (for the event once they are). */
    private final Map<VolumeId, String> owed = new ConcurrentHashMap<>();
    /** The last problem reported per volume, so a lasting one is one Warning, not one per pass. */
    private final Map<VolumeId, String> reported = new ConcurrentHashMap<>();

    public TargetRestorer(StorageBackend backend, AttachmentRegistry registry, VolumeLocks locks, ServingGate gate,
            FencingEvents events, MeterRegistry meters) {
        this.backend = backend;
        this.registry = registry;
        this.locks = locks;
        this.gate = gate;
        this.events = events;
        this.meters = meters;
    }

    /** What one pass did (for tests and the log). */
    public record Pass(boolean ran, int reexported, int refused, int regranted) {
        static final Pass SKIPPED = new Pass(false, 0, 0, 0);
    }

    public synchronized Pass runOnce() {
        if (gate.notServing().isPresent()) {
            return Pass.SKIPPED;
        }
        List<BackendVolume> volumes;
        try {
            volumes = backend.list();
        } catch (RuntimeException e) {
            LOG.warn("target check: cannot list volumes on the {} backend: {}", backend.name(), e.getMessage());
            return new Pass(true, 0, 0, 0);
        }
        Set<VolumeId> listed = ConcurrentHashMap.newKeySet();
        int reexported = 0;
        int refused = 0;
        int regranted = 0;
        for (BackendVolume volume : volumes) {
            VolumeId id = volume.id();
            listed.add(id);
            ExportRestore result;
            try {
                result = backend.restoreExport(id);
            } catch (NotFoundException gone) {
                continue; // deleted since the list
            } catch (RuntimeException e) {
                count("failed");
                problem(id, "could not re-export volume " + id + " after the storage target lost it: " + e.getMessage());
                continue;
            }
            switch (result.outcome()) {
                case REFUSED -> {
                    refused++;
                    count("refused");
                    problem(id, "volume " + id + " is not exported on the storage target and was not re-exported: " + result.detail());
                    continue;
                }
                case RESTORED -> {
                    reexported++;
                    count("restored");
                    owed.put(id, result.detail());
                }
                case UNCHANGED -> {
                    if (!owed.containsKey(id)) {
                        reported.remove(id);
                    }
                }
            }
            if (owed.containsKey(id)) {
                regranted += regrant(id);
            }
        }
        owed.keySet().retainAll(listed);
        reported.keySet().retainAll(listed);
        if (reexported > 0 || regranted > 0) {
            LOG.info("target check: {} volume(s) re-exported, {} left unexported, {} host grant(s) restored", reexported, refused, regranted);
        }
        return new Pass(true, reexported, refused, regranted);
    }

    /** Grants every recorded attachment of a re-exported volume, under its fencing lock; returns how many it granted. */
    private int regrant(VolumeId id) {
        Optional<VolumeLocks.Held> held = locks.tryAcquire(id);
        if (held.isEmpty()) {
            return 0; // an RPC is working on it (its own grant needs the export, which is back); next pass finishes
        }
        try (VolumeLocks.Held h = held.get()) {
            // Checked again under the lock, as a publish does: a replica that lost the lease since the pass began
            // must not grant (the new leader may have revoked these hosts meanwhile; locks are per process).
            if (gate.notServing().isPresent()) {
                return 0;
            }
            List<String> granted = new ArrayList<>();
            List<String> notGranted = new ArrayList<>();
            for (Attachment a : registry.get(id)) {
                try {
                    backend.grantHost(id, a.node().hostNqn());
                    granted.add(a.node().nodeName());
                } catch (RuntimeException e) {
                    count("regrant_failed");
                    notGranted.add(a.node().nodeName() + " (" + e.getMessage() + ")");
                }
            }
            String detail = owed.get(id);
            if (!notGranted.isEmpty()) {
                problem(id, "volume " + id + " was re-exported on the storage target (" + detail + ") but not re-granted to "
                        + String.join(", ", notGranted) + "; retried every pass");
                return granted.size();
            }
            owed.remove(id);
            reported.remove(id);
            String message = "re-exported volume " + id + " after the storage target lost its configuration (" + detail + "); "
                    + (granted.isEmpty() ? "no node is attached" : "re-granted node(s) " + String.join(", ", granted));
            LOG.info("target check: {}", message);
            events.post(id, false, VOLUME_REEXPORTED, message);
            return granted.size();
        }
    }

    private void problem(VolumeId id, String message) {
        // One Warning per distinct problem, not one per pass; compared without the numbers that change every pass
        // (fence countdowns).
        String key = message.replaceAll("\\d+", "#");
        if (key.equals(reported.put(id, key))) {
            LOG.debug("target check: still: {}", message);
            return;
        }
        LOG.warn("target check: {}", message);
        events.post(id, true, VOLUME_REEXPORT_FAILED, message);
    }

    private void count(String result) {
        Counter.builder("tether_backend_reexports_total").tag("result", result)
                .description("Target check results per volume: restored (re-exported), refused (data missing, left "
                        + "unexported), failed (target error), regrant_failed (a host not re-granted)")
                .register(meters).increment();
    }
}

package dev.tether.node.recovery;

import dev.tether.driver.model.VolumeId;
import dev.tether.node.mount.MountPoint;
import dev.tether.node.mount.Mounter;
import dev.tether.node.nvme.NvmeConnector;
import dev.tether.node.nvme.NvmeController;
import dev.tether.node.nvme.NvmeMetrics;
import dev.tether.node.nvme.NvmeSysfs;
import dev.tether.node.sys.Ticker;
import dev.tether.node.volume.StagedVolume;
import dev.tether.node.volume.StagedVolumeStore;
import dev.tether.node.volume.VolumeHealth;
import dev.tether.node.volume.VolumeLocks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the NVMe controller of every staged volume. While the kernel is retrying (connecting/resetting) it only
 * reports the volume degraded: the kernel reconnects by itself every reconnect_delay. When the controller is gone
 * (ctrl_loss_tmo expired, or someone disconnected it) it reconnects with backoff and jitter, re-resolves the device
 * (it may come back under another name) and repairs the staging mount when no pod mount still holds the old device;
 * otherwise it says that the pods must be restarted, and repairs once kubelet has unpublished them.
 */
public final class ReconnectSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectSupervisor.class);

    private record Retry(int failures, Instant next) {
    }

    private final StagedVolumeStore store;
    private final NvmeSysfs nvme;
    private final NvmeConnector connector;
    private final Mounter mounter;
    private final VolumeLocks locks;
    private final VolumeHealth health;
    private final NvmeMetrics metrics;
    private final Ticker ticker;
    private final Backoff backoff;
    private final Map<VolumeId, Retry> retries = new ConcurrentHashMap<>();
    /** Volumes whose controller was seen missing: their mounts hold a dead device until repaired. */
    private final Map<VolumeId, Boolean> lost = new ConcurrentHashMap<>();
    /** Controller instance last seen per volume: a new instance means the old one (and its device) went away. */
    private final Map<VolumeId, String> controllers = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;

    public ReconnectSupervisor(StagedVolumeStore store, NvmeSysfs nvme, NvmeConnector connector, Mounter mounter,
            VolumeLocks locks, VolumeHealth health, NvmeMetrics metrics, Ticker ticker, Backoff backoff) {
        this.store = store;
        this.nvme = nvme;
        this.connector = connector;
        this.mounter = mounter;
        this.locks = locks;
        this.health = health;
        this.metrics = metrics;
        this.ticker = ticker;
        this.backoff = backoff;
    }

    /** First pass at once (re-adopt or reconnect after a restart), then every {@code interval}. */
    public void start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("nvme-supervisor").factory());
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.error("supervisor pass failed", e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at every staged volume. A volume an RPC is working on is skipped this time. */
    public void runOnce() {
        Map<String, Integer> counts = new HashMap<>();
        java.util.Set<VolumeId> staged = new java.util.HashSet<>();
        store.all().forEach(v -> staged.add(v.volumeId()));
        retries.keySet().retainAll(staged);
        lost.keySet().retainAll(staged);
        controllers.keySet().retainAll(staged);
        for (StagedVolume v : store.all()) {
            Optional<VolumeLocks.Held> lock = locks.tryAcquire(v.volumeId().value());
            if (lock.isEmpty()) {
                continue;
            }
            try (VolumeLocks.Held held = lock.get()) {
                // Re-read under the lock: an unstage may have removed it since the listing.
                Optional<StagedVolume> current = store.get(v.volumeId());
                if (current.isPresent()) {
                    counts.merge(check(current.get()), 1, Integer::sum);
                }
            } catch (RuntimeException e) {
                LOG.warn("checking {} failed: {}", v.volumeId(), e.toString());
                health.degraded(v.volumeId().value(), "Tether could not check the volume's NVMe path: " + e.getMessage());
                counts.merge("other", 1, Integer::sum);
            }
        }
        metrics.states(counts);
    }

    private String check(StagedVolume v) {
        VolumeId id = v.volumeId();
        Optional<NvmeController> found = nvme.controllerFor(v.target(), connector.hostNqn());
        if (found.isEmpty()) {
            if (lost.put(id, true) == null) {
                LOG.warn("NvmePathLost: the NVMe/TCP controller of {} ({}) is gone", id, v.target().subsystem());
            }
            reconnect(v);
            return "missing";
        }
        NvmeController c = found.get();
        String previous = controllers.put(id, c.name());
        if (previous != null && !previous.equals(c.name())) {
            lost.put(id, true);
        }
        if (c.recovering()) {
            health.degraded(id.value(), "NVMe/TCP path to " + where(v) + " is down: controller " + c.name() + " is " + c.state()
                    + ", the kernel retries every " + v.target().timeouts().reconnectDelay() + " s; I/O waits, and fails after "
                    + v.target().timeouts().fastIoFailTmo() + " s (fast_io_fail_tmo)");
            return c.state().equals("new") ? "other" : c.state();
        }
        if (!c.live()) {
            health.degraded(id.value(), "NVMe/TCP controller " + c.name() + " of " + v.target().subsystem() + " is " + c.state());
            return "other";
        }
        afterLive(v);
        return "live";
    }

    private void reconnect(StagedVolume v) {
        VolumeId id = v.volumeId();
        Retry retry = retries.get(id);
        Instant now = ticker.now();
        if (retry != null && now.isBefore(retry.next())) {
            return;
        }
        try {
            connector.connect(v.target());
            retries.remove(id);
            metrics.reconnected();
            LOG.info("NvmeReconnected: {} reconnected to {}", id, where(v));
            afterLive(v);
        } catch (RuntimeException e) {
            int failures = retry == null ? 1 : retry.failures() + 1;
            Duration delay = backoff.delay(failures);
            retries.put(id, new Retry(failures, now.plus(delay)));
            health.degraded(id.value(), "NVMe/TCP controller of " + v.target().subsystem() + " is gone (ctrl_loss_tmo "
                    + v.target().timeouts().ctrlLossTmo() + " s expired or it was disconnected); reconnect attempt " + failures
                    + " failed, next in " + delay.toSeconds() + " s: " + e.getMessage());
        }
    }

    /** The controller is live: make sure the device and the staging mount are the current ones. */
    private void afterLive(StagedVolume v) {
        VolumeId id = v.volumeId();
        Optional<String> device = nvme.namespaceDevice(v.target().subsystem(), v.target().nsid());
        if (device.isEmpty()) {
            health.degraded(id.value(), "controller is live but namespace " + v.target().nsid() + " of "
                    + v.target().subsystem() + " has no block device yet");
            return;
        }
        boolean stale = lost.containsKey(id) || !device.get().equals(v.device());
        if (!stale) {
            if (mounter.mountAt(v.stagedMount()).isEmpty()) {
                health.degraded(id.value(), "the staging mount " + v.stagedMount() + " is missing; NodeStageVolume again");
            } else {
                health.healthy(id.value());
            }
            return;
        }
        if (repair(v, device.get())) {
            lost.remove(id);
            health.healthy(id.value());
        }
    }

    /**
     * Remounts the staging mount on the new device when nothing else still uses the old one; with pod mounts still on
     * it, it cannot swap the device under them, so the volume stays degraded with the reason.
     */
    private boolean repair(StagedVolume v, String device) {
        Path staged = v.stagedMount();
        Optional<MountPoint> old = mounter.mountAt(staged);
        if (old.isPresent()) {
            List<MountPoint> users = mounter.mounts().stream()
                    .filter(m -> !m.target().equals(staged) && m.device().equals(old.get().device())
                            && m.root().equals(old.get().root()))
                    .toList();
            if (!users.isEmpty()) {
                health.degraded(v.volumeId().value(), "the NVMe/TCP path came back as /dev/" + device + ", but "
                        + users.size() + " pod mount(s) still hold the old device (I/O on them fails): restart the pods "
                        + "using this volume; Tether repairs the staging mount once they are unpublished");
                return false;
            }
            mounter.unmount(staged);
        }
        Path dev = nvme.sysfs().path("/dev/" + device);
        if (v.block()) {
            mounter.bindMount(dev, staged, false);
        } else {
            List<String> options = new java.util.ArrayList<>(v.mountFlags());
            if (v.readOnly() && !options.contains("ro")) {
                options.add("ro");
            }
            mounter.mount(dev, staged, v.fsType(), options);
        }
        store.save(v.withDevice(device));
        LOG.info("NvmeReconnected: repaired the staging mount of {} on /dev/{}", v.volumeId(), device);
        return true;
    }

    private static String where(StagedVolume v) {
        return v.target().address() + ":" + v.target().port();
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}

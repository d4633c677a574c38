package dev.tether.node.recovery;

import dev.tether.driver.model.VolumeId;
import dev.tether.node.events.VolumeEvents;
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
 * (it may come back under another name) and moves the staging mount to it, so new publishes work; pods still on the
 * deleted device are reported (the volume stays degraded, "restart the pods") until kubelet has unpublished them.
 * Each episode is told once as events: NvmePathLost when the path goes down, NvmeReconnected when it is back and the
 * staging mount is on the current device, VolumeNeedsPodRestart when pods are left on a dead device or file system.
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
    /** Pod mounts left on a device that was deleted: those pods must be restarted. */
    private final Map<VolumeId, List<MountPoint>> stranded = new ConcurrentHashMap<>();
    /** Volumes whose path loss was told (NvmePathLost) and whose return was not yet: one pair of events per episode. */
    private final Map<VolumeId, Boolean> down = new ConcurrentHashMap<>();
    /** Volumes whose pods were told to restart in this episode. */
    private final Map<VolumeId, Boolean> restartAsked = new ConcurrentHashMap<>();
    private final VolumeEvents events;
    private ScheduledExecutorService scheduler;

    public ReconnectSupervisor(StagedVolumeStore store, NvmeSysfs nvme, NvmeConnector connector, Mounter mounter,
            VolumeLocks locks, VolumeHealth health, NvmeMetrics metrics, Ticker ticker, Backoff backoff, VolumeEvents events) {
        this.store = store;
        this.nvme = nvme;
        this.connector = connector;
        this.mounter = mounter;
        this.locks = locks;
        this.health = health;
        this.metrics = metrics;
        this.ticker = ticker;
        this.backoff = backoff;
        this.events = events;
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

    /**
     * One look at every staged volume. Looking takes no lock (so it never makes a CSI call ABORTED); reconnecting and
     * repairing do, and are left for the next pass when an RPC is working on the volume.
     */
    public void runOnce() {
        Map<String, Integer> counts = new HashMap<>();
        java.util.Set<VolumeId> staged = new java.util.HashSet<>();
        store.all().forEach(v -> staged.add(v.volumeId()));
        retries.keySet().retainAll(staged);
        lost.keySet().retainAll(staged);
        controllers.keySet().retainAll(staged);
        stranded.keySet().retainAll(staged);
        down.keySet().retainAll(staged);
        restartAsked.keySet().retainAll(staged);
        for (StagedVolume v : store.all()) {
            try {
                counts.merge(check(v), 1, Integer::sum);
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
            // The lost flag carries the news from here; the next controller is a new instance by definition.
            controllers.remove(id);
            lost.put(id, true);
            pathLost(v, "the NVMe/TCP controller of " + v.target().subsystem() + " at " + where(v) + " is gone (ctrl_loss_tmo "
                    + v.target().timeouts().ctrlLossTmo() + " s expired or it was disconnected); I/O fails until Tether "
                    + "reconnects it");
            if (!retries.containsKey(id)) {
                health.degraded(id.value(), "NVMe/TCP controller of " + v.target().subsystem() + " at " + where(v)
                        + " is gone (ctrl_loss_tmo " + v.target().timeouts().ctrlLossTmo()
                        + " s expired or it was disconnected); reconnecting");
            }
            boolean[] back = {false};
            locked(v, () -> back[0] = reconnect(v));
            if (!back[0]) {
                return "missing";
            }
            afterLive(store.get(id).orElse(v));
            return "live";
        }
        NvmeController c = found.get();
        String previous = controllers.put(id, c.name());
        if (previous != null && !previous.equals(c.name())) {
            lost.put(id, true);
        }
        if (c.recovering()) {
            pathLost(v, "the NVMe/TCP path to " + where(v) + " is down: controller " + c.name() + " is " + c.state()
                    + "; the kernel retries every " + v.target().timeouts().reconnectDelay() + " s, I/O waits and fails after "
                    + v.target().timeouts().fastIoFailTmo() + " s (fast_io_fail_tmo), the kernel gives up after "
                    + v.target().timeouts().ctrlLossTmo() + " s (ctrl_loss_tmo) and Tether reconnects");
            health.degraded(id.value(), "NVMe/TCP path to " + where(v) + " is down: controller " + c.name() + " is " + c.state()
                    + ", the kernel retries every " + v.target().timeouts().reconnectDelay() + " s; I/O waits, and fails after "
                    + v.target().timeouts().fastIoFailTmo() + " s (fast_io_fail_tmo)");
            return c.state().equals("new") ? "other" : c.state();
        }
        if (!c.live()) {
            pathLost(v, "the NVMe/TCP controller " + c.name() + " of " + v.target().subsystem() + " is " + c.state());
            health.degraded(id.value(), "NVMe/TCP controller " + c.name() + " of " + v.target().subsystem() + " is " + c.state());
            return "other";
        }
        afterLive(v);
        return "live";
    }

    /** True when the controller is back. */
    private boolean reconnect(StagedVolume v) {
        VolumeId id = v.volumeId();
        Retry retry = retries.get(id);
        Instant now = ticker.now();
        if (retry != null && now.isBefore(retry.next())) {
            return false;
        }
        try {
            controllers.put(id, connector.connect(v.target()).name());
            retries.remove(id);
            metrics.reconnected();
            LOG.info("{} reconnected to {}", id, where(v));
            return true;
        } catch (RuntimeException e) {
            int failures = retry == null ? 1 : retry.failures() + 1;
            Duration delay = backoff.delay(failures);
            retries.put(id, new Retry(failures, now.plus(delay)));
            health.degraded(id.value(), "NVMe/TCP controller of " + v.target().subsystem() + " is gone (ctrl_loss_tmo "
                    + v.target().timeouts().ctrlLossTmo() + " s expired or it was disconnected); reconnect attempt " + failures
                    + " failed, next in " + delay.toSeconds() + " s: " + e.getMessage());
            return false;
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
        String before = v.device();
        if (lost.containsKey(id) || !device.get().equals(v.device())) {
            boolean repaired = locked(v, () -> {
                repair(store.get(id).orElse(v), device.get());
                lost.remove(id);
            });
            if (!repaired) {
                health.degraded(id.value(), "the NVMe/TCP path is back as /dev/" + device.get()
                        + "; moving the staging mount to it is pending");
                return;
            }
        }
        if (down.remove(id) != null) {
            events.post(v, false, VolumeEvents.RECONNECTED, "the NVMe/TCP path to " + where(v) + " is back: /dev/" + device.get()
                    + (before.isEmpty() || before.equals(device.get()) ? "" : " (it was /dev/" + before + "; the staging mount moved to it)"));
        }
        List<MountPoint> orphans = strandedMounts(id);
        if (!orphans.isEmpty()) {
            String message = "the NVMe/TCP path came back (as /dev/" + device.get() + ") after its controller was "
                    + "deleted; " + orphans.size() + " pod mount(s) still hold the old device and fail all I/O: restart the "
                    + "pods using this volume (" + orphans.getFirst().target() + (orphans.size() > 1 ? ", ..." : "") + ")";
            health.degraded(id.value(), message);
            askForRestart(v, message);
            return;
        }
        Optional<MountPoint> staging = mounter.mountAt(v.stagedMount());
        if (staging.isEmpty()) {
            health.degraded(id.value(), "the staging mount " + v.stagedMount() + " is missing; NodeStageVolume again");
        } else if (!v.block() && !v.readOnly() && staging.get().fileSystemReadOnly()) {
            String message = "the " + v.fsType() + " file system on /dev/" + device.get() + " went read-only after "
                    + "I/O errors (the path was down longer than fast_io_fail_tmo " + v.target().timeouts().fastIoFailTmo()
                    + " s): delete the pods using this volume so kubelet unstages it and stages it again";
            health.degraded(id.value(), message);
            askForRestart(v, message);
        } else {
            health.healthy(id.value());
            restartAsked.remove(id);
        }
    }

    /** The first sign of trouble in an episode is told as NvmePathLost; the rest is in the volume condition. */
    private void pathLost(StagedVolume v, String message) {
        if (down.put(v.volumeId(), true) == null) {
            events.post(v, true, VolumeEvents.PATH_LOST, message);
        }
    }

    private void askForRestart(StagedVolume v, String message) {
        if (restartAsked.put(v.volumeId(), true) == null) {
            events.post(v, true, VolumeEvents.NEEDS_POD_RESTART, message);
        }
    }

    /**
     * Moves the staging mount to the device that came back. The old device was deleted with its controller, so the
     * mounts on it can never do I/O again; the kernel cannot move them, but new publishes must get the new device.
     * Pod mounts still on the old one are remembered until kubelet unpublishes them.
     */
    private void repair(StagedVolume v, String device) {
        Path staged = v.stagedMount();
        Optional<MountPoint> old = mounter.mountAt(staged);
        if (old.isPresent()) {
            List<MountPoint> users = mounter.mounts().stream()
                    .filter(m -> !m.target().equals(staged) && m.device().equals(old.get().device())
                            && m.root().equals(old.get().root()))
                    .toList();
            if (!users.isEmpty()) {
                stranded.put(v.volumeId(), users);
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
            if (v.fsType().equals("xfs") && !options.contains("nouuid")) {
                // Pods may still hold the dead mount of the same file system; XFS refuses a second UUID without this.
                options.add("nouuid");
            }
            mounter.mount(dev, staged, v.fsType(), options);
        }
        store.save(v.withDevice(device));
        LOG.info("the staging mount of {} is on /dev/{} now", v.volumeId(), device);
    }

    /** Pod mounts of the old device that are still in the mount table. */
    private List<MountPoint> strandedMounts(VolumeId id) {
        List<MountPoint> before = stranded.get(id);
        if (before == null) {
            return List.of();
        }
        List<MountPoint> now = mounter.mounts();
        List<MountPoint> still = before.stream().filter(now::contains).toList();
        if (still.isEmpty()) {
            stranded.remove(id);
        }
        return still;
    }

    /** Runs {@code action} under the volume's lock if no RPC holds it and the volume is still staged. */
    private boolean locked(StagedVolume v, Runnable action) {
        Optional<VolumeLocks.Held> lock = locks.tryAcquire(v.volumeId().value());
        if (lock.isEmpty()) {
            return false;
        }
        try (VolumeLocks.Held held = lock.get()) {
            if (store.get(v.volumeId()).isEmpty()) {
                return false;
            }
            action.run();
            return true;
        }
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

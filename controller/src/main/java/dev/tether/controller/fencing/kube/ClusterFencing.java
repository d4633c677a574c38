package dev.tether.controller.fencing.kube;

import dev.tether.controller.fencing.AttachmentRegistry;
import dev.tether.controller.fencing.MigrationWatch;
import dev.tether.controller.fencing.Reconciler;
import dev.tether.controller.fencing.Serving;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of fencing in a cluster: take over (rebuild, then serve), reconcile periodically and on cluster events,
 * step down. With leader election only the lease holder takes over; without it this replica takes over at start.
 */
public final class ClusterFencing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterFencing.class);
    static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";
    private final KubernetesClient client;
    private final KubeRebuild rebuild;
    private final Reconciler reconciler;
    private final MigrationWatch migrations;
    private final AttachmentRegistry registry;
    private final Serving serving;
    private final Duration reconcileInterval;
    private final Duration notReadyThreshold;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fencing");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private volatile Leadership leadership;

    public ClusterFencing(KubernetesClient client, KubeRebuild rebuild, Reconciler reconciler, MigrationWatch migrations,
            AttachmentRegistry registry, Serving serving, Duration reconcileInterval, Duration notReadyThreshold, Clock clock) {
        this.client = client;
        this.rebuild = rebuild;
        this.reconciler = reconciler;
        this.migrations = migrations;
        this.registry = registry;
        this.serving = serving;
        this.reconcileInterval = reconcileInterval;
        this.notReadyThreshold = notReadyThreshold;
        this.clock = clock;
    }

    /** Without leader election: this replica takes over now (in the background; not ready until rebuilt). */
    public void startAlone() {
        scheduler.execute(this::takeOver);
    }

    public void startWithLeaderElection(String namespace, String lease, String identity,
            dev.tether.controller.fencing.FencingOptions.LeaseTimings timings) {
        serving.notServing("standby: waiting for the leader-election lease " + namespace + "/" + lease);
        leadership = new Leadership(client, namespace, lease, identity, timings,
                () -> scheduler.execute(this::takeOver), this::stepDown);
        leadership.start();
    }

    /** Rebuild until it succeeds (or leadership is lost), then serve and start reconciling. */
    void takeOver() {
        long mine = epoch.incrementAndGet();
        serving.notServing("rebuilding attachments from VolumeAttachments and PV annotations");
        long delay = 1;
        while (epoch.get() == mine) {
            try {
                var rebuilt = rebuild.rebuild();
                if (epoch.get() != mine) {
                    return;
                }
                registry.clear();
                rebuilt.forEach(registry::put);
                serving.serve();
                LOG.info("fencing: serving attachments");
                startReconciling(mine);
                return;
            } catch (RuntimeException e) {
                LOG.warn("fencing: rebuild failed, retrying in {}s: {}", delay, e.toString());
                sleep(delay);
                delay = Math.min(30, delay * 2);
            }
        }
    }

    void stepDown() {
        epoch.incrementAndGet();
        serving.notServing("standby: this replica does not hold the leader-election lease");
        scheduler.execute(() -> {
            stopReconciling();
            registry.clear();
        });
    }

    private void startReconciling(long mine) {
        stopReconciling();
        periodic.add(scheduler.scheduleWithFixedDelay(() -> pass(mine), reconcileInterval.toMillis(), reconcileInterval.toMillis(),
                TimeUnit.MILLISECONDS));
        long tick = Math.max(1000, Math.min(30_000, migrations == null ? 30_000 : 15_000));
        periodic.add(scheduler.scheduleWithFixedDelay(migrations::check, tick, tick, TimeUnit.MILLISECONDS));
        informers.add(client.nodes().inform(new Trigger<>(this::nodeChanged, n -> requestPass("node " + n.getMetadata().getName()
                + " deleted")), reconcileInterval.toMillis()));
        informers.add(client.storage().v1().volumeAttachments().inform(new Trigger<VolumeAttachment>(va -> { },
                va -> requestPass("VolumeAttachment " + va.getMetadata().getName() + " deleted")), 0));
        requestPass("takeover");
    }

    private void stopReconciling() {
        periodic.forEach(f -> f.cancel(false));
        periodic.clear();
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
    }

    private void pass(long mine) {
        passQueued.set(false);
        if (epoch.get() == mine && serving.notServing().isEmpty()) {
            reconciler.runOnce();
        }
    }

    /** A pass soon (debounced: a burst of events costs one pass). */
    public void requestPass(String why) {
        if (passQueued.compareAndSet(false, true)) {
            LOG.debug("reconciler pass requested: {}", why);
            long mine = epoch.get();
            scheduler.schedule(() -> pass(mine), 1, TimeUnit.SECONDS);
        }
    }

    private void nodeChanged(Node node) {
        if (node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> OUT_OF_SERVICE.equals(t.getKey()))) {
            requestPass("node " + node.getMetadata().getName() + " is tainted " + OUT_OF_SERVICE);
            return;
        }
        notReadySince(node).ifPresent(since -> {
            Duration left = Duration.between(clock.instant(), since.plus(notReadyThreshold));
            long mine = epoch.get();
            scheduler.schedule(() -> pass(mine), Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
        });
    }

    static Optional<Instant> notReadySince(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (NodeCondition c : node.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && !"True".equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                return Optional.of(Instant.parse(c.getLastTransitionTime()));
            }
        }
        return Optional.empty();
    }

    private static void sleep(long seconds) {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler.isShutdown()) {
            return;
        }
        if (leadership != null) {
            leadership.close();
        }
        epoch.incrementAndGet();
        try {
            // informers and periodic tasks belong to the scheduler thread; stop them there
            scheduler.submit(this::stopReconciling).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("fencing: could not stop the reconciler cleanly: {}", e.toString());
        }
        scheduler.shutdownNow();
    }

    /** Informer handler: updates go to {@code onUpdate}, deletions to {@code onDelete}. */
    private record Trigger<T>(java.util.function.Consumer<T> onUpdate, java.util.function.Consumer<T> onDelete)
            implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            onUpdate.accept(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            onDelete.accept(obj);
        }
    }
}

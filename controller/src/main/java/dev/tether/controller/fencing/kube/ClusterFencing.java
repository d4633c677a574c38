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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    /** A burst of pass requests within this long costs one pass. */
    static final Duration DEBOUNCE = Duration.ofSeconds(1);
    private final KubernetesClient client;
    private final KubeRebuild rebuild;
    private final Reconciler reconciler;
    private final MigrationWatch migrations;
    private final AttachmentRegistry registry;
    private final Serving serving;
    private final Duration reconcileInterval;
    private final NodeTriggers nodeTriggers;
    private final Duration notReadyTick;
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
        this(client, rebuild, reconciler, migrations, registry, serving, reconcileInterval, notReadyThreshold, clock,
                notReadyTick(notReadyThreshold));
    }

    /** {@code notReadyTick}: how often NotReady nodes are checked against the threshold (tests make it short). */
    ClusterFencing(KubernetesClient client, KubeRebuild rebuild, Reconciler reconciler, MigrationWatch migrations,
            AttachmentRegistry registry, Serving serving, Duration reconcileInterval, Duration notReadyThreshold, Clock clock,
            Duration notReadyTick) {
        this.client = client;
        this.rebuild = rebuild;
        this.reconciler = reconciler;
        this.migrations = migrations;
        this.registry = registry;
        this.serving = serving;
        this.reconcileInterval = reconcileInterval;
        this.nodeTriggers = new NodeTriggers(notReadyThreshold, clock);
        this.notReadyTick = notReadyTick;
    }

    /** A tenth of the threshold, within 1 s to 30 s: a pass comes at most that late, and a check costs no API call. */
    static Duration notReadyTick(Duration threshold) {
        Duration tenth = threshold.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : tenth.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : tenth;
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
        long tick = migrations.tick().toMillis();
        periodic.add(scheduler.scheduleWithFixedDelay(migrations::check, tick, tick, TimeUnit.MILLISECONDS));
        long notReadyMillis = notReadyTick.toMillis();
        periodic.add(scheduler.scheduleWithFixedDelay(this::checkNotReady, notReadyMillis, notReadyMillis, TimeUnit.MILLISECONDS));
        informers.add(client.nodes().inform(new Trigger<>(this::nodeChanged, this::nodeDeleted), reconcileInterval.toMillis()));
        informers.add(client.storage().v1().volumeAttachments().inform(new Trigger<VolumeAttachment>(va -> { },
                va -> requestPass("VolumeAttachment " + va.getMetadata().getName() + " deleted")), 0));
        requestPass("takeover");
    }

    private void stopReconciling() {
        periodic.forEach(f -> f.cancel(false));
        periodic.clear();
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        nodeTriggers.clear();
    }

    private void pass(long mine) {
        passQueued.set(false);
        if (epoch.get() == mine && serving.notServing().isEmpty()) {
            reconciler.runOnce();
        }
    }

    /**
     * A pass soon (debounced: a burst of events costs one pass). It runs in whichever term is current by then: a
     * request left from before a step-down has swallowed the new term's own takeover request, so it must not be
     * dropped as stale (serving still keeps it from running on a standby or during a rebuild).
     */
    public void requestPass(String why) {
        if (passQueued.compareAndSet(false, true)) {
            LOG.debug("reconciler pass requested: {}", why);
            scheduler.schedule(() -> pass(epoch.get()), DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A node was added or updated (including the informer's resyncs). */
    private void nodeChanged(Node node) {
        nodeTriggers.observe(node).ifPresent(why -> {
            LOG.info("fencing: reconciler pass soon: {}", why);
            requestPass(why);
        });
    }

    private void nodeDeleted(Node node) {
        nodeTriggers.forget(node.getMetadata().getName());
        requestPass("node " + node.getMetadata().getName() + " deleted");
    }

    /** Catches NotReady nodes nobody updates any more (a dead kubelet stops heartbeating). */
    private void checkNotReady() {
        nodeTriggers.due().ifPresent(why -> {
            LOG.info("fencing: reconciler pass soon: {}", why);
            requestPass(why);
        });
    }

    /**
     * For tests: returns once a NotReady check has seen the clock as it is now and every pass requested before has
     * run. Order, not time: the scheduler runs tasks by due time, and the second barrier is due after any pass
     * requested before it.
     */
    void settle() throws Exception {
        scheduler.submit(this::checkNotReady).get(30, TimeUnit.SECONDS);
        scheduler.schedule(() -> { }, DEBOUNCE.toMillis() + 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
    }

    NodeTriggers nodeTriggers() {
        return nodeTriggers;
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

    /** Informer handler: additions and updates go to {@code onUpdate}, deletions to {@code onDelete}. */
    private record Trigger<T>(java.util.function.Consumer<T> onUpdate, java.util.function.Consumer<T> onDelete)
            implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            onUpdate.accept(obj); // the first list after a takeover, and nodes that join
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

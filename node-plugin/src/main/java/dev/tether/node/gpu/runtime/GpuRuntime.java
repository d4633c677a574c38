package dev.tether.node.gpu.runtime;

import dev.tether.node.gpu.DeclaredModes;
import dev.tether.node.gpu.DevicePolicy;
import dev.tether.node.gpu.GpuMode;
import dev.tether.node.gpu.VfioBinder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU side of the node plugin: at start, finish or roll back what a crash left unfinished (and nothing else);
 * then reconcile to the declared mode on every change of this Node's labels/annotations (a watch) and every resync
 * period (a get).
 * Everything runs on one thread, so transitions never overlap. Without Kubernetes the default mode is the declaration.
 */
public final class GpuRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuRuntime.class);

    private final GpuReconciler reconciler;
    private final VfioBinder binder;
    private final ScheduledExecutorService loop;
    private final AtomicReference<DeclaredModes> declared = new AtomicReference<>();
    private final GpuMode fallback;
    private Optional<KubernetesClient> kube = Optional.empty();
    private String nodeName;
    private volatile Watch watch;
    private volatile boolean closed;

    GpuRuntime(VfioBinder binder, GpuReconciler reconciler, GpuMode fallback) {
        this.binder = binder;
        this.reconciler = reconciler;
        this.fallback = fallback;
        this.loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("gpu-reconciler").factory());
    }

    /** Empty when GPU management is off (no vendors configured). */
    public static Optional<GpuRuntime> start(GpuServerOptions options, Path stateDir, String nodeName,
            Optional<KubernetesClient> kube, MeterRegistry registry) {
        DevicePolicy policy = DevicePolicy.parse(options.gpuVendors, false);
        GpuMode fallback = DeclaredModes.parseMode(options.defaultMode, "--gpu-default-mode");
        if (!policy.enabled()) {
            LOG.info("GPU management off (--gpu-vendors is empty)");
            return Optional.empty();
        }
        VfioBinder binder = options.host.binder(stateDir, policy, options.host.sysfsWriter());
        NodeEvents events = kube.<NodeEvents>map(c -> new KubeNodeEvents(c, nodeName, Clock.systemUTC()))
                .orElseGet(LogNodeEvents::new);
        GpuRuntime runtime = new GpuRuntime(binder, new GpuReconciler(binder, events, new GpuMetrics(registry)), fallback);
        runtime.begin(kube, nodeName, options.resync.toMillis());
        return Optional.of(runtime);
    }

    void begin(Optional<KubernetesClient> kube, String nodeName, long resyncMillis) {
        this.kube = kube;
        this.nodeName = nodeName;
        loop.execute(() -> reconciler.reportRecovery(binder.recover()));
        if (kube.isPresent()) {
            watch();
        } else {
            declared.set(DeclaredModes.from(null, null, fallback));
        }
        loop.scheduleWithFixedDelay(this::resync, 0, resyncMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * A watch on this one Node (the chart grants get and watch on nodes, not list, so no informer): every change
     * triggers a pass; when the watch ends it is opened again, and the periodic get covers the gap.
     */
    private void watch() {
        if (closed) {
            return;
        }
        try {
            watch = kube.get().nodes().withName(nodeName).watch(new Watcher<Node>() {
                @Override
                public void eventReceived(Action action, Node node) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                        changed(node);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    LOG.warn("watch on node {} ended ({}); watching again", nodeName, cause.getMessage());
                    loop.schedule(GpuRuntime.this::watch, 5, TimeUnit.SECONDS);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot watch node {} ({}); retrying", nodeName, e.getMessage());
            loop.schedule(this::watch, 5, TimeUnit.SECONDS);
        }
    }

    /** The latest declaration from the Node; a reconcile runs next on the loop thread. */
    void changed(Node node) {
        declared.set(DeclaredModes.from(node.getMetadata().getLabels(), node.getMetadata().getAnnotations(), fallback));
        loop.execute(this::pass);
    }

    private void resync() {
        if (kube.isPresent()) {
            try {
                Node node = kube.get().nodes().withName(nodeName).get();
                if (node != null) {
                    declared.set(DeclaredModes.from(node.getMetadata().getLabels(), node.getMetadata().getAnnotations(),
                            fallback));
                }
            } catch (RuntimeException e) {
                // a transient API error keeps the last declaration; it never turns into "default"
                LOG.warn("cannot read node {} ({}); keeping the last declared GPU modes", nodeName, e.getMessage());
            }
        }
        pass();
    }

    private void pass() {
        DeclaredModes modes = declared.get();
        if (modes == null) {
            return; // the Node has not been read yet: the default must not override a label we have not seen
        }
        try {
            reconciler.reconcile(modes);
        } catch (RuntimeException e) {
            LOG.error("GPU reconcile failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        loop.shutdownNow();
    }
}

package dev.tether.controller.fencing.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import dev.tether.controller.fencing.FencingOptions.LeaseTimings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a coordination.k8s.io/v1 Lease with fabric8's LeaderElector. After losing the lease it runs for
 * it again (as a standby), so a replica never needs a restart to take over later.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);
    private final KubernetesClient client;
    private final String namespace;
    private final String lease;
    private final String identity;
    private final LeaseTimings timings;
    private final Runnable onStart;
    private final Runnable onStop;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "leader-election");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    public Leadership(KubernetesClient client, String namespace, String lease, String identity, LeaseTimings timings,
            Runnable onStart, Runnable onStop) {
        this.client = client;
        this.namespace = namespace;
        this.lease = lease;
        this.identity = identity;
        this.timings = timings;
        this.onStart = onStart;
        this.onStop = onStop;
    }

    public void start() {
        if (closed) {
            return;
        }
        LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName("tether-controller")
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(timings.leaseDuration())
                .withRenewDeadline(timings.renewDeadline())
                .withRetryPeriod(timings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            LOG.info("leader election: {} now holds lease {}/{}", identity, namespace, lease);
                            onStart.run();
                        },
                        () -> {
                            LOG.warn("leader election: {} lost lease {}/{}; standing by", identity, namespace, lease);
                            onStop.run();
                        },
                        leader -> LOG.info("leader election: the leader is {}", leader)))
                .build(), executor);
        running = elector.start();
        running.whenComplete((ok, error) -> {
            if (!closed) {
                executor.execute(this::start);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> current = running;
        if (current != null) {
            current.cancel(true);
        }
        executor.shutdownNow();
    }
}

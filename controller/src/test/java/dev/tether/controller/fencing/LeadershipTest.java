package dev.tether.controller.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.controller.fencing.kube.ClusterFencing;
import dev.tether.controller.fencing.kube.KubeClusterView;
import dev.tether.controller.fencing.kube.KubeHandoffProbe;
import dev.tether.controller.fencing.kube.KubeNodeDirectory;
import dev.tether.controller.fencing.kube.KubeRebuild;
import dev.tether.controller.fencing.kube.PvAnnotationStore;
import dev.tether.controller.fencing.kube.PvDirectory;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import dev.tether.driver.testing.Eventually;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two replicas on one mock API server: only the lease holder serves, and a new leader rebuilds before serving. */
class LeadershipTest {

    /** One controller replica's fencing, as ControllerMain wires it in a cluster. */
    static final class Replica implements AutoCloseable {
        final AttachmentRegistry registry = new AttachmentRegistry();
        final Serving serving = new Serving("not started");
        final ClusterFencing fencing;

        Replica(MockCluster cluster) {
            this(cluster, Duration.ofMinutes(5));
        }

        Replica(MockCluster cluster, Duration reconcileInterval) {
            PvDirectory pvs = new PvDirectory(cluster.client);
            PvAnnotationStore store = new PvAnnotationStore(cluster.client, pvs);
            FakeBackend backend = new FakeBackend();
            VolumeLocks locks = new VolumeLocks();
            PublishService publish = new PublishService(backend, registry, locks, store, new KubeNodeDirectory(cluster.client),
                    new KubeHandoffProbe(cluster.client), FencingEvents.LOG, FencingMetrics.NOOP, serving, FencingSettings.DEFAULTS,
                    Clock.systemUTC());
            fencing = new ClusterFencing(cluster.client,
                    new KubeRebuild(cluster.client, pvs, backend, store, FencingEvents.LOG, Clock.systemUTC()),
                    new Reconciler(new KubeClusterView(cluster.client, pvs), registry, locks, publish, FencingEvents.LOG,
                            FencingMetrics.NOOP, Clock.systemUTC()),
                    new MigrationWatch(registry, FencingEvents.LOG, FencingMetrics.NOOP, Clock.systemUTC(), Duration.ofMinutes(5)),
                    registry, serving, reconcileInterval, Duration.ofMinutes(5), Clock.systemUTC());
        }

        boolean serves() {
            return serving.notServing().isEmpty();
        }

        @Override
        public void close() {
            fencing.close();
        }
    }

    @Test
    void onlyTheLeaseHolderServesAndATakeoverRebuildsFirst() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            cluster.node("node-a");
            cluster.pv("pvc-1", "pvc-1", "ReadWriteOnce", "Filesystem");
            NodeId a = NodeId.parse(PublishRig.node("node-a"));
            new PvAnnotationStore(cluster.client, new PvDirectory(cluster.client)).save(new VolumeId("pvc-1"), List.of(
                    new Attachment(a, new AccessSpec(Mode.SINGLE_NODE_WRITER, false, false), Map.of(), Instant.now())));
            cluster.va("pvc-1", new VolumeId("pvc-1"), a, true);

            Replica one = new Replica(cluster);
            Replica two = new Replica(cluster);
            try (one; two) {
                one.fencing.startWithLeaderElection("default", "tether-controller", "one", FencingOptions.LeaseTimings.of(Duration.ofSeconds(3)));
                two.fencing.startWithLeaderElection("default", "tether-controller", "two", FencingOptions.LeaseTimings.of(Duration.ofSeconds(3)));
                Eventually.await("a leader", Duration.ofSeconds(60), () -> one.serves() || two.serves());
                Replica leader = one.serves() ? one : two;
                Replica standby = leader == one ? two : one;
                assertThat(standby.serves()).isFalse();
                assertThat(standby.serving.notServing()).get().asString().contains("standby");
                assertThat(standby.registry.size()).isZero();
                assertThat(leader.registry.get(new VolumeId("pvc-1"))).extracting(Attachment::node).containsExactly(a);

                leader.close();
                Eventually.await("the standby takes over", Duration.ofSeconds(60), standby::serves);
                assertThat(standby.registry.get(new VolumeId("pvc-1"))).extracting(Attachment::node).containsExactly(a);
            }
        }
    }

    @Test
    void withoutLeaderElectionItServesAfterTheRebuildAndADeletedVolumeAttachmentTriggersAReconcile() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            cluster.node("node-a");
            cluster.pv("pvc-1", "pvc-1", "ReadWriteOnce", "Filesystem");
            NodeId a = NodeId.parse(PublishRig.node("node-a"));
            new PvAnnotationStore(cluster.client, new PvDirectory(cluster.client)).save(new VolumeId("pvc-1"), List.of(
                    new Attachment(a, new AccessSpec(Mode.SINGLE_NODE_WRITER, false, false), Map.of(), Instant.now().minusSeconds(60))));
            var va = cluster.va("pvc-1", new VolumeId("pvc-1"), a, true);
            try (Replica only = new Replica(cluster, Duration.ofHours(1))) {
                assertThat(only.serves()).isFalse();
                only.fencing.startAlone();
                Eventually.await("serving after the rebuild", Duration.ofSeconds(60), only::serves);
                assertThat(only.registry.get(new VolumeId("pvc-1"))).hasSize(1);
                Thread.sleep(3000); // let the informers sync before the delete they must see
                cluster.client.storage().v1().volumeAttachments().withName(va.getMetadata().getName()).delete();
                Eventually.await("the VA delete clears the attachment long before the hourly pass", Duration.ofSeconds(60),
                        () -> only.registry.get(new VolumeId("pvc-1")).isEmpty());
                assertThat(cluster.annotation("pvc-1")).isNull();
            }
        }
    }
}

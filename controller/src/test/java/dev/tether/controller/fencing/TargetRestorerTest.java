package dev.tether.controller.fencing;

import static dev.tether.controller.fencing.PublishRig.mount;
import static dev.tether.controller.fencing.PublishRig.node;
import static dev.tether.controller.fencing.PublishServiceTest.fails;
import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage box reboots under published volumes: the restorer re-exports them and re-grants exactly their nodes. */
class TargetRestorerTest {
    static final Csi.VolumeCapability RWO = mount(Mode.SINGLE_NODE_WRITER);
    static final String A = node("node-a");
    static final String B = node("node-b");

    @TempDir
    Path dir;
    final FlakyStore store = new FlakyStore();
    // Revoked hosts stay fenced for an hour (as nvmet's queued-I/O horizon would), far beyond any test.
    final FakeBackend fake = new FakeBackend(FakeBackend.DEFAULT_CAPACITY_BYTES, Clock.systemUTC(), Duration.ofHours(1));
    PublishRig rig;
    TargetRestorer restorer;

    @BeforeEach
    void start() throws Exception {
        rig = new PublishRig(dir, store, NodeDirectory.ANY, HandoffProbe.NONE, FencingSettings.DEFAULTS, fake);
        restorer = new TargetRestorer(rig.backend, rig.registry, rig.locks, rig.serving, rig.events, rig.meters);
    }

    @AfterEach
    void close() throws Exception {
        rig.close();
    }

    Set<Nqn> granted(String volume) {
        return fake.grantedHosts(new VolumeId(volume));
    }

    static Nqn nqn(String nodeId) {
        return NodeId.parse(nodeId).hostNqn();
    }

    double reexports(String result) {
        return Optional.ofNullable(rig.meters.find("tether_backend_reexports_total").tag("result", result).counter())
                .map(c -> c.count()).orElse(0.0);
    }

    @Test
    void aRebootedTargetGetsItsVolumesReexportedAndOnlyTheirAttachedNodesRegranted() {
        String published = rig.createVolume("pvc-1", RWO);
        String idle = rig.createVolume("pvc-2", RWO);
        rig.publish(published, A, RWO);
        fake.rebootTarget();
        assertThat(granted(published)).isEmpty();
        assertThat(fake.health(new VolumeId(published)).abnormal()).isTrue();
        fails(Status.Code.UNAVAILABLE, () -> rig.publish(idle, B, RWO));

        TargetRestorer.Pass pass = restorer.runOnce();

        assertThat(pass).isEqualTo(new TargetRestorer.Pass(true, 2, 0, 1));
        assertThat(fake.exported(new VolumeId(published))).isTrue();
        assertThat(fake.exported(new VolumeId(idle))).isTrue();
        assertThat(granted(published)).containsExactly(nqn(A));
        assertThat(granted(idle)).as("an unpublished volume is re-exported without grants").isEmpty();
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORTED)).extracting(RecordingEvents.Event::message)
                .anySatisfy(m -> assertThat(m).contains(published).contains("re-granted node(s) node-a"))
                .anySatisfy(m -> assertThat(m).contains(idle).contains("no node is attached"))
                .hasSize(2);
        assertThat(reexports("restored")).isEqualTo(2);
        assertThat(rig.publish(published, A, RWO).getPublishContextMap()).as("the publish is still the same")
                .containsEntry(PublishService.HOST_NQN, nqn(A).value());
        assertThat(rig.publish(idle, B, RWO)).isNotNull();

        assertThat(restorer.runOnce()).as("nothing left to do").isEqualTo(new TargetRestorer.Pass(true, 0, 0, 0));
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORTED)).hasSize(2);
    }

    @Test
    void aFencedHostIsNotRegrantedAndTheFailureIsReportedOnce() {
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, B, RWO);
        store.failNext.set(1);
        // The revoke fenced B at the target, but recording the detach failed: the attachment is still on record.
        fails(Status.Code.UNAVAILABLE, () -> rig.unpublish(v, B));
        assertThat(rig.registry.get(new VolumeId(v))).extracting(a -> a.node().value()).containsExactly(B);
        fake.rebootTarget();

        TargetRestorer.Pass pass = restorer.runOnce();

        assertThat(pass).isEqualTo(new TargetRestorer.Pass(true, 1, 0, 0));
        assertThat(fake.exported(new VolumeId(v))).isTrue();
        assertThat(granted(v)).as("a fenced host stays out").isEmpty();
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORT_FAILED)).singleElement().satisfies(e -> {
            assertThat(e.warning()).isTrue();
            assertThat(e.message()).contains("node-b").contains("was cut from volume");
        });
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORTED)).isEmpty();
        assertThat(reexports("regrant_failed")).isEqualTo(1);

        restorer.runOnce();
        assertThat(granted(v)).isEmpty();
        assertThat(reexports("regrant_failed")).as("retried every pass").isEqualTo(2);
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORT_FAILED)).as("one warning per problem").hasSize(1);
    }

    @Test
    void aVolumeAnRpcIsWorkingOnIsReexportedButRegrantedOnlyOnTheNextPass() {
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        fake.rebootTarget();

        try (VolumeLocks.Held busy = rig.locks.tryAcquire(new VolumeId(v)).orElseThrow()) {
            assertThat(restorer.runOnce()).isEqualTo(new TargetRestorer.Pass(true, 1, 0, 0));
            assertThat(granted(v)).isEmpty();
        }
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORTED)).isEmpty();

        assertThat(restorer.runOnce()).isEqualTo(new TargetRestorer.Pass(true, 0, 0, 1));
        assertThat(granted(v)).containsExactly(nqn(A));
        assertThat(rig.events.withReason(TargetRestorer.VOLUME_REEXPORTED)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("node-a"));
    }

    @Test
    void aStandbyDoesNothing() {
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        fake.rebootTarget();
        rig.serving.notServing("standby: another replica leads");

        assertThat(restorer.runOnce().ran()).isFalse();
        assertThat(fake.exported(new VolumeId(v))).isFalse();
        assertThat(granted(v)).isEmpty();
        assertThat(rig.events.events).noneMatch(e -> e.reason().startsWith("VolumeReexport"));

        rig.serving.serve();
        restorer.runOnce();
        assertThat(granted(v)).containsExactly(nqn(A));
    }

    @Test
    void aReplicaThatStopsServingDuringAPassGrantsNothing() {
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        fake.rebootTarget();
        AtomicInteger checks = new AtomicInteger();
        ServingGate losesTheLease = () -> checks.getAndIncrement() == 0 ? Optional.empty() : Optional.of("lost the lease");
        TargetRestorer former = new TargetRestorer(rig.backend, rig.registry, rig.locks, losesTheLease, rig.events, rig.meters);

        assertThat(former.runOnce()).isEqualTo(new TargetRestorer.Pass(true, 1, 0, 0));

        assertThat(fake.exported(new VolumeId(v))).as("re-exporting is harmless").isTrue();
        assertThat(granted(v)).as("granting is the leader's").isEmpty();
        assertThat(checks.get()).isEqualTo(2);
    }
}

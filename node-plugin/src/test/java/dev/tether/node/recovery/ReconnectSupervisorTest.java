package dev.tether.node.recovery;

import static csi.v1.Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER;
import static dev.tether.node.NodeHarness.NQN;
import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.NodeHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor against the fake kernel: path down and back, controller deleted, device renamed, target away. */
class ReconnectSupervisorTest {
    static final Csi.VolumeCapability EXT4 = NodeHarness.mount("ext4", SINGLE_NODE_WRITER);
    static final Csi.VolumeCapability BLOCK = NodeHarness.block(SINGLE_NODE_WRITER);

    @TempDir
    Path root;
    NodeHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new NodeHarness(root);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    Csi.VolumeCondition condition(String volume, String path) {
        return h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder().setVolumeId(volume).setVolumePath(path).build())
                .getVolumeCondition();
    }

    double gauge(String state) {
        return h.registry.find("tether_nvme_controller_state").tag("state", state).gauge().value();
    }

    double reconnects() {
        return h.registry.find("tether_nvme_reconnects").counter().count();
    }

    long nvmeConnects() {
        return h.kernel.ran.stream().filter(a -> a.size() > 1 && a.get(0).equals("nvme") && a.get(1).equals("connect")).count();
    }

    @Test
    void aPathTheKernelIsRetryingIsReportedButLeftToTheKernel() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        String ctrl = h.kernel.controllersOf(NQN).getFirst();
        String staging = h.staging("pvc-1").toString();
        h.supervisor.runOnce();
        assertThat(gauge("live")).isEqualTo(1);

        assertThat(h.events.all()).as("a healthy path is not news").isEmpty();

        h.kernel.setState(ctrl, "connecting");
        h.supervisor.runOnce();
        h.kernel.setState(ctrl, "resetting");
        h.supervisor.runOnce();
        assertThat(condition("pvc-1", staging).getAbnormal()).isTrue();
        assertThat(gauge("resetting")).isEqualTo(1);
        assertThat(gauge("live")).isEqualTo(0);
        assertThat(h.events.all()).as("one NvmePathLost for the episode, however many passes see it").singleElement()
                .satisfies(e -> {
                    assertThat(e.warning()).isTrue();
                    assertThat(e.reason()).isEqualTo("NvmePathLost");
                    assertThat(e.message()).contains(ctrl + " is connecting").contains("retries every 2 s")
                            .contains("fails after 5 s (fast_io_fail_tmo)").contains(NodeHarness.ADDR + ":" + NodeHarness.PORT);
                });

        h.kernel.setState(ctrl, "live");
        h.supervisor.runOnce();
        h.supervisor.runOnce();
        assertThat(condition("pvc-1", staging).getAbnormal()).isFalse();
        assertThat(nvmeConnects()).as("the kernel reconnected; Tether did not").isEqualTo(1);
        assertThat(reconnects()).isZero();
        assertThat(h.events.reasons()).containsExactly("NvmePathLost", "NvmeReconnected");
        assertThat(h.events.all().get(1).warning()).isFalse();
        assertThat(h.events.all().get(1).message()).isEqualTo("the NVMe/TCP path to " + NodeHarness.ADDR + ":" + NodeHarness.PORT
                + " is back: /dev/" + h.deviceOf(NQN));

        h.kernel.setState(ctrl, "connecting");
        h.supervisor.runOnce();
        h.kernel.setState(ctrl, "live");
        h.supervisor.runOnce();
        assertThat(h.events.reasons()).as("a second episode is told again")
                .containsExactly("NvmePathLost", "NvmeReconnected", "NvmePathLost", "NvmeReconnected");
    }

    @Test
    void aDeletedControllerIsReconnectedAndTheStagingMountMovesToTheRenamedDevice() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        String before = h.deviceOf(NQN);
        h.supervisor.runOnce();
        h.kernel.deleteController(h.kernel.controllersOf(NQN).getFirst());

        h.supervisor.runOnce();

        String after = h.deviceOf(NQN);
        assertThat(after).isNotEqualTo(before);
        assertThat(h.mounter.mountAt(h.staging("pvc-1")).orElseThrow().source()).isEqualTo(root.resolve("dev/" + after).toString());
        assertThat(h.store.get(new VolumeId("pvc-1")).orElseThrow().device()).isEqualTo(after);
        assertThat(condition("pvc-1", h.staging("pvc-1").toString()).getAbnormal()).isFalse();
        assertThat(reconnects()).isEqualTo(1);
        assertThat(h.kernel.ran).as("the data was kept: no mkfs on the returning device")
                .filteredOn(a -> a.getFirst().startsWith("mkfs")).hasSize(1);
        assertThat(h.events.reasons()).containsExactly("NvmePathLost", "NvmeReconnected");
        assertThat(h.events.all().get(0).message()).contains("is gone").contains("ctrl_loss_tmo 600 s expired");
        assertThat(h.events.all().get(1).message()).endsWith("is back: /dev/" + after + " (it was /dev/" + before
                + "; the staging mount moved to it)");
    }

    @Test
    void podsLeftOnTheDeletedDeviceAreReportedWhileNewPublishesGetTheNewDevice() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", BLOCK));
        Csi.NodePublishVolumeRequest publish = h.publishRequest("pvc-1", "pod-a", BLOCK, false);
        h.node.nodePublishVolume(publish);
        String before = h.deviceOf(NQN);
        h.supervisor.runOnce();
        h.kernel.deleteController(h.kernel.controllersOf(NQN).getFirst());

        h.supervisor.runOnce();

        String device = h.deviceOf(NQN);
        assertThat(device).isNotEqualTo(before);
        assertThat(h.mounter.mountAt(h.staging("pvc-1").resolve("pvc-1")).orElseThrow().root()).isEqualTo("/" + device);
        assertThat(h.mounter.mountAt(Path.of(publish.getTargetPath())).orElseThrow().root())
                .as("the pod's mount is not touched").isEqualTo("/" + before);
        Csi.VolumeCondition c = condition("pvc-1", publish.getTargetPath());
        assertThat(c.getAbnormal()).isTrue();
        assertThat(c.getMessage()).contains("restart the pods").contains(publish.getTargetPath());
        assertThat(h.events.reasons()).containsExactly("NvmePathLost", "NvmeReconnected", "VolumeNeedsPodRestart");
        assertThat(h.events.all().get(2)).satisfies(e -> {
            assertThat(e.warning()).isTrue();
            assertThat(e.message()).isEqualTo(c.getMessage());
        });

        Csi.NodePublishVolumeRequest second = h.publishRequest("pvc-1", "pod-b", BLOCK, false);
        h.node.nodePublishVolume(second);
        assertThat(h.mounter.mountAt(Path.of(second.getTargetPath())).orElseThrow().root()).isEqualTo("/" + device);
        h.supervisor.runOnce();
        assertThat(condition("pvc-1", second.getTargetPath()).getAbnormal()).as("pod-a is still on the old device").isTrue();

        h.node.nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setTargetPath(publish.getTargetPath()).build());
        h.supervisor.runOnce();
        assertThat(condition("pvc-1", second.getTargetPath())).extracting(Csi.VolumeCondition::getAbnormal, Csi.VolumeCondition::getMessage)
                .containsExactly(false, "NVMe/TCP path live");
        assertThat(h.events.reasons()).as("asked once, however long the pods took")
                .containsExactly("NvmePathLost", "NvmeReconnected", "VolumeNeedsPodRestart");
    }

    @Test
    void aRestageOverAStaleStagingMountReplacesIt() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        String before = h.deviceOf(NQN);
        h.kernel.deleteController(h.kernel.controllersOf(NQN).getFirst());
        // kubelet (after its own restart) stages again before the supervisor ran.
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));

        String device = h.deviceOf(NQN);
        assertThat(device).isNotEqualTo(before);
        assertThat(h.mounter.mountAt(h.staging("pvc-1")).orElseThrow().source()).isEqualTo(root.resolve("dev/" + device).toString());
        assertThat(h.kernel.ran).filteredOn(a -> a.getFirst().startsWith("mkfs")).hasSize(1);
    }

    @Test
    void whileTheTargetIsAwayReconnectsBackOffAndTheConditionSaysWhy() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        h.kernel.deleteController(h.kernel.controllersOf(NQN).getFirst());
        h.kernel.unexport(NQN);

        h.supervisor.runOnce();
        assertThat(nvmeConnects()).isEqualTo(2);
        Csi.VolumeCondition c = condition("pvc-1", h.staging("pvc-1").toString());
        assertThat(c.getAbnormal()).isTrue();
        assertThat(c.getMessage()).contains("is gone").contains("attempt 1 failed").contains("next in 2 s")
                .contains("could not add new controller");
        assertThat(gauge("missing")).isEqualTo(1);

        h.supervisor.runOnce();
        assertThat(nvmeConnects()).as("not before the backoff expires").isEqualTo(2);
        h.ticker.advance(Duration.ofSeconds(2));
        h.supervisor.runOnce();
        assertThat(nvmeConnects()).isEqualTo(3);
        assertThat(condition("pvc-1", h.staging("pvc-1").toString()).getMessage()).contains("attempt 2 failed").contains("next in 4 s");

        assertThat(h.events.reasons()).as("failed attempts are in the condition, not more events").containsExactly("NvmePathLost");

        h.kernel.export(NQN, NodeHarness.ADDR, NodeHarness.PORT, NodeHarness.SIZE);
        h.ticker.advance(Duration.ofSeconds(4));
        h.supervisor.runOnce();
        assertThat(condition("pvc-1", h.staging("pvc-1").toString()).getAbnormal()).isFalse();
        assertThat(reconnects()).isEqualTo(1);
        assertThat(h.events.reasons()).containsExactly("NvmePathLost", "NvmeReconnected");
    }

    @Test
    void aFileSystemThatWentReadOnlyOnIoErrorsIsReported() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        h.supervisor.runOnce();
        assertThat(condition("pvc-1", h.staging("pvc-1").toString()).getAbnormal()).isFalse();

        h.mounts.errorRemount(NQN);
        h.supervisor.runOnce();

        h.supervisor.runOnce();

        Csi.VolumeCondition c = condition("pvc-1", h.staging("pvc-1").toString());
        assertThat(c.getAbnormal()).isTrue();
        assertThat(c.getMessage()).contains("went read-only").contains("fast_io_fail_tmo 5 s").contains("delete the pods");
        assertThat(h.events.all()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("VolumeNeedsPodRestart");
            assertThat(e.message()).isEqualTo(c.getMessage());
        });
    }

    @Test
    void backoffGrowsToItsCeilingWithJitter() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 0.0);
        assertThat(List.of(b.delay(1), b.delay(2), b.delay(3), b.delay(10), b.delay(100))).containsExactly(
                Duration.ofMillis(1600), Duration.ofMillis(3200), Duration.ofMillis(6400), Duration.ofSeconds(48), Duration.ofSeconds(48));
        assertThat(new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 1.0).delay(100)).isEqualTo(Duration.ofSeconds(72));
    }

    @Test
    void aVolumeAnRpcIsWorkingOnIsLeftAlone() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        h.kernel.deleteController(h.kernel.controllersOf(NQN).getFirst());
        try (var held = h.locks.acquire("pvc-1", "test")) {
            h.supervisor.runOnce();
        }
        assertThat(h.kernel.controllersOf(NQN)).as("no reconnect under an RPC's feet").isEmpty();
        assertThat(h.health.problem("pvc-1")).as("but looking needs no lock").hasValueSatisfying(
                m -> assertThat(m).contains("is gone").contains("reconnecting"));
        h.supervisor.runOnce();
        assertThat(h.kernel.controllersOf(NQN)).hasSize(1);
        assertThat(h.health.problem("pvc-1")).isEmpty();
        assertThat(h.events.reasons()).containsExactly("NvmePathLost", "NvmeReconnected");
    }

    @Test
    void theEventsKnowTheClaimTheVolumeContextNamed() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4).toBuilder().putVolumeContext("pvcName", "data")
                .putVolumeContext("pvcNamespace", "shop").putVolumeContext("pvName", "pvc-1").build());
        assertThat(h.store.get(new VolumeId("pvc-1")).orElseThrow().claim()).hasValueSatisfying(c -> {
            assertThat(c.toString()).isEqualTo("shop/data");
            assertThat(c.pvName()).contains("pvc-1");
        });
        h.kernel.deleteController(h.kernel.controllersOf(NQN).getFirst());
        h.supervisor.runOnce();
        assertThat(h.events.reasons()).containsExactly("NvmePathLost", "NvmeReconnected");
        assertThat(h.store.get(new VolumeId("pvc-1")).orElseThrow().claim()).as("kept across the repair").isPresent();
    }
}

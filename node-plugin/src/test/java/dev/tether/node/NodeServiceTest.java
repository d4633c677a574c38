package dev.tether.node;

import static csi.v1.Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER;
import static csi.v1.Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY;
import static csi.v1.Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER;
import static dev.tether.node.NodeHarness.NQN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.mount.MountPoint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeServiceTest {
    static final Csi.VolumeCapability EXT4 = NodeHarness.mount("ext4", SINGLE_NODE_WRITER, "noatime");
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

    static void assertCode(ThrowingCallable call, Status.Code code, String... inMessage) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            for (String s : inMessage) {
                assertThat(e.getStatus().getDescription()).contains(s);
            }
        });
    }

    List<String> ranNamed(String program) {
        return h.kernel.ran.stream().filter(a -> a.getFirst().equals(program)).map(a -> String.join(" ", a)).toList();
    }

    @Test
    void aFilesystemVolumeGoesThroughItsWholeLife() throws Exception {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));

        String device = h.deviceOf(NQN);
        Path dev = root.resolve("dev/" + device);
        MountPoint staged = h.mounter.mountAt(h.staging("pvc-1")).orElseThrow();
        assertThat(staged.source()).isEqualTo(dev.toString());
        assertThat(staged.fsType()).isEqualTo("ext4");
        assertThat(ranNamed("mkfs.ext4")).hasSize(1);
        assertThat(h.kernel.ran).contains(List.of("mount", "-t", "ext4", "-o", "noatime", dev.toString(), h.staging("pvc-1").toString()));
        assertThat(root.resolve("var/lib/tether/staged/pvc-1.properties")).content().contains("device=" + device)
                .contains("nqn=" + NQN.replace(":", "\\:"));

        Csi.NodePublishVolumeRequest publish = h.publishRequest("pvc-1", "pod-a", EXT4, true);
        h.node.nodePublishVolume(publish);
        MountPoint bind = h.mounter.mountAt(Path.of(publish.getTargetPath())).orElseThrow();
        assertThat(bind.readOnly()).isTrue();
        assertThat(bind.device()).isEqualTo(staged.device());
        h.node.nodePublishVolume(publish);
        assertCode(() -> h.node.nodePublishVolume(publish.toBuilder().setReadonly(false).build()), Status.Code.ALREADY_EXISTS,
                "readonly=true");

        Csi.NodeUnpublishVolumeRequest unpublish = Csi.NodeUnpublishVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setTargetPath(publish.getTargetPath()).build();
        h.node.nodeUnpublishVolume(unpublish);
        h.node.nodeUnpublishVolume(unpublish);
        assertThat(Path.of(publish.getTargetPath())).doesNotExist();

        Csi.NodeUnstageVolumeRequest unstage = Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(h.staging("pvc-1").toString()).build();
        h.node.nodeUnstageVolume(unstage);
        assertThat(h.mounter.mountAt(h.staging("pvc-1"))).isEmpty();
        assertThat(h.kernel.controllersOf(NQN)).isEmpty();
        assertThat(root.resolve("var/lib/tether/staged/pvc-1.properties")).doesNotExist();
        h.node.nodeUnstageVolume(unstage);
    }

    @Test
    void unstageNeverDeletesAUserFileThatHappensToBeNamedLikeTheVolume() throws Exception {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        Path userFile = h.staging("pvc-1").resolve("pvc-1");
        Files.writeString(userFile, "user data");

        h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(h.staging("pvc-1").toString()).build());

        assertThat(userFile).hasContent("user data");
        assertThat(h.mounter.mountAt(h.staging("pvc-1"))).isEmpty();
    }

    @Test
    void stagingTwiceIsANoOpAndAnExistingFileSystemIsNeverFormattedAgain() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        assertThat(ranNamed("nvme")).hasSize(1);
        assertThat(ranNamed("mkfs.ext4")).hasSize(1);

        h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(h.staging("pvc-1").toString()).build());
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        assertThat(ranNamed("mkfs.ext4")).as("the data from the first stage is kept").hasSize(1);
        assertCode(() -> h.node.nodeStageVolume(h.stageRequest("pvc-1", NodeHarness.mount("ext4", SINGLE_NODE_WRITER))),
                Status.Code.ALREADY_EXISTS, "pvc-1");
    }

    @Test
    void aDeviceWithAnotherFileSystemIsRefusedAndTheFailedStageLeavesNothingBehind() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(h.staging("pvc-1").toString()).build());
        h.mounts.filesystems.put(NQN, "xfs");

        Csi.NodeStageVolumeRequest xfsAsExt4 = h.stageRequest("pvc-1", EXT4);
        assertCode(() -> h.node.nodeStageVolume(xfsAsExt4), Status.Code.FAILED_PRECONDITION, "carries xfs", "not reformatting");

        assertThat(h.kernel.controllersOf(NQN)).as("the connection this stage made is undone").isEmpty();
        assertThat(h.store.get(new VolumeId("pvc-1"))).isEmpty();
        assertThat(h.mounter.mountAt(h.staging("pvc-1"))).isEmpty();
    }

    @Test
    void aBlockVolumeIsBoundFromTheDeviceNodeAndPublishedOnAFile() throws Exception {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", BLOCK));
        String device = h.deviceOf(NQN);
        MountPoint staged = h.mounter.mountAt(h.staging("pvc-1").resolve("pvc-1")).orElseThrow();
        assertThat(staged.root()).isEqualTo("/" + device);
        assertThat(ranNamed("mkfs.ext4")).isEmpty();
        assertThat(ranNamed("blkid")).as("a block volume's content is never probed").isEmpty();

        Csi.NodePublishVolumeRequest publish = h.publishRequest("pvc-1", "pod-a", BLOCK, false);
        h.node.nodePublishVolume(publish);
        Path target = Path.of(publish.getTargetPath());
        assertThat(target).isRegularFile();
        assertThat(h.mounter.mountAt(target).orElseThrow().root()).isEqualTo("/" + device);

        Csi.NodeGetVolumeStatsResponse stats = h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("pvc-1").setVolumePath(target.toString()).build());
        assertThat(stats.getUsageList()).singleElement().satisfies(u -> {
            assertThat(u.getUnit()).isEqualTo(Csi.VolumeUsage.Unit.BYTES);
            assertThat(u.getTotal()).isEqualTo(NodeHarness.SIZE);
        });
        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();

        assertCode(() -> h.node.nodePublishVolume(h.publishRequest("pvc-1", "pod-b", EXT4, false)), Status.Code.INVALID_ARGUMENT,
                "staged as block");
        h.node.nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setTargetPath(target.toString()).build());
        assertThat(target).doesNotExist();
    }

    @Test
    void multiNodeMultiWriterIsForBlockOnly() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", NodeHarness.block(MULTI_NODE_MULTI_WRITER)));
        assertCode(() -> h.node.nodeStageVolume(h.stageRequest("pvc-2", NodeHarness.mount("ext4", MULTI_NODE_MULTI_WRITER))),
                Status.Code.INVALID_ARGUMENT, "MULTI_NODE_MULTI_WRITER", "single-node modes only");
        assertCode(() -> h.node.nodeStageVolume(h.stageRequest("pvc-2", NodeHarness.block(MULTI_NODE_READER_ONLY))),
                Status.Code.INVALID_ARGUMENT, "MULTI_NODE_READER_ONLY");
    }

    @Test
    void malformedRequestsAreInvalidArgumentNamingTheFieldAndTouchNothing() {
        Csi.NodeStageVolumeRequest good = h.stageRequest("pvc-1", EXT4);
        String outside = root.resolve("etc/passwd-dir").toString();
        record Bad(Supplier<Object> call, String field) {
        }
        List<Bad> bad = List.of(
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().clearVolumeId().build()), "volume_id"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().setVolumeId("PVC 1").build()), "volume_id"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().clearStagingTargetPath().build()), "staging_target_path"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().setStagingTargetPath(outside).build()), "outside the kubelet directory"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().setStagingTargetPath(h.kubelet + "/pods/../../../etc").build()), "'..'"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().setStagingTargetPath("relative/path").build()), "not absolute"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().clearVolumeCapability().build()), "volume_capability"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().removeVolumeContext("nqn").build()), "volume_context.nqn"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().putVolumeContext("nqn", "not-an-nqn").build()), "volume_context.nqn"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().putVolumeContext("transportPort", "99999").build()), "volume_context.transportPort '99999'"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().removeVolumeContext("transportAddress").build()), "volume_context.transportAddress"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().putVolumeContext("transport", "fake").build()), "volume_context.transport 'fake'"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().putVolumeContext("ctrlLossTmo", "0").build()), "volume_context.ctrlLossTmo"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().putVolumeContext("fastIoFailTmo", "-1").build()), "volume_context.fastIoFailTmo"),
                new Bad(() -> h.node.nodeStageVolume(good.toBuilder().setVolumeCapability(NodeHarness.mount("xfs", SINGLE_NODE_WRITER)).build()), "disagrees"),
                new Bad(() -> h.node.nodeStageVolume(h.stageRequest("pvc-1", NodeHarness.mount("", SINGLE_NODE_WRITER, "rw,exec"))), "mount_flags"),
                new Bad(() -> h.node.nodePublishVolume(h.publishRequest("pvc-1", "p", EXT4, false).toBuilder().setTargetPath(outside).build()), "target_path"),
                new Bad(() -> h.node.nodePublishVolume(h.publishRequest("pvc-1", "p", EXT4, false).toBuilder().clearStagingTargetPath().build()), "staging_target_path"),
                new Bad(() -> h.node.nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.newBuilder().setVolumeId("pvc-1").setTargetPath("/").build()), "target_path"),
                new Bad(() -> h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1").build()), "staging_target_path"),
                new Bad(() -> h.node.nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder().setVolumeId("pvc-1").build()), "volume_path"),
                new Bad(() -> h.node.nodeExpandVolume(Csi.NodeExpandVolumeRequest.newBuilder().setVolumePath(h.staging("x").toString()).build()), "volume_id"));
        for (Bad b : bad) {
            assertCode(b.call()::get, Status.Code.INVALID_ARGUMENT, b.field());
        }
        assertThat(h.kernel.ran).isEmpty();
        assertThat(h.store.all()).isEmpty();
    }

    @Test
    void aSymlinkOutOfTheKubeletDirIsRefused() throws Exception {
        Path outside = Files.createDirectories(root.resolve("elsewhere"));
        Files.createDirectories(h.kubelet.resolve("pods"));
        Files.createSymbolicLink(h.kubelet.resolve("pods/escape"), outside);
        assertCode(() -> h.node.nodePublishVolume(h.publishRequest("pvc-1", "p", EXT4, false).toBuilder()
                .setTargetPath(h.kubelet.resolve("pods/escape/mount").toString()).build()), Status.Code.INVALID_ARGUMENT, "symlink");
    }

    @Test
    void anOperationWhileAnotherRunsOnTheSameVolumeIsAborted() {
        try (var held = h.locks.acquire("pvc-1", "test")) {
            assertCode(() -> h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4)), Status.Code.ABORTED, "pvc-1");
        }
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
    }

    @Test
    void publishBeforeStageIsFailedPrecondition() {
        assertCode(() -> h.node.nodePublishVolume(h.publishRequest("pvc-1", "p", EXT4, false)), Status.Code.FAILED_PRECONDITION,
                "not staged");
    }

    @Test
    void unstageDisconnectsOnlyWhenNoOtherStagedVolumeUsesTheSubsystem() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", BLOCK));
        h.node.nodeStageVolume(h.stageRequest("pvc-2", BLOCK));
        assertThat(h.kernel.controllersOf(NQN)).hasSize(1);

        h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(h.staging("pvc-1").toString()).build());
        assertThat(h.kernel.controllersOf(NQN)).hasSize(1);
        h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-2")
                .setStagingTargetPath(h.staging("pvc-2").toString()).build());
        assertThat(h.kernel.controllersOf(NQN)).isEmpty();
    }

    @Test
    void aForeignSubsystemIsNeverDisconnected() {
        String foreign = "nqn.2020-01.example:rootdisk";
        h.kernel.export(foreign, NodeHarness.ADDR, NodeHarness.PORT, 1L << 30);
        h.node.nodeStageVolume(h.stageRequest("pvc-1", BLOCK).toBuilder().putVolumeContext("nqn", foreign).build());
        h.node.nodeUnstageVolume(Csi.NodeUnstageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(h.staging("pvc-1").toString()).build());
        assertThat(h.kernel.controllersOf(foreign)).hasSize(1);
        assertThat(h.mounter.mountAt(h.staging("pvc-1").resolve("pvc-1"))).isEmpty();
    }

    @Test
    void statsGiveBytesAndInodesAndTheConditionWhileDegraded() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        Csi.NodePublishVolumeRequest publish = h.publishRequest("pvc-1", "pod-a", EXT4, false);
        h.node.nodePublishVolume(publish);
        Csi.NodeGetVolumeStatsRequest req = Csi.NodeGetVolumeStatsRequest.newBuilder().setVolumeId("pvc-1")
                .setVolumePath(publish.getTargetPath()).build();

        Csi.NodeGetVolumeStatsResponse ok = h.node.nodeGetVolumeStats(req);
        assertThat(ok.getUsageList()).extracting(Csi.VolumeUsage::getUnit)
                .containsExactly(Csi.VolumeUsage.Unit.BYTES, Csi.VolumeUsage.Unit.INODES);
        assertThat(ok.getUsage(0).getTotal()).isEqualTo(262144L * 4096);
        assertThat(ok.getUsage(1).getAvailable()).isEqualTo(65000);
        assertThat(ok.getVolumeCondition().getAbnormal()).isFalse();

        h.kernel.setState(h.kernel.controllersOf(NQN).getFirst(), "connecting");
        h.supervisor.runOnce();
        Csi.NodeGetVolumeStatsResponse down = h.node.nodeGetVolumeStats(req);
        assertThat(down.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(down.getVolumeCondition().getMessage()).contains("is down").contains("connecting").contains("fast_io_fail_tmo");

        assertCode(() -> h.node.nodeGetVolumeStats(req.toBuilder().setVolumeId("pvc-9").build()), Status.Code.NOT_FOUND, "pvc-9");
        assertCode(() -> h.node.nodeGetVolumeStats(req.toBuilder().setVolumePath(h.target("nope", "pvc-1").toString()).build()),
                Status.Code.NOT_FOUND, "does not exist");
    }

    @Test
    void expandRescansAndGrowsTheFileSystemOnline() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        String device = h.deviceOf(NQN);
        h.kernel.resize(NQN, 128L << 20);

        Csi.NodeExpandVolumeResponse r = h.node.nodeExpandVolume(Csi.NodeExpandVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setVolumePath(h.staging("pvc-1").toString())
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(128L << 20)).build());

        assertThat(r.getCapacityBytes()).isEqualTo(128L << 20);
        assertThat(h.kernel.ran).contains(List.of("resize2fs", root.resolve("dev/" + device).toString()));
        assertThat(root.resolve("sys/class/nvme/" + h.kernel.controllersOf(NQN).getFirst() + "/rescan_controller")).content()
                .isEqualTo("1");
    }

    @Test
    void expandThatNeverSeesTheNewSizeIsUnavailable() {
        h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
        assertCode(() -> h.node.nodeExpandVolume(Csi.NodeExpandVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setVolumePath(h.staging("pvc-1").toString())
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1L << 30)).build()),
                Status.Code.UNAVAILABLE, "still " + NodeHarness.SIZE + " bytes");
        assertThat(ranNamed("resize2fs")).isEmpty();
    }

    @Test
    void capabilitiesAreTheOnesServed() {
        assertThat(h.node.nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest.getDefaultInstance()).getCapabilitiesList())
                .extracting(c -> c.getRpc().getType()).containsExactlyInAnyOrder(
                        Csi.NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME, Csi.NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
                        Csi.NodeServiceCapability.RPC.Type.EXPAND_VOLUME, Csi.NodeServiceCapability.RPC.Type.VOLUME_CONDITION,
                        Csi.NodeServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER);
        assertThat(new Nqn(NQN).value()).startsWith("nqn.2026-01.dev.tether:");
    }
}

package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import dev.tether.driver.conformance.IdentityRules;
import dev.tether.driver.conformance.RpcProbe;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import dev.tether.driver.conformance.NodeRules;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.ServedApp;
import dev.tether.driver.testing.CsiClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our CSI conformance suite, node part: the shipped jar without root, checked over its real unix socket. */
class NodeConformanceIT {
    @TempDir
    static Path dir;
    private static ServedApp app;
    private static CsiClient client;

    @BeforeAll
    static void start() throws Exception {
        Path socket = dir.resolve("node.sock");
        app = ServedApp.start(AppProcess.jar("node-plugin", "tether-node.jar"), dir.resolve("node.log"), socket,
                List.of("--metrics-address", "", "--node-name", "conformance-1",
                        "--hostnqn-file", dir.resolve("hostnqn").toString(), "--hostid-file", dir.resolve("hostid").toString(),
                        "--state-dir", dir.resolve("state").toString(), "--kubelet-dir", dir.resolve("kubelet").toString()));
        client = app.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void identityFollowsTheSpec() {
        IdentityRules.check(client.identity(), false);
    }

    @Test
    void withoutTopologyNoSegmentsAreReportedAndNoConstraintIsAdvertised() {
        assertThat(client.node().nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance()).hasAccessibleTopology()).isFalse();
        assertThat(client.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).noneMatch(c -> c.getService().getType()
                        == Csi.PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
    }

    @Test
    void nodeCapabilitiesTellTheTruthAndMalformedRequestsAreRejected() {
        NodeRules.check(client.node());
    }

    /** Requests that look complete but must still be refused before the plugin touches the host. */
    @Test
    void pathsOutsideTheKubeletDirAndBrokenVolumeContextsAreRefusedNamingTheField() {
        String kubelet = dir.resolve("kubelet").toString();
        Csi.VolumeCapability cap = Csi.VolumeCapability.newBuilder()
                .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                        .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)).build();
        Csi.NodeStageVolumeRequest stage = Csi.NodeStageVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(kubelet + "/plugins/tether/pvc-1/globalmount").setVolumeCapability(cap)
                .putVolumeContext("nqn", "nqn.2026-01.dev.tether:pvc-1").putVolumeContext("transportAddress", "192.0.2.10")
                .putVolumeContext("transportPort", "4421").build();
        Csi.NodePublishVolumeRequest publish = Csi.NodePublishVolumeRequest.newBuilder().setVolumeId("pvc-1")
                .setStagingTargetPath(kubelet + "/plugins/tether/pvc-1/globalmount")
                .setTargetPath(kubelet + "/pods/p/volumes/pvc-1/mount").setVolumeCapability(cap).build();
        Map<String, Supplier<?>> refused = new LinkedHashMap<>();
        refused.put("staging_target_path", () -> client.node().nodeStageVolume(
                stage.toBuilder().setStagingTargetPath("/etc/tether-conformance").build()));
        refused.put("'..'", () -> client.node().nodeStageVolume(
                stage.toBuilder().setStagingTargetPath(kubelet + "/../../etc").build()));
        refused.put("volume_context.transportPort", () -> client.node().nodeStageVolume(
                stage.toBuilder().putVolumeContext("transportPort", "0").build()));
        refused.put("volume_context.nqn", () -> client.node().nodeStageVolume(stage.toBuilder().removeVolumeContext("nqn").build()));
        refused.put("target_path", () -> client.node().nodePublishVolume(publish.toBuilder().setTargetPath("/tmp/x").build()));
        refused.put("access_mode", () -> client.node().nodePublishVolume(publish.toBuilder().setVolumeCapability(
                cap.toBuilder().setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                        .setMode(Csi.VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER))).build()));
        refused.forEach((field, call) -> {
            Status status = RpcProbe.statusOf(call);
            assertThat(status.getCode()).as(field).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).as(field).contains(field);
        });
        assertThat(RpcProbe.codeOf(() -> client.node().nodePublishVolume(publish)))
                .as("publish of a volume that was never staged").isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(RpcProbe.codeOf(() -> client.node().nodeGetVolumeStats(Csi.NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("pvc-1").setVolumePath(kubelet + "/pods/p/volumes/pvc-1/mount").build())))
                .as("stats of an unknown volume").isEqualTo(Status.Code.NOT_FOUND);
        assertThat(RpcProbe.codeOf(() -> client.node().nodeUnpublishVolume(Csi.NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId("pvc-1").setTargetPath(kubelet + "/pods/p/volumes/pvc-1/mount").build())))
                .as("unpublish of something not published is idempotent").isEqualTo(Status.Code.OK);
    }
}

package dev.tether.node.recovery;

import static csi.v1.Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER;
import static dev.tether.node.NodeHarness.NQN;
import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import dev.tether.driver.model.VolumeId;
import dev.tether.node.NodeHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node plugin restart on the same host: records survive, nothing is unmounted or disconnected by the restart. */
class RestartRecoveryTest {
    static final Csi.VolumeCapability EXT4 = NodeHarness.mount("ext4", SINGLE_NODE_WRITER, "noatime");

    @TempDir
    Path root;

    @Test
    void aRestartReadoptsLiveVolumesReconnectsLostOnesAndDropsOnlyRecordsKubeletUnstaged() throws Exception {
        NodeHarness first = new NodeHarness(root);
        first.kernel.export("nqn.2026-01.dev.tether:pvc-2", NodeHarness.ADDR, NodeHarness.PORT, NodeHarness.SIZE);
        first.node.nodeStageVolume(first.stageRequest("pvc-1", EXT4));
        first.node.nodeStageVolume(first.stageRequest("pvc-2", NodeHarness.block(SINGLE_NODE_WRITER)).toBuilder()
                .putVolumeContext("nqn", "nqn.2026-01.dev.tether:pvc-2").build());
        first.kernel.export("nqn.2026-01.dev.tether:pvc-3", NodeHarness.ADDR, NodeHarness.PORT, NodeHarness.SIZE);
        first.node.nodeStageVolume(first.stageRequest("pvc-3", EXT4).toBuilder()
                .putVolumeContext("nqn", "nqn.2026-01.dev.tether:pvc-3").build());
        Csi.NodePublishVolumeRequest publish = first.publishRequest("pvc-1", "pod-a", EXT4, false);
        first.node.nodePublishVolume(publish);
        first.close();

        // While the plugin is down: kubelet's mount of pvc-3 disappears (node-level cleanup), and pvc-2's controller
        // is deleted by ctrl_loss_tmo.
        first.mounts.forget(first.staging("pvc-3"));
        first.kernel.deleteController(first.kernel.controllersOf("nqn.2026-01.dev.tether:pvc-2").getFirst());
        int commandsBefore = first.kernel.ran.size();

        try (NodeHarness second = new NodeHarness(root, first)) {
            assertThat(second.store.all()).hasSize(3);
            int kept = StartupRecovery.run(second.store, second.mounter);

            assertThat(kept).isEqualTo(2);
            assertThat(second.store.get(new VolumeId("pvc-3"))).isEmpty();
            assertThat(second.kernel.controllersOf("nqn.2026-01.dev.tether:pvc-3")).as("a dropped record disconnects nothing")
                    .hasSize(1);
            assertThat(second.kernel.ran.subList(commandsBefore, second.kernel.ran.size())).as("start-up only reads").isEmpty();

            second.supervisor.runOnce();

            List<List<String>> after = second.kernel.ran.subList(commandsBefore, second.kernel.ran.size());
            assertThat(after).noneMatch(a -> a.getFirst().equals("umount") && a.get(1).equals(second.staging("pvc-1").toString()));
            assertThat(after).noneMatch(a -> a.size() > 1 && a.get(1).equals("disconnect"));
            assertThat(after).filteredOn(a -> a.size() > 1 && a.get(1).equals("connect")).singleElement()
                    .satisfies(a -> assertThat(a).contains("nqn.2026-01.dev.tether:pvc-2"));
            assertThat(second.mounter.mountAt(Path.of(publish.getTargetPath()))).as("the pod's mount is untouched").isPresent();
            assertThat(second.health.problem("pvc-1")).isEmpty();
            assertThat(second.health.problem("pvc-2")).isEmpty();
            assertThat(second.mounter.mountAt(second.staging("pvc-2").resolve("pvc-2")).orElseThrow().root())
                    .isEqualTo("/" + second.deviceOf("nqn.2026-01.dev.tether:pvc-2"));
        }
    }

    @Test
    void recordsAreWholeFilesWrittenByRename() throws Exception {
        try (NodeHarness h = new NodeHarness(root)) {
            h.node.nodeStageVolume(h.stageRequest("pvc-1", EXT4));
            Path dir = root.resolve("var/lib/tether/staged");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("pvc-1.properties");
            }
            assertThat(dir.resolve("pvc-1.properties")).content().contains("mountFlags=noatime").contains("fastIoFailTmo=5")
                    .contains("mode=mount").contains("address=192.0.2.10");
            assertThat(h.kernel.controllersOf(NQN)).hasSize(1);
        }
    }
}

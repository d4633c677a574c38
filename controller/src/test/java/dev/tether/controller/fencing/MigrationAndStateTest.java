package dev.tether.controller.fencing;

import static dev.tether.controller.fencing.PublishRig.block;
import static dev.tether.controller.fencing.PublishRig.mount;
import static dev.tether.controller.fencing.PublishRig.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration window watch and the standalone state file. */
class MigrationAndStateTest {
    @TempDir
    Path dir;

    @Test
    void aDualAttachOutlivingTheWindowIsWarnedOnceAndNeverDetached() throws Exception {
        try (PublishRig rig = new PublishRig(dir)) {
            MigrationWatch watch = new MigrationWatch(rig.registry, rig.events, new MicrometerFencingMetrics(rig.meters, rig.registry),
                    rig.clock, Duration.ofMinutes(5));
            String v = rig.createVolume("vm-disk", block(Mode.MULTI_NODE_MULTI_WRITER));
            rig.publish(v, node("node-a"), block(Mode.MULTI_NODE_MULTI_WRITER));
            rig.clock.advance(Duration.ofMinutes(10));
            assertThat(watch.check()).as("one node is no migration").isZero();
            rig.publish(v, node("node-b"), block(Mode.MULTI_NODE_MULTI_WRITER));
            rig.clock.advance(Duration.ofMinutes(4));
            assertThat(watch.check()).isZero();
            rig.clock.advance(Duration.ofMinutes(2));
            assertThat(watch.check()).isEqualTo(1);
            assertThat(watch.check()).as("warned once").isZero();
            assertThat(rig.events.withReason(FencingEvents.MIGRATION_WINDOW_EXCEEDED)).singleElement()
                    .satisfies(e -> assertThat(e.warning()).isTrue())
                    .satisfies(e -> assertThat(e.message()).contains("node-a", "node-b"));
            assertThat(rig.meters.get("tether_migration_window_exceeded_total").counter().count()).isEqualTo(1.0);
            assertThat(rig.publishedNodes(v)).hasSize(2);
        }
    }

    @Test
    void theStateFileSurvivesARestartAndIsReplacedAtomically() {
        Path file = dir.resolve("state/attachments.json");
        StateFileStore store = new StateFileStore(file);
        Attachment a = new Attachment(NodeId.parse(node("node-a")), new AccessSpec(Mode.SINGLE_NODE_WRITER, false, false),
                Map.of("hostNqn", "nqn.2014-08.org.nvmexpress:uuid:node-a"), Instant.parse("2026-12-01T10:00:00Z"));
        store.save(new VolumeId("pvc-1"), List.of(a));
        store.save(new VolumeId("pvc-2"), List.of(a));
        store.save(new VolumeId("pvc-2"), List.of());
        assertThat(new StateFileStore(file).load()).containsExactly(Map.entry(new VolumeId("pvc-1"), List.of(a)));
        assertThat(dir.resolve("state")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void anUnreadableStateFileStopsTheStartInsteadOfForgettingAttachments() throws Exception {
        Path file = dir.resolve("attachments.json");
        Files.writeString(file, "{\"volumes\": {\"pvc-1\": [{\"node\": \"broken\"");
        assertThatThrownBy(() -> new StateFileStore(file).load()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aStandaloneRestartWithAStateFileStillFences() throws Exception {
        Path file = dir.resolve("attachments.json");
        String v;
        try (PublishRig first = new PublishRig(dir.resolve("one"), new StateFileStore(file), NodeDirectory.ANY, HandoffProbe.NONE,
                FencingSettings.DEFAULTS)) {
            v = first.createVolume("pvc-1", mount(Mode.SINGLE_NODE_WRITER));
            first.publish(v, node("node-a"), mount(Mode.SINGLE_NODE_WRITER));
        }
        StateFileStore reopened = new StateFileStore(file);
        try (PublishRig second = new PublishRig(dir.resolve("two"), reopened, NodeDirectory.ANY, HandoffProbe.NONE,
                FencingSettings.DEFAULTS)) {
            second.backend.fake.add(new dev.tether.controller.backend.BackendVolume(new VolumeId(v), "pvc-1", 1 << 20, Map.of(),
                    Map.of(), dev.tether.controller.backend.VolumeSource.NONE));
            reopened.load().forEach(second.registry::put);
            PublishServiceTest.fails(io.grpc.Status.Code.FAILED_PRECONDITION,
                    () -> second.publish(v, node("node-b"), mount(Mode.SINGLE_NODE_WRITER)));
            second.unpublish(v, node("node-a"));
        }
        assertThat(new StateFileStore(file).load()).isEmpty();
    }
}

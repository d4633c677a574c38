package dev.tether.controller.fencing;

import static dev.tether.controller.fencing.PublishRig.block;
import static dev.tether.controller.fencing.PublishRig.mount;
import static dev.tether.controller.fencing.PublishRig.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every row of the DESIGN.md §4 code table, plus rollback, grace and migration, over a real unix socket. */
class PublishServiceTest {
    static final Csi.VolumeCapability RWO = mount(Mode.SINGLE_NODE_WRITER);
    static final Csi.VolumeCapability MIGRATABLE = block(Mode.MULTI_NODE_MULTI_WRITER);
    static final String A = node("node-a");
    static final String B = node("node-b");
    static final String C = node("node-c");

    @TempDir
    Path dir;
    PublishRig rig;
    final FlakyStore store = new FlakyStore();

    PublishRig rig(NodeDirectory nodes, HandoffProbe handoff, FencingSettings settings) throws Exception {
        rig = new PublishRig(dir, store, nodes, handoff, settings);
        return rig;
    }

    PublishRig rig() throws Exception {
        return rig(NodeDirectory.ANY, HandoffProbe.NONE, FencingSettings.DEFAULTS);
    }

    @AfterEach
    void close() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    static StatusRuntimeException fails(Status.Code code, Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("expected " + code).isNotNull();
        assertThat(e.getStatus().getCode()).as(e.getStatus().getDescription()).isEqualTo(code);
        return e;
    }

    Set<dev.tether.driver.model.Nqn> granted(String volume) {
        return rig.backend.fake.grantedHosts(new VolumeId(volume));
    }

    @Test
    void advertisesPublishAndReadonly() throws Exception {
        rig();
        assertThat(rig.controller().controllerGetCapabilities(Csi.ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).extracting(c -> c.getRpc().getType())
                .contains(Csi.ControllerServiceCapability.RPC.Type.PUBLISH_UNPUBLISH_VOLUME,
                        Csi.ControllerServiceCapability.RPC.Type.PUBLISH_READONLY,
                        Csi.ControllerServiceCapability.RPC.Type.LIST_VOLUMES_PUBLISHED_NODES);
    }

    @Test
    void sameNodeCompatiblePublishIsIdempotentWithTheSameContextAndGrantsTheHostNqn() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        Csi.ControllerPublishVolumeResponse first = rig.publish(v, A, RWO);
        assertThat(first.getPublishContextMap()).containsEntry(PublishService.HOST_NQN, NodeId.parse(A).hostNqn().value());
        assertThat(rig.publish(v, A, RWO)).isEqualTo(first);
        assertThat(granted(v)).containsExactly(NodeId.parse(A).hostNqn());
        assertThat(rig.publishedNodes(v)).containsExactly(A);
        assertThat(store.saved.get(new VolumeId(v))).extracting(a -> a.node().value()).containsExactly(A);
        assertThat(rig.events.withReason(FencingEvents.VOLUME_ATTACHED)).hasSize(1);
    }

    @Test
    void sameNodeWithAnotherCapabilityOrReadonlyFlagIsAlreadyExists() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        assertThat(fails(Status.Code.ALREADY_EXISTS, () -> rig.publish(v, A, mount(Mode.SINGLE_NODE_READER_ONLY)))
                .getMessage()).contains("SINGLE_NODE_WRITER");
        fails(Status.Code.ALREADY_EXISTS, () -> rig.publish(v, A, RWO, true));
        assertThat(rig.publishedNodes(v)).containsExactly(A);
    }

    @Test
    void singleNodeVolumeOnAnotherNodeIsFailedPreconditionNamingItWithAConflictEvent() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        StatusRuntimeException e = fails(Status.Code.FAILED_PRECONDITION, () -> rig.publish(v, B, RWO));
        assertThat(e.getStatus().getDescription()).contains("node-a").contains("node-b");
        assertThat(granted(v)).containsExactly(NodeId.parse(A).hostNqn());
        assertThat(rig.publishedNodes(v)).containsExactly(A);
        RecordingEvents.Event conflict = rig.events.withReason(FencingEvents.ATTACHMENT_CONFLICT).getFirst();
        assertThat(conflict.warning()).isTrue();
        assertThat(conflict.message()).contains("node-a", "node-b", VolumeAttachmentNames.of(new VolumeId(v), "node-a"),
                "out-of-service");
        assertThat(rig.meters.get("tether_attachment_conflicts_total").counter().count()).isEqualTo(1.0);
    }

    @Test
    void unknownVolumeOrNodeIsNotFoundAndAnApiErrorIsUnavailable() throws Exception {
        rig(name -> switch (name) {
            case "gone" -> false;
            case "flaky" -> throw new UnavailableException("injected: cannot GET node flaky");
            default -> true;
        }, HandoffProbe.NONE, FencingSettings.DEFAULTS);
        String v = rig.createVolume("pvc-1", RWO);
        assertThat(fails(Status.Code.NOT_FOUND, () -> rig.publish("pvc-missing", A, RWO)).getMessage()).contains("pvc-missing");
        fails(Status.Code.NOT_FOUND, () -> rig.publish("Not A Volume Id!", A, RWO));
        assertThat(fails(Status.Code.NOT_FOUND, () -> rig.publish(v, node("gone"), RWO)).getMessage()).contains("gone");
        fails(Status.Code.NOT_FOUND, () -> rig.publish(v, "no-nqn-here", RWO));
        fails(Status.Code.UNAVAILABLE, () -> rig.publish(v, node("flaky"), RWO));
        assertThat(rig.publishedNodes(v)).isEmpty();
        assertThat(granted(v)).isEmpty();
    }

    @Test
    void nodeAtItsLimitIsResourceExhaustedAndUnpublishFreesASlot() throws Exception {
        rig(NodeDirectory.ANY, HandoffProbe.NONE, new FencingSettings(2, Duration.ofSeconds(10), Duration.ofMinutes(5)));
        String v1 = rig.createVolume("pvc-1", RWO);
        String v2 = rig.createVolume("pvc-2", RWO);
        String v3 = rig.createVolume("pvc-3", RWO);
        rig.publish(v1, A, RWO);
        rig.publish(v2, A, RWO);
        assertThat(fails(Status.Code.RESOURCE_EXHAUSTED, () -> rig.publish(v3, A, RWO)).getMessage()).contains("node-a", "2");
        rig.publish(v1, A, RWO); // an existing attachment is not a new one
        rig.publish(v3, B, RWO);
        rig.unpublish(v1, A);
        rig.unpublish(v3, B);
        rig.clock.advance(Duration.ofSeconds(11));
        rig.publish(v3, A, RWO);
        assertThat(rig.publishedNodes(v3)).containsExactly(A);
    }

    @Test
    void anotherOperationOnTheVolumeInFlightIsAborted() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        try (VolumeLocks.Held held = rig.locks.acquire(new VolumeId(v))) {
            fails(Status.Code.ABORTED, () -> rig.publish(v, A, RWO));
            fails(Status.Code.ABORTED, () -> rig.unpublish(v, A));
        }
        rig.publish(v, A, RWO);
    }

    @Test
    void deleteVolumeAndPublishOfTheSameVolumeExcludeEachOther() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        Csi.DeleteVolumeRequest delete = Csi.DeleteVolumeRequest.newBuilder().setVolumeId(v).build();
        try (VolumeLocks.Held publishing = rig.locks.acquire(new VolumeId(v))) {
            fails(Status.Code.ABORTED, () -> rig.controller().deleteVolume(delete));
        }
        assertThat(rig.backend.get(new VolumeId(v))).as("a publish in progress keeps the volume").isPresent();

        rig.controller().deleteVolume(delete);
        fails(Status.Code.NOT_FOUND, () -> rig.publish(v, A, RWO));
        assertThat(granted(v)).isEmpty();
        assertThat(rig.publish.publishedNodeIds(new VolumeId(v))).isEmpty();
    }

    @Test
    void unpublishIsIdempotentAndAnEmptyNodeIdUnpublishesEverywhere() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", MIGRATABLE);
        rig.unpublish(v, A);
        rig.unpublish("pvc-unknown", A);
        rig.unpublish(v, "malformed");
        rig.publish(v, A, MIGRATABLE);
        rig.publish(v, B, MIGRATABLE);
        assertThat(rig.publishedNodes(v)).containsExactlyInAnyOrder(A, B);
        rig.unpublish(v, "");
        assertThat(rig.publishedNodes(v)).isEmpty();
        assertThat(granted(v)).isEmpty();
        assertThat(store.saved).doesNotContainKey(new VolumeId(v));
        rig.unpublish(v, A);
        assertThat(rig.events.withReason(FencingEvents.VOLUME_DETACHED)).hasSize(2);
    }

    @Test
    void unpublishOfAnUnrecordedNodeStillRevokesItsGrant() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        rig.backend.fake.grantHost(new VolumeId(v), NodeId.parse(A).hostNqn());
        rig.unpublish(v, A);
        assertThat(granted(v)).isEmpty();
    }

    @Test
    void missingFieldsAreInvalidArgumentNamingTheField() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> rig.publish("", A, RWO)).getMessage()).contains("volume_id");
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> rig.publish(v, "", RWO)).getMessage()).contains("node_id");
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> rig.controller().controllerPublishVolume(
                Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(v).setNodeId(A).build())).getMessage())
                .contains("volume_capability");
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> rig.publish(v, A, Csi.VolumeCapability.newBuilder()
                .setMount(Csi.VolumeCapability.MountVolume.getDefaultInstance()).build())).getMessage()).contains("access_mode");
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> rig.unpublish("", A)).getMessage()).contains("volume_id");
        assertThat(fails(Status.Code.INVALID_ARGUMENT, () -> rig.publish(v, A, mount(Mode.MULTI_NODE_MULTI_WRITER)))
                .getMessage()).contains("mount");
    }

    @Test
    void aPersistenceFailureRollsBackAndFailsClosed() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        store.failNext.set(1);
        fails(Status.Code.UNAVAILABLE, () -> rig.publish(v, A, RWO));
        assertThat(rig.publishedNodes(v)).isEmpty();
        assertThat(granted(v)).isEmpty();
        assertThat(rig.registry.countOn(A)).isZero();
        rig.publish(v, B, RWO); // nothing of A's failed attempt fences B out
        store.failNext.set(1);
        fails(Status.Code.UNAVAILABLE, () -> rig.unpublish(v, B));
        assertThat(rig.publishedNodes(v)).as("the record stays until it is persisted as gone").containsExactly(B);
        rig.unpublish(v, B);
        assertThat(rig.publishedNodes(v)).isEmpty();
    }

    @Test
    void aBackendFailurePropagatesItsCodeAndLeavesNoRecord() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        rig.backend.nextGrantFailure.set(new UnavailableException("injected: target unreachable"));
        assertThat(fails(Status.Code.UNAVAILABLE, () -> rig.publish(v, A, RWO)).getMessage()).contains("target unreachable");
        assertThat(rig.publishedNodes(v)).isEmpty();
        assertThat(store.saved).doesNotContainKey(new VolumeId(v));
        rig.publish(v, A, RWO);
        rig.backend.nextRevokeFailure.set(new dev.tether.driver.error.DeadlineExceededException("injected: revoke timed out"));
        fails(Status.Code.DEADLINE_EXCEEDED, () -> rig.unpublish(v, A));
        assertThat(rig.publishedNodes(v)).containsExactly(A);
        assertThat(granted(v)).containsExactly(NodeId.parse(A).hostNqn());
    }

    @Test
    void aHandoffWithinTheDetachGraceIsAbortedButTheSameNodeMayReturn() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        rig.unpublish(v, A);
        assertThat(fails(Status.Code.ABORTED, () -> rig.publish(v, B, RWO)).getMessage()).contains("node-a", "retry");
        rig.publish(v, A, RWO);
        rig.unpublish(v, A);
        rig.clock.advance(Duration.ofSeconds(9));
        fails(Status.Code.ABORTED, () -> rig.publish(v, B, RWO));
        rig.clock.advance(Duration.ofSeconds(2));
        rig.publish(v, B, RWO);
        assertThat(rig.publishedNodes(v)).containsExactly(B);
        assertThat(rig.events.withReason(FencingEvents.ATTACHMENT_CONFLICT)).isEmpty();
    }

    @Test
    void aPublishWhileTheHoldersVolumeAttachmentIsBeingDeletedIsAbortedAndNeverEvictsIt() throws Exception {
        rig(NodeDirectory.ANY, (volume, node) -> node.nodeName().equals("node-a"), FencingSettings.DEFAULTS);
        String v = rig.createVolume("pvc-1", RWO);
        rig.publish(v, A, RWO);
        fails(Status.Code.ABORTED, () -> rig.publish(v, B, RWO));
        assertThat(rig.publishedNodes(v)).containsExactly(A);
        assertThat(granted(v)).containsExactly(NodeId.parse(A).hostNqn());
        assertThat(rig.events.withReason(FencingEvents.ATTACHMENT_CONFLICT)).isEmpty();
    }

    @Test
    void liveMigrationAllowsTwoBlockNodesAndRefusesAThird() throws Exception {
        rig();
        String v = rig.createVolume("vm-disk", MIGRATABLE);
        rig.publish(v, A, MIGRATABLE);
        rig.publish(v, B, MIGRATABLE);
        assertThat(fails(Status.Code.FAILED_PRECONDITION, () -> rig.publish(v, C, MIGRATABLE)).getMessage())
                .contains("node-a", "node-b", "2 nodes");
        assertThat(rig.events.withReason(FencingEvents.MIGRATION_DUAL_ATTACH)).hasSize(1);
        assertThat(rig.meters.get("tether_attachments").tag("mode", "MULTI_NODE_MULTI_WRITER").gauge().value()).isEqualTo(2.0);
        rig.unpublish(v, A);
        rig.publish(v, C, MIGRATABLE); // multi-node handoff needs no grace: both nodes may write by contract
        fails(Status.Code.FAILED_PRECONDITION, () -> rig.publish(v, A, RWO.toBuilder().clearMount()
                .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance()).build()));
    }

    @Test
    void aSingleNodePublishNextToAMigrationAttachmentIsRefused() throws Exception {
        rig();
        String v = rig.createVolume("vm-disk", MIGRATABLE);
        rig.publish(v, A, MIGRATABLE);
        fails(Status.Code.FAILED_PRECONDITION, () -> rig.publish(v, B, block(Mode.SINGLE_NODE_WRITER)));
    }

    @Test
    void aLeaseLostWhileTheRecordWasWrittenGrantsNothing() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        store.afterSave = () -> rig.serving.notServing("standby: lease lost");

        StatusRuntimeException e = fails(Status.Code.UNAVAILABLE, () -> rig.publish(v, A, RWO));

        assertThat(e.getStatus().getDescription()).contains("lost the leader-election lease").contains("not granting");
        assertThat(granted(v)).as("no second writer can appear at the target").isEmpty();
        assertThat(store.saved).as("the record stays: it only fences more").containsKey(new VolumeId(v));
    }

    @Test
    void aReplicaThatIsNotServingAnswersUnavailable() throws Exception {
        rig();
        String v = rig.createVolume("pvc-1", RWO);
        rig.serving.notServing("standby: another replica holds the lease");
        assertThat(fails(Status.Code.UNAVAILABLE, () -> rig.publish(v, A, RWO)).getMessage()).contains("standby");
        fails(Status.Code.UNAVAILABLE, () -> rig.unpublish(v, A));
        assertThat(fails(Status.Code.UNAVAILABLE, () -> rig.createVolume("pvc-2", RWO)).getMessage()).contains("standby");
        fails(Status.Code.UNAVAILABLE, () -> rig.controller().deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId(v).build()));
        assertThat(rig.publishedNodes(v)).as("reads are still served").isEmpty();
        rig.serving.serve();
        rig.publish(v, A, RWO);
    }
}

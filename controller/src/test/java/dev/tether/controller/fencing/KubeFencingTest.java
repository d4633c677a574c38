package dev.tether.controller.fencing;

import static dev.tether.controller.fencing.PublishRig.mount;
import static dev.tether.controller.fencing.PublishRig.node;
import static dev.tether.controller.fencing.PublishServiceTest.fails;
import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.VolumeSource;
import dev.tether.controller.fencing.kube.KubeClusterView;
import dev.tether.controller.fencing.kube.KubeEvents;
import dev.tether.controller.fencing.kube.KubeHandoffProbe;
import dev.tether.controller.fencing.kube.KubeNodeDirectory;
import dev.tether.controller.fencing.kube.KubeRebuild;
import dev.tether.controller.fencing.kube.PvAnnotationStore;
import dev.tether.controller.fencing.kube.PvDirectory;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import dev.tether.driver.testing.Eventually;
import io.fabric8.kubernetes.api.model.Event;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fencing against fabric8's mock API server: persistence in PV annotations, rebuild, reconciler, events. */
class KubeFencingTest {
    static final Csi.VolumeCapability RWO = mount(Mode.SINGLE_NODE_WRITER);
    static final String A = node("node-a");
    static final String B = node("node-b");
    static final VolumeId V = new VolumeId("pvc-1");

    @TempDir
    Path dir;
    MockCluster cluster;
    PvDirectory pvs;
    PvAnnotationStore store;
    PublishRig rig;

    @BeforeEach
    void start() throws Exception {
        cluster = new MockCluster();
        cluster.node("node-a");
        cluster.node("node-b");
        cluster.pv("pvc-1", "pvc-1", "ReadWriteOnce", "Filesystem");
        pvs = new PvDirectory(cluster.client);
        store = new PvAnnotationStore(cluster.client, pvs);
        rig = new PublishRig(dir, store, new KubeNodeDirectory(cluster.client), new KubeHandoffProbe(cluster.client),
                FencingSettings.DEFAULTS);
        rig.backend.fake.add(new BackendVolume(V, "pvc-1", 1 << 20, Map.of(), Map.of(), VolumeSource.NONE));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
        cluster.close();
    }

    List<Attachment> annotated() {
        String text = cluster.annotation("pvc-1");
        return text == null ? List.of() : AttachmentCodec.decode(text);
    }

    @Test
    void publishRecordsTheAttachmentOnThePvBeforeAnsweringAndUnpublishRemovesIt() {
        Csi.ControllerPublishVolumeResponse answer = rig.publish("pvc-1", A, RWO);
        assertThat(annotated()).singleElement().satisfies(a -> {
            assertThat(a.node()).isEqualTo(NodeId.parse(A));
            assertThat(a.access()).isEqualTo(new AccessSpec(Mode.SINGLE_NODE_WRITER, false, false));
            assertThat(a.publishContext()).isEqualTo(answer.getPublishContextMap());
        });
        rig.unpublish("pvc-1", A);
        assertThat(cluster.annotation("pvc-1")).isNull();
    }

    @Test
    void aNodeWithoutANodeObjectIsNotFound() {
        assertThat(fails(Status.Code.NOT_FOUND, () -> rig.publish("pvc-1", node("node-z"), RWO)).getMessage()).contains("node-z");
    }

    @Test
    void anApiFailureOnTheWriteRollsBackAndAnswersUnavailable() {
        cluster.server.expect().patch().withPath("/api/v1/persistentvolumes/pvc-1").andReturn(500, "boom").once();
        fails(Status.Code.UNAVAILABLE, () -> rig.publish("pvc-1", A, RWO));
        assertThat(rig.publishedNodes("pvc-1")).isEmpty();
        assertThat(rig.backend.fake.grantedHosts(V)).isEmpty();
        assertThat(cluster.annotation("pvc-1")).isNull();
        rig.publish("pvc-1", B, RWO);
        assertThat(annotated()).extracting(a -> a.node().nodeName()).containsExactly("node-b");
    }

    @Test
    void aConflictIsRetriedAndEndlessConflictsGiveUpUnavailable() {
        cluster.server.expect().patch().withPath("/api/v1/persistentvolumes/pvc-1").andReturn(409, "conflict").times(2);
        rig.publish("pvc-1", A, RWO);
        assertThat(annotated()).hasSize(1);
        cluster.server.expect().patch().withPath("/api/v1/persistentvolumes/pvc-1").andReturn(409, "conflict")
                .times(PvAnnotationStore.MAX_ATTEMPTS);
        fails(Status.Code.UNAVAILABLE, () -> rig.unpublish("pvc-1", A));
        assertThat(rig.publishedNodes("pvc-1")).containsExactly(A);
        assertThat(annotated()).hasSize(1);
    }

    @Test
    void aStaleResourceVersionIsAConflictNotAnOverwrite() {
        var pv = cluster.client.persistentVolumes().withName("pvc-1").get();
        cluster.client.persistentVolumes().withName("pvc-1").edit(p -> {
            p.getMetadata().setLabels(Map.of("touched", "yes"));
            return p;
        });
        String patch = PvAnnotationStore.patch(pv, "[]").orElseThrow();
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(
                io.fabric8.kubernetes.client.KubernetesClientException.class,
                () -> cluster.client.persistentVolumes().withName("pvc-1").patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON), patch));
        assertThat(error).isNotNull();
        assertThat(error.getCode()).isIn(409, 422);
        assertThat(cluster.annotation("pvc-1")).isNull();
    }

    @Test
    void aRestartRebuildsFromAnnotationsAndVolumeAttachmentsAndStillFences() throws Exception {
        rig.publish("pvc-1", A, RWO);
        cluster.va("pvc-1", V, NodeId.parse(A), true);
        RecordingEvents events = new RecordingEvents();
        Map<VolumeId, List<Attachment>> rebuilt = new KubeRebuild(cluster.client, pvs, rig.backend, store, events, rig.clock).rebuild();
        assertThat(rebuilt.get(V)).extracting(a -> a.node().value()).containsExactly(A);
        assertThat(events.events).isEmpty();
        rig.registry.clear();
        rebuilt.forEach(rig.registry::put);
        fails(Status.Code.FAILED_PRECONDITION, () -> rig.publish("pvc-1", B, RWO));
        assertThat(rig.publish("pvc-1", A, RWO).getPublishContextMap()).containsKey(PublishService.HOST_NQN);
    }

    @Test
    void aVolumeAttachmentWithoutARecordIsRecoveredFromItsMetadata() {
        cluster.va("pvc-1", V, NodeId.parse(B), true);
        RecordingEvents events = new RecordingEvents();
        Map<VolumeId, List<Attachment>> rebuilt = new KubeRebuild(cluster.client, pvs, rig.backend, store, events, rig.clock).rebuild();
        assertThat(rebuilt.get(V)).extracting(a -> a.node().value()).containsExactly(B);
        assertThat(annotated()).extracting(a -> a.node().value()).containsExactly(B);
        assertThat(events.withReason(FencingEvents.ATTACHMENT_REBUILT)).singleElement()
                .satisfies(e -> assertThat(e.message()).contains("node-b", "no recorded attachment"));
    }

    @Test
    void twoWritersAfterARestartAreResolvedTowardTheAttachedVolumeAttachmentAndTheOtherIsRevoked() {
        rig.publish("pvc-1", A, RWO); // recorded on A, granted to A
        rig.backend.fake.grantHost(V, NodeId.parse(B).hostNqn());
        cluster.va("pvc-1", V, NodeId.parse(B), true); // but Kubernetes says B is attached
        RecordingEvents events = new RecordingEvents();
        Map<VolumeId, List<Attachment>> rebuilt = new KubeRebuild(cluster.client, pvs, rig.backend, store, events, rig.clock).rebuild();
        assertThat(rebuilt.get(V)).extracting(a -> a.node().value()).containsExactly(B);
        assertThat(rig.backend.fake.grantedHosts(V)).containsExactly(NodeId.parse(B).hostNqn());
        assertThat(annotated()).extracting(a -> a.node().value()).containsExactly(B);
        assertThat(events.events).anySatisfy(e -> assertThat(e.message()).contains("kept node-b", "revoked node-a"));
    }

    @Test
    void theReconcilerClearsAttachmentsWhoseNodeOrVolumeAttachmentIsGoneAndFailsOpen() {
        cluster.pv("pvc-2", "pvc-2", "ReadWriteOnce", "Filesystem");
        rig.backend.fake.add(new BackendVolume(new VolumeId("pvc-2"), "pvc-2", 1 << 20, Map.of(), Map.of(), VolumeSource.NONE));
        rig.publish("pvc-1", A, RWO);
        rig.publish("pvc-2", B, RWO);
        cluster.va("pvc-1", V, NodeId.parse(A), true);
        cluster.va("pvc-2", new VolumeId("pvc-2"), NodeId.parse(B), true);
        rig.clock.advance(Duration.ofSeconds(1));
        Reconciler reconciler = new Reconciler(new KubeClusterView(cluster.client, pvs), rig.registry, rig.locks, rig.publish,
                rig.events, new MicrometerFencingMetrics(rig.meters, rig.registry), rig.clock);
        assertThat(reconciler.runOnce()).isZero();

        cluster.client.nodes().withName("node-b").delete();
        cluster.client.storage().v1().volumeAttachments().withName(VolumeAttachmentNames.of(V, "node-a")).delete();
        cluster.server.expect().get().withPath("/api/v1/nodes").andReturn(500, "boom").once();
        assertThat(reconciler.runOnce()).as("an API error clears nothing").isZero();
        assertThat(rig.publishedNodes("pvc-1")).containsExactly(A);
        assertThat(rig.publishedNodes("pvc-2")).containsExactly(B);
        assertThat(rig.meters.get("tether_reconciler_runs_total").tag("result", "error").counter().count()).isEqualTo(1.0);

        assertThat(reconciler.runOnce()).isEqualTo(2);
        assertThat(rig.publishedNodes("pvc-1")).isEmpty();
        assertThat(rig.publishedNodes("pvc-2")).isEmpty();
        assertThat(rig.backend.fake.grantedHosts(V)).isEmpty();
        assertThat(cluster.annotation("pvc-1")).isNull();
        assertThat(rig.events.withReason(FencingEvents.STALE_ATTACHMENT_CLEARED)).extracting(RecordingEvents.Event::message)
                .anySatisfy(m -> assertThat(m).contains("node-b no longer exists"))
                .anySatisfy(m -> assertThat(m).contains("no VolumeAttachment"));
        assertThat(rig.meters.get("tether_stale_attachments_cleared_total").counter().count()).isEqualTo(2.0);
    }

    @Test
    void anAttachmentNewerThanThePassIsNotJudgedByIt() {
        Reconciler reconciler = new Reconciler(new KubeClusterView(cluster.client, pvs), rig.registry, rig.locks, rig.publish,
                rig.events, FencingMetrics.NOOP, rig.clock);
        rig.publish("pvc-1", A, RWO); // no VolumeAttachment yet, attached "now" = the pass's start
        assertThat(reconciler.runOnce()).isZero();
        assertThat(rig.publishedNodes("pvc-1")).containsExactly(A);
    }

    @Test
    void aPublishWhileTheHoldersVolumeAttachmentIsBeingDeletedIsAborted() {
        rig.publish("pvc-1", A, RWO);
        var va = cluster.va("pvc-1", V, NodeId.parse(A), true);
        va.getMetadata().setFinalizers(List.of("external-attacher/tether-csi-dev"));
        cluster.client.storage().v1().volumeAttachments().resource(va).update();
        cluster.client.storage().v1().volumeAttachments().withName(va.getMetadata().getName()).delete();
        var after = cluster.client.storage().v1().volumeAttachments().withName(va.getMetadata().getName()).get();
        org.junit.jupiter.api.Assumptions.assumeTrue(after != null && after.getMetadata().getDeletionTimestamp() != null,
                "the mock server keeps objects with finalizers as being deleted");
        fails(Status.Code.ABORTED, () -> rig.publish("pvc-1", B, RWO));
        assertThat(rig.publishedNodes("pvc-1")).containsExactly(A);
    }

    @Test
    void eventsGoToThePvAndItsClaim() throws Exception {
        try (KubeEvents events = new KubeEvents(cluster.client, pvs, rig.clock)) {
            events.post(V, true, FencingEvents.ATTACHMENT_CONFLICT, "volume pvc-1 is attached to node-a; refused node-b");
            events.drain(10_000);
            Eventually.await("events", Duration.ofSeconds(10), () ->
                    !cluster.client.v1().events().inNamespace("apps").list().getItems().isEmpty()
                            && !cluster.client.v1().events().inNamespace("default").list().getItems().isEmpty());
        }
        Event onClaim = cluster.client.v1().events().inNamespace("apps").list().getItems().getFirst();
        assertThat(onClaim.getInvolvedObject().getKind()).isEqualTo("PersistentVolumeClaim");
        assertThat(onClaim.getInvolvedObject().getName()).isEqualTo("data-pvc-1");
        assertThat(onClaim.getType()).isEqualTo("Warning");
        assertThat(onClaim.getReason()).isEqualTo("AttachmentConflict");
        Event onPv = cluster.client.v1().events().inNamespace("default").list().getItems().getFirst();
        assertThat(onPv.getInvolvedObject().getKind()).isEqualTo("PersistentVolume");
        assertThat(onPv.getMessage()).contains("node-a", "node-b");
    }
}

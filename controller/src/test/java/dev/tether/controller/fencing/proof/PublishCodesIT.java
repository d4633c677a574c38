package dev.tether.controller.fencing.proof;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.conformance.RpcProbe;
import dev.tether.driver.kube.ApiCallBudget;
import dev.tether.driver.testing.CsiClient;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each row of the DESIGN.md §4 attach-path table, asked of the shipped controller jar over its real unix socket, with
 * fabric8's mock API behind it (through the fault injector, for the rows about API errors and operations in flight).
 * Every publish is preceded by its VolumeAttachment, as the external-attacher does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublishCodesIT {
    private static final Csi.VolumeCapability RWO = Csi.VolumeCapability.newBuilder()
            .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
            .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();
    /** --max-volumes-per-node is 2, so each test uses nodes of its own. */
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c", "node-d", "node-e", "node-f",
            "node-g", "node-h", "node-i", "node-j");

    private Path dir;
    private MockCluster cluster;
    private ControllerProcess controller;
    private CsiClient client;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("publish-codes");
        cluster = MockCluster.start(1);
        for (int n = 0; n < NODES.size(); n++) {
            cluster.addNode(NODES.get(n), id(NODES.get(n)));
        }
        for (int v = 1; v <= 12; v++) {
            cluster.addPersistentVolume("v" + v, "ReadWriteOnce", false);
        }
        controller = new ControllerProcess(dir.resolve("csi.sock"), Path.of(System.getProperty("basedir", "."), "target",
                "publish-codes"), List.of("--kubeconfig", cluster.writeKubeconfig(dir.resolve("kubeconfig")).toString(),
                        "--backend", "fake", "--leader-election", "false", "--detach-grace", "0s",
                        "--max-volumes-per-node", "2"));
        controller.start();
        controller.awaitReady(Duration.ofMinutes(2));
        client = new CsiClient(controller.endpoint());
        for (int v = 1; v <= 12; v++) {
            client.controller().createVolume(Csi.CreateVolumeRequest.newBuilder().setName("v" + v).addVolumeCapabilities(RWO)
                    .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1 << 20)).build());
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String id(String node) {
        return node + "/nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-" + String.format("%012d", NODES.indexOf(node) + 1);
    }

    private Csi.ControllerPublishVolumeRequest publish(String volume, String node) {
        return Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume).setNodeId(id(node))
                .setVolumeCapability(RWO).build();
    }

    /** As the attacher: the VolumeAttachment first, then ControllerPublish. */
    private Status attach(Csi.ControllerPublishVolumeRequest request) {
        String node = request.getNodeId().substring(0, request.getNodeId().indexOf('/'));
        if (cluster.attachment(request.getVolumeId(), node) == null) {
            cluster.createAttachment(request.getVolumeId(), node);
        }
        return RpcProbe.statusOf(() -> controller().controllerPublishVolume(request));
    }

    private ControllerGrpc.ControllerBlockingStub controller() {
        return client.controller().withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private List<String> publishedNodes(String volume) {
        return controller().controllerGetVolume(Csi.ControllerGetVolumeRequest.newBuilder().setVolumeId(volume).build())
                .getStatus().getPublishedNodeIdsList();
    }

    private Status unpublish(String volume, String nodeId) {
        return RpcProbe.statusOf(() -> controller().controllerUnpublishVolume(Csi.ControllerUnpublishVolumeRequest.newBuilder()
                .setVolumeId(volume).setNodeId(nodeId).build()));
    }

    @Test
    void sameNodeCompatibleIsOkWithTheSamePublishContext() {
        Map<String, String> first = controllerPublish("v1", "node-a");
        Map<String, String> again = controllerPublish("v1", "node-a");
        assertThat(first).isNotEmpty().isEqualTo(again);
        assertThat(publishedNodes("v1")).containsExactly(id("node-a"));
    }

    private Map<String, String> controllerPublish(String volume, String node) {
        assertThat(attach(publish(volume, node)).getCode()).isEqualTo(Status.Code.OK);
        return controller().controllerPublishVolume(publish(volume, node)).getPublishContextMap();
    }

    @Test
    void sameNodeWithAnIncompatibleCapabilityOrReadonlyFlagIsAlreadyExists() {
        assertThat(attach(publish("v2", "node-b")).getCode()).isEqualTo(Status.Code.OK);
        assertThat(attach(publish("v2", "node-b").toBuilder().setReadonly(true).build()).getCode())
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        Csi.VolumeCapability readerOnly = RWO.toBuilder().setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                .setMode(Mode.SINGLE_NODE_READER_ONLY)).build();
        assertThat(attach(publish("v2", "node-b").toBuilder().setVolumeCapability(readerOnly).build()).getCode())
                .isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(publishedNodes("v2")).containsExactly(id("node-b"));
    }

    @Test
    void aSingleNodeVolumeOnAnotherLiveNodeIsFailedPreconditionNamingThatNode() {
        assertThat(attach(publish("v3", "node-c")).getCode()).isEqualTo(Status.Code.OK);
        Status refused = attach(publish("v3", "node-d"));
        assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getDescription()).contains("node-c");
        assertThat(publishedNodes("v3")).containsExactly(id("node-c"));
    }

    @Test
    void aVolumeOrNodeThatDoesNotExistIsNotFound() {
        assertThat(RpcProbe.codeOf(() -> controller().controllerPublishVolume(publish("v-none", "node-a"))))
                .isEqualTo(Status.Code.NOT_FOUND);
        // A well-formed node id whose Node object does not exist.
        assertThat(attach(publish("v4", "node-gone")).getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(publishedNodes("v4")).isEmpty();
    }

    @Test
    void anApiOutageIsUnavailableNeverNotFoundAndLeavesNoRecord() throws Exception {
        cluster.createAttachment("v5", "node-e");
        cluster.faults().outage(Duration.ofMinutes(5));
        try {
            Status answer = RpcProbe.statusOf(() -> controller().controllerPublishVolume(publish("v5", "node-e")));
            assertThat(answer.getCode()).as(answer.toString()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(answer.getDescription()).contains("node-e", "HTTP 503", "injected outage");
        } finally {
            cluster.faults().endOutage();
        }
        assertThat(publishedNodes("v5")).isEmpty();
        assertThat(cluster.client().persistentVolumes().withName(MockCluster.pvName("v5")).get().getMetadata()
                .getAnnotations()).doesNotContainKey("tether.csi.dev/attachments");
        assertThat(attach(publish("v5", "node-e")).getCode()).as("once the API is back").isEqualTo(Status.Code.OK);
        assertThat(publishedNodes("v5")).containsExactly(id("node-e"));
    }

    /**
     * The write under the volume's lock fails: the controller answers UNAVAILABLE naming the API error after the
     * client's one retry (fabric8's default would send the PATCH 11 times over ~19 s while the lock is held), records
     * nothing, and the next publish succeeds once the API takes writes again.
     */
    @Test
    void aRefusedPvWriteIsUnavailableAfterOneRetryAndTheNextPublishSucceeds() {
        java.util.concurrent.atomic.AtomicInteger patches = new java.util.concurrent.atomic.AtomicInteger();
        cluster.faults().refuse(pvPatch("v11", patches));
        Status answer;
        try {
            answer = attach(publish("v11", "node-i"));
        } finally {
            cluster.faults().refuse(r -> false);
        }
        assertThat(answer.getCode()).as(answer.toString()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(answer.getDescription()).contains("v11", "node-i", "PersistentVolume", "HTTP 503", "injected outage");
        assertThat(patches).hasValue(1 + ApiCallBudget.RETRIES);
        assertThat(publishedNodes("v11")).isEmpty();
        assertNotRecorded("v11");
        assertThat(attach(publish("v11", "node-i")).getCode()).as("once the API takes writes again").isEqualTo(Status.Code.OK);
        assertThat(publishedNodes("v11")).containsExactly(id("node-i"));
    }

    /**
     * The API accepts the write and never answers: each try ends at the client's request timeout and the publish
     * answers UNAVAILABLE (csi-attacher would otherwise see its own deadline expire, then ABORTED from the held lock).
     */
    @Test
    void aPvWriteThatNeverAnswersIsUnavailableNotADeadlineAndTheNextPublishSucceeds() {
        java.util.concurrent.atomic.AtomicInteger patches = new java.util.concurrent.atomic.AtomicInteger();
        cluster.faults().stall(pvPatch("v12", patches), Duration.ofMinutes(5));
        Status answer;
        try {
            answer = attach(publish("v12", "node-d"));
        } finally {
            cluster.faults().refuse(r -> false);
        }
        assertThat(answer.getCode()).as(answer.toString()).isEqualTo(Status.Code.UNAVAILABLE);
        // fabric8's message names the operation and object, not the timeout under it (see docs/troubleshoot.md)
        assertThat(answer.getDescription()).contains("v12", "node-d", "PersistentVolume pv-v12", "[patch]", "HttpTimeoutException");
        assertThat(patches).hasValue(1 + ApiCallBudget.RETRIES);
        assertThat(publishedNodes("v12")).isEmpty();
        assertNotRecorded("v12");
        assertThat(attach(publish("v12", "node-d")).getCode()).as("once the API answers again").isEqualTo(Status.Code.OK);
        assertThat(publishedNodes("v12")).containsExactly(id("node-d"));
    }

    /** Matches the PATCHes of one volume's PV, counting them. */
    private static java.util.function.Predicate<io.fabric8.mockwebserver.http.RecordedRequest> pvPatch(String volume,
            java.util.concurrent.atomic.AtomicInteger count) {
        return r -> {
            boolean match = "PATCH".equalsIgnoreCase(r.getMethod())
                    && r.getPath().contains("/persistentvolumes/" + MockCluster.pvName(volume));
            if (match) {
                count.incrementAndGet();
            }
            return match;
        };
    }

    private void assertNotRecorded(String volume) {
        Map<String, String> annotations = cluster.client().persistentVolumes().withName(MockCluster.pvName(volume)).get()
                .getMetadata().getAnnotations();
        assertThat(annotations == null ? Map.<String, String>of() : annotations).doesNotContainKey("tether.csi.dev/attachments");
    }

    @Test
    void aNodeAtItsLimitIsResourceExhaustedUntilASlotIsFreed() {
        assertThat(attach(publish("v6", "node-f")).getCode()).isEqualTo(Status.Code.OK);
        assertThat(attach(publish("v7", "node-f")).getCode()).isEqualTo(Status.Code.OK);
        assertThat(attach(publish("v8", "node-f")).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(unpublish("v6", id("node-f")).getCode()).isEqualTo(Status.Code.OK);
        assertThat(attach(publish("v8", "node-f")).getCode()).isEqualTo(Status.Code.OK);
    }

    @Test
    void anotherOperationOnTheVolumeInFlightIsAborted() throws Exception {
        cluster.createAttachment("v9", "node-g");
        cluster.createAttachment("v9", "node-h");
        // Hold the first publish inside its persistence step: its PV write gets no answer, so it waits out the API
        // client's request timeout and its retry (ApiCallBudget: ~4 s) under the volume's lock, while the second
        // publish arrives.
        java.util.function.Predicate<io.fabric8.mockwebserver.http.RecordedRequest> pvWrite = r ->
                "PATCH".equalsIgnoreCase(r.getMethod()) && r.getPath().contains("/persistentvolumes/" + MockCluster.pvName("v9"));
        CountDownLatch writing = cluster.faults().awaitRequest(pvWrite);
        cluster.faults().stall(pvWrite, Duration.ofMinutes(5));
        CompletableFuture<Status> first = CompletableFuture.supplyAsync(
                () -> RpcProbe.statusOf(() -> controller().controllerPublishVolume(publish("v9", "node-g"))));
        Status second;
        try {
            assertThat(writing.await(60, TimeUnit.SECONDS)).as("the first publish reached its PV write").isTrue();
            second = RpcProbe.statusOf(() -> controller().controllerPublishVolume(publish("v9", "node-h")));
        } finally {
            cluster.faults().refuse(r -> false);
        }
        assertThat(second.getCode()).as(second.toString()).isEqualTo(Status.Code.ABORTED);
        // The first either got through once the API recovered or gave up (UNAVAILABLE); the record matches its answer.
        Status.Code firstCode = first.get(120, TimeUnit.SECONDS).getCode();
        assertThat(firstCode).isIn(Status.Code.OK, Status.Code.UNAVAILABLE);
        assertThat(publishedNodes("v9")).isEqualTo(firstCode == Status.Code.OK ? List.of(id("node-g")) : List.of());
    }

    @Test
    void unpublishIsIdempotentAndAnEmptyNodeIdUnpublishesFromEveryNode() {
        assertThat(unpublish("v10", id("node-i")).getCode()).as("never published").isEqualTo(Status.Code.OK);
        assertThat(unpublish("no-such-volume", id("node-i")).getCode()).as("unknown volume").isEqualTo(Status.Code.OK);
        assertThat(attach(publish("v10", "node-j")).getCode()).isEqualTo(Status.Code.OK);
        assertThat(unpublish("v10", "").getCode()).isEqualTo(Status.Code.OK);
        assertThat(publishedNodes("v10")).isEmpty();
        assertThat(unpublish("v10", "").getCode()).as("again").isEqualTo(Status.Code.OK);
        assertThat(unpublish("v10", id("node-j")).getCode()).as("again, by node").isEqualTo(Status.Code.OK);
    }
}

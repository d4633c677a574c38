package dev.tether.controller.fencing.kube;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.ControllerService;
import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.controller.backend.VolumeSource;
import dev.tether.controller.fencing.AttachmentRegistry;
import dev.tether.controller.fencing.FencingEvents;
import dev.tether.controller.fencing.FencingSettings;
import dev.tether.controller.fencing.MicrometerFencingMetrics;
import dev.tether.controller.fencing.MigrationWatch;
import dev.tether.controller.fencing.PublishService;
import dev.tether.controller.fencing.Reconciler;
import dev.tether.controller.fencing.Serving;
import dev.tether.controller.fencing.VolumeAttachmentNames;
import dev.tether.controller.fencing.VolumeLocks;
import dev.tether.controller.volumes.VolumeService;
import dev.tether.driver.grpc.CsiServer;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.grpc.Interceptors;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import dev.tether.driver.testing.CsiClient;
import dev.tether.driver.testing.Eventually;
import dev.tether.driver.testing.ManualClock;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachment;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A controller replica's cluster fencing as ControllerMain wires it (informers, reconciler, publish over a real unix
 * socket), against fabric8's mock API server in CRUD mode, on a hand-moved clock. The periodic pass is hourly, so
 * every pass a test sees comes from a trigger.
 */
final class TriggerRig implements AutoCloseable {
    static final Duration THRESHOLD = Duration.ofMinutes(5);
    static final Duration TICK = Duration.ofMillis(20);
    static final Csi.VolumeCapability RWO = Csi.VolumeCapability.newBuilder()
            .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
            .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();

    final KubernetesMockServer api;
    final KubernetesClient client;
    final ManualClock clock = new ManualClock();
    final FakeBackend backend = new FakeBackend();
    final AttachmentRegistry registry = new AttachmentRegistry();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<String> cleared = new CopyOnWriteArrayList<>();
    final Serving serving = new Serving("not started");
    final ClusterFencing fencing;
    final CsiServer server;
    final CsiClient csi;

    TriggerRig(Path dir, String... nodes) throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        api = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        api.init();
        try (KubernetesClient base = api.createClient()) {
            client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration())
                    .withRequestRetryBackoffLimit(0).build()).build();
        }
        for (String node : nodes) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata()
                    .withNewStatus().addToConditions(ready(true)).endStatus().build()).create();
        }
        FencingEvents events = (volume, warning, reason, message) -> {
            if (reason.equals(FencingEvents.STALE_ATTACHMENT_CLEARED)) {
                cleared.add(message);
            }
        };
        PvDirectory pvs = new PvDirectory(client);
        PvAnnotationStore store = new PvAnnotationStore(client, pvs);
        VolumeLocks locks = new VolumeLocks();
        MicrometerFencingMetrics metrics = new MicrometerFencingMetrics(meters, registry);
        PublishService publish = new PublishService(backend, registry, locks, store, new KubeNodeDirectory(client),
                new KubeHandoffProbe(client), events, metrics, serving, FencingSettings.DEFAULTS, clock);
        fencing = new ClusterFencing(client, new KubeRebuild(client, pvs, backend, store, events, clock),
                new Reconciler(new KubeClusterView(client, pvs), registry, locks, publish, events, metrics, clock),
                new MigrationWatch(registry, events, metrics, clock, FencingSettings.DEFAULTS.migrationWindow()),
                registry, serving, Duration.ofHours(1), THRESHOLD, clock, TICK);
        Endpoint endpoint = new Endpoint.Unix(dir.resolve("controller.sock"));
        server = CsiServer.start(endpoint, List.of(new ControllerService(new VolumeService(backend, publish, meters), publish, serving)),
                Interceptors.standard(meters));
        csi = new CsiClient(endpoint);
    }

    /** Starts fencing and returns once it serves and its takeover pass has run. */
    void start() throws InterruptedException {
        fencing.startAlone();
        Eventually.await("serving and the takeover pass", Duration.ofSeconds(60), () -> serving.notServing().isEmpty() && passes() == 1);
    }

    static NodeCondition ready(boolean ready) {
        return new NodeConditionBuilder().withType("Ready").withStatus(ready ? "True" : "Unknown")
                .withReason(ready ? "KubeletReady" : "NodeStatusUnknown")
                .withLastTransitionTime("2026-01-01T00:00:00Z").build();
    }

    /** A single-node volume with its PV and backend volume. */
    void volume(String name) {
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addToAccessModes("ReadWriteOnce").withVolumeMode("Filesystem")
                .addToCapacity("storage", new Quantity("1Mi"))
                .withNewClaimRef().withNamespace("apps").withName("data-" + name).withUid("uid-" + name).endClaimRef()
                .withNewCsi().withDriver(VolumeAttachmentNames.DRIVER).withVolumeHandle(name).endCsi()
                .endSpec().build()).create();
        backend.add(new BackendVolume(new VolumeId(name), name, 1 << 20, Map.of(), Map.of(), VolumeSource.NONE));
    }

    static String nodeId(String node) {
        return node + "/nqn.2014-08.org.nvmexpress:uuid:" + node;
    }

    /** The attacher's view: the VolumeAttachment exists and is attached. */
    VolumeAttachment attached(String volume, String node) {
        VolumeAttachment va = client.storage().v1().volumeAttachments().resource(new VolumeAttachmentBuilder()
                .withNewMetadata().withName(VolumeAttachmentNames.of(new VolumeId(volume), node)).endMetadata()
                .withNewSpec().withAttacher(VolumeAttachmentNames.DRIVER).withNodeName(node)
                .withNewSource().withPersistentVolumeName(volume).endSource().endSpec().build()).create();
        va.setStatus(new VolumeAttachmentStatusBuilder().withAttached(true)
                .withAttachmentMetadata(Map.of(PublishService.HOST_NQN, NodeId.parse(nodeId(node)).hostNqn().value())).build());
        return client.storage().v1().volumeAttachments().resource(va).updateStatus();
    }

    void deleteVolumeAttachment(String volume, String node) {
        client.storage().v1().volumeAttachments().withName(VolumeAttachmentNames.of(new VolumeId(volume), node)).delete();
    }

    Csi.ControllerPublishVolumeResponse publish(String volume, String node) {
        return csi.controller().controllerPublishVolume(Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId(nodeId(node)).setVolumeCapability(RWO).build());
    }

    List<String> publishedNodes(String volume) {
        return csi.controller().listVolumes(Csi.ListVolumesRequest.getDefaultInstance()).getEntriesList().stream()
                .filter(e -> e.getVolume().getVolumeId().equals(volume)).findFirst().orElseThrow()
                .getStatus().getPublishedNodeIdsList().stream().map(id -> NodeId.parse(id).nodeName()).toList();
    }

    boolean granted(String volume, String node) {
        return backend.grantedHosts(new VolumeId(volume)).contains(NodeId.parse(nodeId(node)).hostNqn());
    }

    /** The kubelet stopped reporting at the clock's current time (Ready turns Unknown, as the node lifecycle controller sets it). */
    void notReadyNow(String node) {
        setReady(node, false);
    }

    void readyNow(String node) {
        setReady(node, true);
    }

    private void setReady(String node, boolean ready) {
        client.nodes().withName(node).editStatus(n -> {
            n.getStatus().setConditions(new ArrayList<>(List.of(new NodeConditionBuilder(ready(ready))
                    .withLastTransitionTime(clock.instant().toString()).build())));
            return n;
        });
    }

    void taint(String node, String key, String effect) {
        client.nodes().withName(node).edit(n -> {
            List<Taint> taints = new ArrayList<>(n.getSpec() == null || n.getSpec().getTaints() == null
                    ? List.of() : n.getSpec().getTaints());
            taints.add(new TaintBuilder().withKey(key).withValue("nodeshutdown").withEffect(effect).build());
            return new NodeBuilder(n).editOrNewSpec().withTaints(taints).endSpec().build();
        });
    }

    /** An update that changes nothing fencing reads, like a heartbeat or a label another controller sets. */
    void touch(String node, int i) {
        client.nodes().withName(node).edit(n -> new NodeBuilder(n).editMetadata().addToLabels("touched", Integer.toString(i))
                .endMetadata().build());
    }

    /** Reconciler passes so far, whatever their result. */
    long passes() {
        return Math.round(meters.find("tether_reconciler_runs_total").counters().stream().mapToDouble(Counter::count).sum());
    }

    @Override
    public void close() throws Exception {
        fencing.close();
        csi.close();
        server.shutdown(Duration.ofSeconds(2));
        client.close();
        try {
            api.destroy();
        } catch (IllegalStateException e) {
            // the mock's web server sometimes times out closing a connection a watch left open; nothing under test
        }
    }
}

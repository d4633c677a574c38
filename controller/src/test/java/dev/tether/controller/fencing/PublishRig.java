package dev.tether.controller.fencing;

import dev.tether.driver.testing.ManualClock;
import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.controller.ControllerService;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.controller.volumes.VolumeService;
import dev.tether.driver.grpc.CsiServer;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.grpc.Interceptors;
import dev.tether.driver.testing.CsiClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The controller service with real fencing behind a real unix socket and the standard interceptors (error edge
 * included), with the collaborators tests need to steer: backend faults, store faults, nodes, clock, events, gate.
 */
final class PublishRig implements AutoCloseable {
    final FaultyBackend backend;
    final AttachmentRegistry registry = new AttachmentRegistry();
    final VolumeLocks locks = new VolumeLocks();
    final ManualClock clock = new ManualClock();
    final RecordingEvents events = new RecordingEvents();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Serving serving = new Serving(null);
    final PublishService publish;
    final CsiServer server;
    final CsiClient client;

    PublishRig(Path dir, AttachmentStore store, NodeDirectory nodes, HandoffProbe handoff, FencingSettings settings)
            throws Exception {
        this(dir, store, nodes, handoff, settings, new FakeBackend());
    }

    PublishRig(Path dir, AttachmentStore store, NodeDirectory nodes, HandoffProbe handoff, FencingSettings settings,
            FakeBackend fake) throws Exception {
        backend = new FaultyBackend(fake);
        publish = new PublishService(backend, registry, locks, store, nodes, handoff, events,
                new MicrometerFencingMetrics(meters, registry), serving, settings, clock);
        Endpoint endpoint = new Endpoint.Unix(dir.resolve("controller.sock"));
        server = CsiServer.start(endpoint, List.of(new ControllerService(new VolumeService(backend, publish, meters), publish, serving)),
                Interceptors.standard(meters));
        client = new CsiClient(endpoint);
    }

    PublishRig(Path dir) throws Exception {
        this(dir, new FlakyStore(), NodeDirectory.ANY, HandoffProbe.NONE, FencingSettings.DEFAULTS);
    }

    ControllerGrpc.ControllerBlockingStub controller() {
        return client.controller();
    }

    static Csi.VolumeCapability mount(Mode mode) {
        return Csi.VolumeCapability.newBuilder().setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    static Csi.VolumeCapability block(Mode mode) {
        return Csi.VolumeCapability.newBuilder().setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    static String node(String name) {
        return name + "/nqn.2014-08.org.nvmexpress:uuid:" + name;
    }

    String createVolume(String name, Csi.VolumeCapability capability) {
        return controller().createVolume(Csi.CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1 << 20))
                .addVolumeCapabilities(capability).build()).getVolume().getVolumeId();
    }

    Csi.ControllerPublishVolumeResponse publish(String volume, String nodeId, Csi.VolumeCapability capability, boolean readonly) {
        return controller().controllerPublishVolume(Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId(nodeId).setVolumeCapability(capability).setReadonly(readonly).build());
    }

    Csi.ControllerPublishVolumeResponse publish(String volume, String nodeId, Csi.VolumeCapability capability) {
        return publish(volume, nodeId, capability, false);
    }

    void unpublish(String volume, String nodeId) {
        controller().controllerUnpublishVolume(Csi.ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(volume)
                .setNodeId(nodeId).build());
    }

    List<String> publishedNodes(String volume) {
        return controller().listVolumes(Csi.ListVolumesRequest.getDefaultInstance()).getEntriesList().stream()
                .filter(e -> e.getVolume().getVolumeId().equals(volume)).findFirst().orElseThrow()
                .getStatus().getPublishedNodeIdsList();
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.shutdown(Duration.ofSeconds(2));
    }
}

package dev.tether.controller.fencing;

import static dev.tether.controller.fencing.PublishRig.mount;
import static dev.tether.controller.fencing.PublishRig.node;
import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.CsiClient;
import dev.tether.driver.testing.Eventually;
import dev.tether.driver.testing.Kubeconfigs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller jar against fabric8's mock API server through a kubeconfig, called over its unix socket:
 * not ready until rebuilt, attachments persisted on the PV, and a restarted controller still fences.
 */
class FencingAppIT {
    static final Path JAR = dev.tether.driver.testing.AppProcess.jar("controller", "tether-controller.jar");
    static final Csi.VolumeCapability RWO = mount(Mode.SINGLE_NODE_WRITER);

    @TempDir
    Path dir;

    AppProcess start(Path kubeconfig, Path socket, String log) throws Exception {
        AppProcess app = AppProcess.start(JAR, dir.resolve(log), List.of("--endpoint", "unix://" + socket, "--kubeconfig",
                kubeconfig.toString(), "--backend", "fake", "--metrics-address", "", "--leader-election", "true",
                "--leader-election-namespace", "default", "--leader-election-lease-duration", "3s",
                "--leader-election-renew-deadline", "2s", "--leader-election-retry-period", "500ms"));
        app.awaitSocket(socket, Duration.ofSeconds(60));
        return app;
    }

    static boolean ready(CsiClient client) {
        return client.identity().probe(Csi.ProbeRequest.getDefaultInstance()).getReady().getValue();
    }

    static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void aControllerInAClusterRebuildsBeforeServingAndARestartStillFences() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            cluster.node("node-a");
            cluster.node("node-b");
            cluster.pv("pvc-1", "pvc-1", "ReadWriteOnce", "Filesystem");
            Path kubeconfig = Kubeconfigs.write(dir.resolve("kubeconfig"), cluster.client.getMasterUrl().toString());
            Path socket = dir.resolve("controller.sock");
            Csi.CreateVolumeRequest create = Csi.CreateVolumeRequest.newBuilder().setName("pvc-1").addVolumeCapabilities(RWO)
                    .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1 << 20)).build();
            Csi.ControllerPublishVolumeRequest toA = Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId("pvc-1")
                    .setNodeId(node("node-a")).setVolumeCapability(RWO).build();
            Csi.ControllerPublishVolumeRequest toB = toA.toBuilder().setNodeId(node("node-b")).build();

            try (AppProcess app = start(kubeconfig, socket, "first.log"); CsiClient client = new CsiClient(new Endpoint.Unix(socket))) {
                Eventually.await("probe ready (log: " + dir.resolve("first.log") + ")", Duration.ofSeconds(60), () -> ready(client));
                client.controller().createVolume(create);
                // as in a cluster, the attacher's VolumeAttachment exists before it calls publish (else the
                // reconciler rightly clears the attachment as stale)
                cluster.va("pvc-1", new dev.tether.driver.model.VolumeId("pvc-1"),
                        dev.tether.driver.model.NodeId.parse(node("node-a")), false);
                client.controller().controllerPublishVolume(toA);
                assertThat(cluster.annotation("pvc-1")).contains("node-a/");
                assertThat(code(() -> client.controller().controllerPublishVolume(toB))).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(code(() -> client.controller().controllerPublishVolume(toA.toBuilder()
                        .setNodeId(node("node-z")).build()))).isEqualTo(Status.Code.NOT_FOUND);
                Eventually.await("events on the claim", Duration.ofSeconds(30), () -> cluster.client.v1().events()
                        .inNamespace("apps").list().getItems().stream().anyMatch(e -> e.getReason().equals("AttachmentConflict")));
                app.terminate(Duration.ofSeconds(30));
            }
            assertThat(cluster.client.leases().inNamespace("default").withName("tether-controller").get()).isNotNull();

            try (AppProcess app = start(kubeconfig, socket, "second.log"); CsiClient client = new CsiClient(new Endpoint.Unix(socket))) {
                Eventually.await("probe ready after restart", Duration.ofSeconds(60), () -> ready(client));
                client.controller().createVolume(create); // the fake backend forgets volumes; the API does not
                assertThat(code(() -> client.controller().controllerPublishVolume(toB))).isEqualTo(Status.Code.FAILED_PRECONDITION);
                client.controller().controllerUnpublishVolume(Csi.ControllerUnpublishVolumeRequest.newBuilder()
                        .setVolumeId("pvc-1").setNodeId(node("node-a")).build());
                assertThat(cluster.annotation("pvc-1")).isNull();
                app.terminate(Duration.ofSeconds(30));
            }
        }
    }
}

package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.CsiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped node plugin jar, started without root as a developer would, called over its real unix socket. */
class NodeAppIT {
    private static final Path JAR = AppProcess.jar("node-plugin", "tether-node.jar");

    @TempDir
    Path dir;

    @Test
    void servesIdentityAndNodeInfoWithAPersistentHostIdentity() throws Exception {
        Path socket = dir.resolve("node.sock");
        List<String> args = List.of("--endpoint", "unix://" + socket, "--metrics-address", "",
                "--node-name", "worker-1", "--hostnqn-file", dir.resolve("nvme/hostnqn").toString(),
                "--hostid-file", dir.resolve("nvme/hostid").toString(), "--state-dir", dir.resolve("state").toString(),
                "--max-volumes-per-node", "16");
        String firstId;
        try (AppProcess app = AppProcess.start(JAR, dir.resolve("node.log"), args)) {
            app.awaitSocket(socket, Duration.ofSeconds(30));
            try (CsiClient client = new CsiClient(new Endpoint.Unix(socket))) {
                assertThat(client.identity().getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance()).getName())
                        .isEqualTo("tether.csi.dev");
                Csi.NodeGetInfoResponse info = client.node().nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance());
                NodeId id = NodeId.parse(info.getNodeId());
                assertThat(id.nodeName()).isEqualTo("worker-1");
                assertThat(id.hostNqn().value()).isEqualTo(Files.readString(dir.resolve("nvme/hostnqn")).strip());
                assertThat(info.getMaxVolumesPerNode()).isEqualTo(16);
                firstId = info.getNodeId();
                assertThat(client.node().nodeGetCapabilities(Csi.NodeGetCapabilitiesRequest.getDefaultInstance())).isNotNull();
            }
            app.terminate(Duration.ofSeconds(20));
            assertThat(socket).doesNotExist();
        }
        try (AppProcess again = AppProcess.start(JAR, dir.resolve("node2.log"), args)) {
            again.awaitSocket(socket, Duration.ofSeconds(30));
            try (CsiClient client = new CsiClient(new Endpoint.Unix(socket))) {
                assertThat(client.node().nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance()).getNodeId())
                        .as("host identity survives a restart").isEqualTo(firstId);
            }
            again.terminate(Duration.ofSeconds(20));
        }
    }

    @Test
    void aBadNodeNameFailsAtStartWithExitCode2() throws Exception {
        try (AppProcess app = AppProcess.start(JAR, dir.resolve("bad.log"), List.of("--node-name", "Bad_Name",
                "--endpoint", "unix://" + dir.resolve("x.sock")))) {
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(app.output()).contains("--node-name").contains("Bad_Name");
        }
    }
}

package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.CsiClient;
import dev.tether.driver.testing.Kubeconfigs;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped node jar with --topology-from-node-labels against fabric8's mock API: a labelled node reports its own
 * zone over the real socket; a node without the label does not start.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class NodeTopologyFromLabelsIT {
    static final String ZONE = "topology.kubernetes.io/zone";
    static KubernetesMockServer server;
    static KubernetesClient client;
    @TempDir
    static Path dir;
    static Path kubeconfig;

    @BeforeAll
    static void cluster() throws Exception {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("zoned").withLabels(Map.of(ZONE, "dc1-b"))
                .endMetadata().build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("unzoned").endMetadata().build()).create();
        kubeconfig = Kubeconfigs.write(dir.resolve("kubeconfig"), server.url("/"));
    }

    static AppProcess start(String node, Path socket) throws Exception {
        Path home = Files.createDirectories(dir.resolve(node));
        List<String> flags = new ArrayList<>(List.of("--endpoint", "unix://" + socket, "--metrics-address", "",
                "--node-name", node, "--kubeconfig", kubeconfig.toString(), "--topology-from-node-labels", ZONE,
                "--hostnqn-file", home.resolve("hostnqn").toString(), "--hostid-file", home.resolve("hostid").toString(),
                "--state-dir", home.resolve("state").toString(), "--kubelet-dir", home.resolve("kubelet").toString()));
        return AppProcess.start(AppProcess.jar("node-plugin", "tether-node.jar"), home.resolve("node.log"), flags);
    }

    @Test
    void aLabelledNodeReportsItsOwnZone() throws Exception {
        Path socket = dir.resolve("zoned.sock");
        try (AppProcess app = start("zoned", socket)) {
            app.awaitSocket(socket, Duration.ofSeconds(30));
            try (CsiClient csi = new CsiClient(new Endpoint.Unix(socket))) {
                assertThat(csi.node().nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance()).getAccessibleTopology()
                        .getSegmentsMap()).isEqualTo(Map.of(ZONE, "dc1-b"));
                assertThat(csi.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList()).extracting(c -> c.getService().getType())
                        .containsExactly(Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
            }
            app.terminate(Duration.ofSeconds(20));
        }
    }

    @Test
    void aNodeWithoutTheLabelDoesNotStartAndSaysWhy() throws Exception {
        Path socket = dir.resolve("unzoned.sock");
        try (AppProcess app = start("unzoned", socket)) {
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(CommandLines.USAGE_ERROR);
            assertThat(app.output()).contains("--topology-from-node-labels").contains("'unzoned' has no label '" + ZONE + "'");
            assertThat(Files.exists(socket)).isFalse();
        }
    }
}

package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.driver.conformance.IdentityRules;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.ServedApp;
import dev.tether.driver.testing.CsiClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped node jar started with --topology, asked over its real unix socket as kubelet asks at registration. */
class NodeTopologyIT {
    @TempDir
    static Path dir;
    private static ServedApp app;
    private static CsiClient client;

    @BeforeAll
    static void start() throws Exception {
        Path socket = dir.resolve("node.sock");
        app = ServedApp.start(AppProcess.jar("node-plugin", "tether-node.jar"), dir.resolve("node.log"), socket,
                List.of("--metrics-address", "", "--node-name", "rack1-node",
                        "--kubeconfig", "none", "--topology", "topology.tether.csi.dev/zone=z1,topology.tether.csi.dev/rack=r1",
                        "--hostnqn-file", dir.resolve("hostnqn").toString(), "--hostid-file", dir.resolve("hostid").toString(),
                        "--state-dir", dir.resolve("state").toString(), "--kubelet-dir", dir.resolve("kubelet").toString()));
        client = app.client();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void nodeGetInfoReportsTheSegmentsAndIdentityAdvertisesAccessibilityConstraints() {
        Csi.NodeGetInfoResponse info = client.node().nodeGetInfo(Csi.NodeGetInfoRequest.getDefaultInstance());

        assertThat(info.getNodeId()).startsWith("rack1-node/");
        assertThat(info.getAccessibleTopology().getSegmentsMap()).isEqualTo(Map.of(
                "topology.tether.csi.dev/zone", "z1", "topology.tether.csi.dev/rack", "r1"));
        assertThat(client.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList()).extracting(c -> c.getService().getType())
                .containsExactly(Type.VOLUME_ACCESSIBILITY_CONSTRAINTS);
        IdentityRules.check(client.identity(), false);
    }
}

package dev.tether.node;

import dev.tether.driver.conformance.IdentityRules;
import dev.tether.driver.conformance.NodeRules;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.CsiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our CSI conformance suite, node part: the shipped jar without root, checked over its real unix socket. */
class NodeConformanceIT {
    @TempDir
    static Path dir;
    private static AppProcess app;
    private static CsiClient client;

    @BeforeAll
    static void start() throws Exception {
        Path socket = dir.resolve("node.sock");
        app = AppProcess.start(AppProcess.jar("node-plugin", "tether-node.jar"), dir.resolve("node.log"),
                List.of("--endpoint", "unix://" + socket, "--metrics-address", "", "--node-name", "conformance-1",
                        "--hostnqn-file", dir.resolve("hostnqn").toString(), "--hostid-file", dir.resolve("hostid").toString(),
                        "--state-dir", dir.resolve("state").toString()));
        app.awaitSocket(socket, Duration.ofSeconds(30));
        client = new CsiClient(new Endpoint.Unix(socket));
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (app != null) {
            app.terminate(Duration.ofSeconds(20));
            app.close();
        }
    }

    @Test
    void identityFollowsTheSpec() {
        IdentityRules.check(client.identity(), false);
    }

    @Test
    void nodeCapabilitiesTellTheTruthAndMalformedRequestsAreRejected() {
        NodeRules.check(client.node());
    }
}

package dev.tether.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Bad flags fail at start, before anything on the host is touched: exit 2, the flag named. */
class NodeFlagsTest {
    @TempDir
    Path dir;

    int run(StringWriter err, String... flags) {
        CommandLine cli = CommandLines.create(new NodeMain());
        cli.setErr(new PrintWriter(err, true));
        String[] common = {"--node-name", "n1", "--endpoint", "unix://" + dir.resolve("n.sock"), "--metrics-address", "",
                "--state-dir", dir.resolve("state").toString(), "--hostnqn-file", dir.resolve("hostnqn").toString(),
                "--hostid-file", dir.resolve("hostid").toString()};
        String[] all = new String[common.length + flags.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(flags, 0, all, common.length, flags.length);
        return cli.execute(all);
    }

    @Test
    void anUnreadableKubeconfigIsAUsageErrorAndTouchesNothing() {
        StringWriter err = new StringWriter();

        assertThat(run(err, "--kubeconfig", "/nonexistent/kubeconfig")).isEqualTo(CommandLines.USAGE_ERROR);

        assertThat(err.toString()).startsWith("tether-node: ").contains("--kubeconfig").contains("/nonexistent/kubeconfig");
        assertThat(Files.exists(dir.resolve("hostnqn"))).as("no host identity written").isFalse();
        assertThat(Files.exists(dir.resolve("state"))).as("no state dir made").isFalse();
    }

    @Test
    void aNegativeVolumeLimitIsAUsageError() {
        StringWriter err = new StringWriter();

        assertThat(run(err, "--kubeconfig", "none", "--max-volumes-per-node", "-1")).isEqualTo(CommandLines.USAGE_ERROR);

        assertThat(err.toString()).contains("--max-volumes-per-node").contains("-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rack", "kubernetes.io/rack=r1", "a.example/rack=r1,b.example/zone=z1", "rack=r 1"})
    void aTopologyThatIsNotLabelsIsAUsageErrorAndTouchesNothing(String topology) {
        StringWriter err = new StringWriter();

        assertThat(run(err, "--kubeconfig", "none", "--topology", topology)).isEqualTo(CommandLines.USAGE_ERROR);

        assertThat(err.toString()).startsWith("tether-node: ").contains("--topology").contains(topology);
        assertThat(Files.exists(dir.resolve("hostnqn"))).as("no host identity written").isFalse();
        assertThat(Files.exists(dir.resolve("state"))).as("no state dir made").isFalse();
    }

    @Test
    void topologyFromNodeLabelsWithoutTheApiIsAUsageError() {
        StringWriter err = new StringWriter();

        assertThat(run(err, "--kubeconfig", "none", "--topology-from-node-labels", "topology.kubernetes.io/zone"))
                .isEqualTo(CommandLines.USAGE_ERROR);

        assertThat(err.toString()).contains("--topology-from-node-labels").contains("--kubeconfig is none");
        assertThat(Files.exists(dir.resolve("hostnqn"))).as("no host identity written").isFalse();
    }
}

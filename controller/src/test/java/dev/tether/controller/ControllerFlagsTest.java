package dev.tether.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Backend flags that only make sense together fail at start like any other bad flag: exit 2, the flag named. */
class ControllerFlagsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--nvmet-target=ssh://root@:22      | --nvmet-address=10.0.0.1 | --nvmet-target",
        "--nvmet-target=ftp://host          | --nvmet-address=10.0.0.1 | --nvmet-target",
        "--nvmet-target=local               | --nvmet-ports=4420       | --nvmet-address",
        "--nvmet-ports=high-low             | --nvmet-address=10.0.0.1 | --nvmet-ports",
    })
    void inconsistentBackendFlagsExitTwoNamingTheFlag(String first, String second, String named) {
        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(new ControllerMain());
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("--kubeconfig", "none", "--metrics-address", "", "--backend", "nvmet",
                first.strip(), second.strip());

        assertThat(code).isEqualTo(CommandLines.USAGE_ERROR);
        assertThat(err.toString()).startsWith("tether-controller: ").contains(named).contains("(see --help)");
    }

    @Test
    void anUnknownBackendIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(new ControllerMain());
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("--kubeconfig", "none", "--backend", "ceph")).isEqualTo(CommandLines.USAGE_ERROR);
        assertThat(err.toString()).contains("--backend").contains("ceph");
    }

    @Test
    void anUnreadableKubeconfigIsAUsageErrorNamingTheFlag() {
        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(new ControllerMain());
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("--kubeconfig", "/nonexistent/kubeconfig", "--backend", "fake", "--metrics-address", ""))
                .isEqualTo(CommandLines.USAGE_ERROR);
        assertThat(err.toString()).contains("--kubeconfig").contains("/nonexistent/kubeconfig");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rack", "rack=", "k8s.io/rack=r1", "Zone=a,zone=b"})
    void anAccessibleTopologyThatIsNotLabelsIsAUsageError(String topology) {
        StringWriter err = new StringWriter();
        CommandLine cli = CommandLines.create(new ControllerMain());
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("--kubeconfig", "none", "--backend", "fake", "--metrics-address", "",
                "--accessible-topology", topology)).isEqualTo(CommandLines.USAGE_ERROR);
        assertThat(err.toString()).startsWith("tether-controller: ").contains("--accessible-topology").contains(topology);
    }
}

package dev.tether.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.controller.ControllerMain;
import dev.tether.node.NodeMain;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every TETHER_* variable the chart sets is read by a flag of the process it is given to. A variable no flag reads is
 * silently ignored by the process, so a renamed flag would otherwise leave a chart setting without effect.
 */
class ChartEnvTest {

    static Stream<String> valueSets() {
        return Stream.concat(Stream.of(""), WorkloadsTest.VALUE_SETS.stream());
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void controllerVariablesAreFlagsTheControllerReads(String values) {
        Rendered chart = values.isEmpty() ? Chart.render() : Chart.render(values);
        Container tether = Rendered.container(chart.controller().getSpec().getTemplate().getSpec(), "tether-controller");
        assertReadByFlags(tether, flagVariables(new ControllerMain()));
    }

    @ParameterizedTest
    @MethodSource("valueSets")
    void nodeVariablesAreFlagsTheNodePluginReads(String values) {
        Rendered chart = values.isEmpty() ? Chart.render() : Chart.render(values);
        Container tether = Rendered.container(chart.node().getSpec().getTemplate().getSpec(), "tether-node");
        assertReadByFlags(tether, flagVariables(new NodeMain()));
    }

    private static void assertReadByFlags(Container container, Map<String, String> readByFlag) {
        Set<String> set = new TreeSet<>();
        for (EnvVar env : container.getEnv()) {
            if (env.getName().startsWith("TETHER_")) {
                set.add(env.getName());
            }
        }
        assertThat(set).as("TETHER_* variables of " + container.getName()).isNotEmpty();
        assertThat(readByFlag.keySet()).as("variables read by the flags of " + container.getName()).containsAll(set);
    }

    /** Variable -> flag, from the env placeholders in the options' defaults (picocli's model, not a naming rule). */
    private static Map<String, String> flagVariables(Object command) {
        Map<String, String> variables = new TreeMap<>();
        // Without interpolation picocli hands back the defaults as written: "${env:TETHER_X:-default}".
        CommandLine cli = new CommandLine(command).setInterpolateVariables(false);
        for (OptionSpec option : cli.getCommandSpec().options()) {
            String raw = option.defaultValue();
            if (raw == null) {
                continue;
            }
            var m = java.util.regex.Pattern.compile("\\$\\{env:([A-Z0-9_]+)").matcher(raw);
            while (m.find()) {
                variables.put(m.group(1), option.longestName());
            }
        }
        return variables;
    }
}

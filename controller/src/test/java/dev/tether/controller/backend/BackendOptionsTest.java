package dev.tether.controller.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

class BackendOptionsTest {
    @Command(name = "probe")
    static final class App implements Callable<Integer> {
        @Mixin
        BackendOptions options;

        @Override
        public Integer call() {
            return 0;
        }
    }

    static BackendOptions parse(String... args) {
        App app = new App();
        new CommandLine(app).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return app.options;
    }

    @Test
    void everyFlagReadsItsEnvironmentVariableAndShowsItsDefault() {
        CommandLine cli = new CommandLine(new App());
        cli.setInterpolateVariables(false);
        for (OptionSpec option : cli.getCommandSpec().options()) {
            String env = "TETHER_" + option.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
            assertThat(option.defaultValue()).as(option.longestName()).startsWith("${env:" + env + ":-");
            assertThat(String.join(" ", option.description())).as(option.longestName()).contains("(env " + env + "; default");
        }
    }

    @Test
    void defaultsAndSizes() {
        BackendOptions options = parse("--backend", "fake", "--fake-capacity", "2Gi");
        assertThat(options.fakeCapacity).isEqualTo(2L << 30);
        assertThat(options.target).isEqualTo("local");
        assertThat(Backends.create(options, new SimpleMeterRegistry()).capacity().availableBytes()).isEqualTo(2L << 30);
        assertThatThrownBy(() -> parse("--fake-capacity", "lots")).hasMessageContaining("lots");
    }

    @Test
    void nvmetNeedsAnAddressAndAValidPortRangeAndTarget() {
        assertThatThrownBy(() -> Backends.create(parse("--backend", "nvmet"), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nvmet-address is required");
        assertThatThrownBy(() -> Backends.settings(parse("--nvmet-address", "10.0.0.1", "--nvmet-ports", "5000-4000")))
                .hasMessageContaining("5000-4000");
        assertThatThrownBy(() -> Backends.settings(parse("--nvmet-address", "10.0.0.1", "--nvmet-ports", "many")))
                .hasMessageContaining("--nvmet-ports");
        assertThat(Backends.settings(parse("--nvmet-address", "10.0.0.1, 10.0.0.2", "--nvmet-ports", "4420-4429")).addresses())
                .containsExactly("10.0.0.1", "10.0.0.2");
        assertThatThrownBy(() -> Backends.create(parse("--backend", "nvmet", "--nvmet-address", "10.0.0.1", "--nvmet-target", "ftp://x"),
                new SimpleMeterRegistry())).hasMessageContaining("--nvmet-target");
    }
}

package dev.tether.driver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.driver.grpc.Endpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

class CommonOptionsTest {

    @Command(name = "probe-app", mixinStandardHelpOptions = true)
    static final class App implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Test
    void everyFlagReadsItsEnvironmentVariableAndShowsItsDefault() {
        CommandLine cli = CommandLines.create(new App());
        cli.setInterpolateVariables(false);
        for (OptionSpec option : cli.getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String env = "TETHER_" + option.longestName().substring(2).toUpperCase(Locale.ROOT).replace('-', '_');
            assertThat(option.defaultValue()).as(option.longestName()).startsWith("${env:" + env);
            assertThat(String.join(" ", option.description())).as(option.longestName()).contains(env).contains("default");
        }
    }

    @Test
    void badValueFailsWithOneLineNamingTheFlagAndExitCode2() {
        CommandLine cli = CommandLines.create(new App());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--endpoint", "foo://x");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").contains("--endpoint").contains("foo://x");
    }

    @Test
    void defaultsParse() {
        App app = new App();
        CommandLines.create(app).parseArgs();
        assertThat(app.common.endpoint).isInstanceOf(Endpoint.Unix.class);
        assertThat(app.common.logLevel).isEqualTo("info");
    }
}

package dev.tether.driver.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void capturesOutputAndExitCodeWithoutAShell() {
        CommandResult result = runner.run(List.of("printf", "%s|", "a b", "$HOME;rm"), Duration.ofSeconds(10));
        assertThat(result.ok()).isTrue();
        // Arguments arrive verbatim: no word splitting, no expansion, no command separator.
        assertThat(result.stdout()).isEqualTo("a b|$HOME;rm|");
        CommandResult failed = runner.run(List.of("ls", "/definitely/not/here"), Duration.ofSeconds(10));
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.summary()).contains("ls /definitely/not/here exited");
    }

    @Test
    void killsACommandThatRunsPastItsTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(List.of("sleep", "30"), Duration.ofMillis(300)))
                .isInstanceOf(CommandTimeoutException.class).hasMessageContaining("sleep 30");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aMissingProgramIsAClearError() {
        assertThatThrownBy(() -> runner.run(List.of("no-such-program-tether"), Duration.ofSeconds(5)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("no-such-program-tether");
    }
}

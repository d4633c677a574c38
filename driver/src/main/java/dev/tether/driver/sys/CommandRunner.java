package dev.tether.driver.sys;

import java.time.Duration;
import java.util.List;

/**
 * Runs an external program as an argument list (never through a shell) with a timeout. The only way Tether starts
 * processes, so tests can replace it and every command is bounded.
 */
public interface CommandRunner {

    /**
     * Runs {@code argv} and returns its result whatever the exit code.
     *
     * @throws CommandTimeoutException when it did not finish in time (the process is killed)
     * @throws java.io.UncheckedIOException when it could not be started
     */
    CommandResult run(List<String> argv, Duration timeout);
}

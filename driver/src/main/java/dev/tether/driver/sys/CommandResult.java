package dev.tether.driver.sys;

import java.util.List;

/** What a finished command printed and how it exited. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {

    public boolean ok() {
        return exitCode == 0;
    }

    /** One line for errors and logs: the command, its exit code and the first line of stderr. */
    public String summary() {
        String firstErr = stderr.strip().lines().findFirst().orElse("");
        return String.join(" ", argv) + " exited " + exitCode + (firstErr.isEmpty() ? "" : ": " + firstErr);
    }
}

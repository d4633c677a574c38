package dev.tether.controller.backend.host.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an argument list into the one string an SSH exec request carries, which the remote login shell parses.
 * Every argument is single-quoted (a quote inside becomes {@code '\''}), so nothing in it — spaces, {@code $}, backticks,
 * {@code ;} — is interpreted: the remote program receives exactly the argv we built. The command runs under coreutils
 * {@code timeout} so that a command we gave up on is also killed on the target, where closing the channel alone does not
 * stop a process that has no terminal.
 */
final class RemoteCommand {
    /** Extra time the remote {@code timeout} allows beyond ours, so our own timer always fires first. */
    static final Duration REMOTE_GRACE = Duration.ofSeconds(2);

    private RemoteCommand() {
    }

    static String quote(String arg) {
        if (arg.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an argument contains a NUL byte, which no command line can carry");
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    static String of(List<String> argv, Duration timeout) {
        List<String> wrapped = new ArrayList<>();
        wrapped.add("timeout");
        wrapped.add("-k");
        wrapped.add("2");
        wrapped.add(Long.toString(timeout.plus(REMOTE_GRACE).toSeconds() + 1));
        wrapped.addAll(argv);
        StringBuilder command = new StringBuilder();
        for (String arg : wrapped) {
            if (!command.isEmpty()) {
                command.append(' ');
            }
            command.append(quote(arg));
        }
        return command.toString();
    }
}

package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.sys.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Sparse backing files on the target, handled with coreutils so the same calls work locally and over SSH. */
final class BackingFiles {
    private final TargetHost target;
    private final Duration timeout;
    private final Duration copyTimeout;

    BackingFiles(TargetHost target, Duration timeout, Duration copyTimeout) {
        this.target = target;
        this.timeout = timeout;
        this.copyTimeout = copyTimeout;
    }

    void ensureDir(String dir) {
        check(run(List.of("mkdir", "-p", "--", dir), timeout), "create " + dir);
    }

    /** Size in bytes, or empty if the file does not exist. */
    Optional<Long> size(String file) {
        CommandResult result = run(List.of("stat", "-c", "%s", "--", file), timeout);
        if (!result.ok()) {
            if (result.stderr().contains("No such file")) {
                return Optional.empty();
            }
            throw failure("stat " + file, result);
        }
        return Optional.of(Long.parseLong(result.stdout().strip()));
    }

    /** Creates a sparse file or grows an existing one to {@code bytes} (truncate never allocates blocks). */
    void growTo(String file, long bytes) {
        check(run(List.of("truncate", "-s", Long.toString(bytes), "--", file), timeout), "resize " + file);
        long now = size(file).orElse(-1L);
        if (now != bytes) {
            throw new UncheckedIOException(new IOException(file + " is " + now + " bytes after resizing it to " + bytes));
        }
    }

    /**
     * Copies {@code from} to {@code to} through a temporary file renamed at the end, so a crash never leaves a
     * half-copied file under the final name. A reflink (XFS reflink=1, btrfs) is atomic: the copy holds exactly the
     * writes completed before it, like a power cut. Without reflink the copy is only consistent if nothing writes
     * meanwhile, so it is refused unless {@code sourceQuiet}.
     *
     * @return whether a reflink was made
     * @throws NotConsistent when reflink is unsupported and the source may be written
     */
    boolean copy(String from, String to, boolean sourceQuiet) {
        String temp = to + ".tmp";
        CommandResult reflink = run(List.of("cp", "--reflink=always", "--", from, temp), copyTimeout);
        if (reflink.ok()) {
            rename(temp, to);
            return true;
        }
        remove(temp);
        if (!sourceQuiet) {
            throw new NotConsistent(reflink.stderr().strip());
        }
        check(run(List.of("cp", "--sparse=always", "--", from, temp), copyTimeout), "copy " + from + " to " + temp);
        rename(temp, to);
        return false;
    }

    private void rename(String from, String to) {
        check(run(List.of("mv", "-f", "--", from, to), timeout), "rename " + from + " to " + to);
    }

    void remove(String file) {
        check(run(List.of("rm", "-f", "--", file), timeout), "remove " + file);
    }

    /** Bytes free for an unprivileged user on the file system holding {@code dir}. */
    long available(String dir) {
        CommandResult result = check(run(List.of("df", "-B1", "--output=avail", "--", dir), timeout), "df " + dir);
        List<String> lines = result.stdout().strip().lines().toList();
        return Long.parseLong(lines.get(lines.size() - 1).strip());
    }

    boolean writable(String dir) {
        return run(List.of("test", "-d", dir, "-a", "-w", dir), timeout).ok();
    }

    private CommandResult run(List<String> argv, Duration limit) {
        return target.run(argv, limit);
    }

    private static CommandResult check(CommandResult result, String what) {
        if (!result.ok()) {
            throw failure(what, result);
        }
        return result;
    }

    private static UncheckedIOException failure(String what, CommandResult result) {
        return new UncheckedIOException(new IOException("cannot " + what + ": " + result.summary()));
    }

    /** A copy was refused because it could not be made consistent. */
    static final class NotConsistent extends RuntimeException {
        NotConsistent(String reflinkError) {
            super(reflinkError);
        }
    }
}

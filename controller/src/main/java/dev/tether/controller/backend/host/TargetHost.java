package dev.tether.controller.backend.host;

import dev.tether.driver.sys.CommandResult;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage node as the nvmet backend sees it: configfs-style file operations plus commands, all addressed by
 * absolute paths on that machine. Implemented locally (the controller runs on the storage node) and over SSH, so the
 * same nvmet logic drives either. Every operation is bounded in time; failures are {@link UncheckedIOException}s whose
 * message names the operation and path, unreachable targets are UNAVAILABLE.
 */
public interface TargetHost extends AutoCloseable {

    /** For logs and errors: {@code local} or {@code ssh user@host:port}. */
    String describe();

    /** The path exists (a dangling symlink counts). */
    boolean exists(String path);

    /** Content without the trailing newline, or empty if the file does not exist. */
    Optional<String> read(String path);

    /** Writes {@code value} to an existing attribute in one write call (configfs and sysfs need that). */
    void writeAttribute(String path, String value);

    /** Entry names of a directory, sorted; empty if it does not exist. */
    List<String> list(String dir);

    /** The last element of a symlink's target, or empty if {@code path} is not a symlink. */
    Optional<String> linkTarget(String path);

    void mkdir(String path);

    void rmdir(String path);

    void symlink(String link, String target);

    /** Removes a symlink or a regular file; a missing one is not an error. */
    void remove(String path);

    /** Creates or replaces a regular file atomically (temporary file, then rename): readers see old or new, never half. */
    void writeFile(String path, String content);

    /** Contents of the regular files in {@code dir} whose names end with {@code suffix}, by file name; empty if no dir. */
    Map<String, String> readFiles(String dir, String suffix);

    /** Runs a program (argument list, no shell on our side) on the target. */
    CommandResult run(List<String> argv, Duration timeout);

    @Override
    void close();
}

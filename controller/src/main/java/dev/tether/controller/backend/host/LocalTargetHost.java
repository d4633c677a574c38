package dev.tether.controller.backend.host;

import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.CommandRunner;
import dev.tether.driver.sys.Sysfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The controller runs on the storage node: configfs through {@link Sysfs} (root {@code /} in production, a temp dir in
 * tests), programs through the {@link CommandRunner}. Regular state files live under the same root.
 */
public final class LocalTargetHost implements TargetHost {
    private final Sysfs sysfs;
    private final CommandRunner runner;
    private final Duration timeout;

    public LocalTargetHost(Sysfs sysfs, CommandRunner runner, Duration timeout) {
        this.sysfs = sysfs;
        this.runner = runner;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public boolean exists(String path) {
        return sysfs.exists(path);
    }

    @Override
    public Optional<String> read(String path) {
        return sysfs.read(path);
    }

    @Override
    public void writeAttribute(String path, String value) {
        sysfs.write(path, value, timeout);
    }

    @Override
    public List<String> list(String dir) {
        return sysfs.list(dir);
    }

    @Override
    public Optional<String> linkTarget(String path) {
        return sysfs.linkName(path);
    }

    @Override
    public void mkdir(String path) {
        sysfs.mkdir(path, timeout);
    }

    @Override
    public void rmdir(String path) {
        sysfs.rmdir(path, timeout);
    }

    @Override
    public void symlink(String link, String target) {
        sysfs.symlink(link, target, timeout);
    }

    @Override
    public void remove(String path) {
        if (sysfs.exists(path)) {
            sysfs.unlink(path, timeout);
        }
    }

    @Override
    public void writeFile(String path, String content) {
        Path file = sysfs.path(path);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e, e);
        }
    }

    @Override
    public Map<String, String> readFiles(String dir, String suffix) {
        Map<String, String> files = new TreeMap<>();
        Path base = sysfs.path(dir);
        if (!Files.isDirectory(base)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, "*" + suffix)) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    try {
                        files.put(entry.getFileName().toString(), Files.readString(entry, StandardCharsets.UTF_8));
                    } catch (NoSuchFileException gone) {
                        // Removed between listing and reading: it is no longer there, so it is not listed.
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read files in " + dir + ": " + e, e);
        }
        return files;
    }

    @Override
    public CommandResult run(List<String> argv, Duration commandTimeout) {
        return runner.run(argv, commandTimeout);
    }

    @Override
    public void close() {
    }
}

package dev.tether.driver.sys;

import dev.tether.driver.error.DeadlineExceededException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kernel file systems (sysfs, configfs, /dev) under an injectable root, so unit tests run on a fake tree in a temp
 * dir and production uses {@code /}. Paths are written as the kernel documents them ({@code /sys/class/nvme}).
 * Writes can block in the kernel (an unbind waiting for a device to be released), so they run with a timeout.
 */
public final class Sysfs {
    private static final ExecutorService WRITERS = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("sysfs-write-", 0).factory());

    private final Path root;

    public Sysfs(Path root) {
        this.root = root;
    }

    public static Sysfs host() {
        return new Sysfs(Path.of("/"));
    }

    public Path root() {
        return root;
    }

    /** The real path of a kernel path under this root. */
    public Path path(String kernelPath) {
        return root.resolve(kernelPath.startsWith("/") ? kernelPath.substring(1) : kernelPath);
    }

    public boolean exists(String kernelPath) {
        return Files.exists(path(kernelPath), LinkOption.NOFOLLOW_LINKS);
    }

    /** An attribute's content without the trailing newline, or empty if it does not exist. */
    public Optional<String> read(String kernelPath) {
        try {
            return Optional.of(Files.readString(path(kernelPath), StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kernelPath + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code value} in one write call, as sysfs and configfs expect, giving up after {@code timeout}. */
    public void write(String kernelPath, String value, Duration timeout) {
        Path target = path(kernelPath);
        withTimeout("write '" + value.strip() + "' to " + kernelPath, timeout, () -> {
            Files.write(target, value.getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return null;
        });
    }

    /** The last element of a symlink's target ({@code driver} link -> driver name), or empty if it is not a link. */
    public Optional<String> linkName(String kernelPath) {
        Path link = path(kernelPath);
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read link " + kernelPath + ": " + e.getMessage(), e);
        }
    }

    /** Names in a directory, sorted; empty if it does not exist. */
    public List<String> list(String kernelPath) {
        Path dir = path(kernelPath);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + kernelPath + ": " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    /** configfs: creating a directory creates a kernel object. */
    public void mkdir(String kernelPath, Duration timeout) {
        Path dir = path(kernelPath);
        withTimeout("mkdir " + kernelPath, timeout, () -> Files.createDirectory(dir));
    }

    /** configfs: removing a directory destroys the kernel object (it must be empty of links and children). */
    public void rmdir(String kernelPath, Duration timeout) {
        Path dir = path(kernelPath);
        withTimeout("rmdir " + kernelPath, timeout, () -> {
            Files.delete(dir);
            return null;
        });
    }

    /** configfs: linking two objects ({@code ports/1/subsystems/NQN -> subsystems/NQN}). */
    public void symlink(String linkPath, String targetKernelPath, Duration timeout) {
        Path link = path(linkPath);
        Path target = path(targetKernelPath);
        withTimeout("link " + linkPath + " -> " + targetKernelPath, timeout, () -> Files.createSymbolicLink(link, target));
    }

    public void unlink(String linkPath, Duration timeout) {
        Path link = path(linkPath);
        withTimeout("unlink " + linkPath, timeout, () -> {
            Files.delete(link);
            return null;
        });
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    private static <T> T withTimeout(String what, Duration timeout, Step<T> step) {
        Future<T> future = WRITERS.submit(step::run);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The kernel call may still complete later; the thread is left to finish, the caller must re-read state.
            future.cancel(true);
            throw new DeadlineExceededException(what + " did not return within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new UncheckedIOException("cannot " + what + ": " + io, io);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadlineExceededException(what + " was interrupted");
        }
    }
}

package dev.tether.driver.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of Tether's runnable jars started as a real process, the way the container runs it, so tests cover start-up,
 * flag parsing, signals and socket clean-up exactly as shipped.
 */
public final class AppProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static AppProcess start(Path jar, Path log, List<String> args) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after 'package'");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TETHER_"));
        return new AppProcess(builder.start(), log);
    }

    /** The jar a module builds, found from the module's base directory. */
    public static Path jar(String module, String name) {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path inModule = base.resolve("target").resolve(name);
        return Files.exists(inModule) ? inModule : base.resolve(module).resolve("target").resolve(name);
    }

    public void awaitSocket(Path socket, Duration timeout) throws InterruptedException {
        Eventually.await("socket " + socket + " (log: " + output() + ")", timeout,
                () -> Files.exists(socket) || !process.isAlive());
        if (!process.isAlive()) {
            throw new AssertionError("process exited with " + process.exitValue() + ": " + output());
        }
    }

    /** Sends SIGTERM, as kubelet does when it stops a container, and waits for the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not stop within " + timeout + " after SIGTERM: " + output());
        }
        return process.exitValue();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process still running after " + timeout);
        }
        return process.exitValue();
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}

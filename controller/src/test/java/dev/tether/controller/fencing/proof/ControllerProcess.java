package dev.tether.controller.fencing.proof;

import csi.v1.Csi;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.CsiClient;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shipped controller jar as a process the test can stop gracefully (SIGTERM) or kill (SIGKILL) and start again
 * with the same flags: a restart is a new JVM that knows only what the API (or its state file) kept.
 */
public final class ControllerProcess implements AutoCloseable {
    private final Path jar;
    private final Path socket;
    private final Path logDir;
    private final List<String> args;
    private Process process;
    private int incarnation;

    public ControllerProcess(Path socket, Path logDir, List<String> flags) {
        String override = System.getProperty("tether.controller.jar");
        this.jar = override != null ? Path.of(override) : AppProcess.jar("controller", "tether-controller.jar");
        this.socket = socket;
        this.logDir = logDir;
        List<String> all = new ArrayList<>(List.of("--endpoint", "unix://" + socket, "--metrics-address", "",
                "--log-level", "warn"));
        all.addAll(flags);
        this.args = List.copyOf(all);
    }

    public Path socket() {
        return socket;
    }

    public Endpoint endpoint() {
        return new Endpoint.Unix(socket);
    }

    public int incarnation() {
        return incarnation;
    }

    /** Starts a new JVM; {@link #awaitReady} waits for it (a killed predecessor may have left its socket file). */
    public synchronized void start() throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after 'package'");
        }
        incarnation++;
        Files.createDirectories(logDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // Restarts are most of a torture run: a class-data archive made by the first start speeds up the rest.
                "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + logDir.resolve("controller.jsa"),
                "-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logDir.resolve("controller-" + incarnation + ".log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TETHER_"));
        process = builder.start();
    }

    /** Waits until Probe answers ready (the controller rebuilt its attachments and serves publish). */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (CsiClient client = new CsiClient(endpoint())) {
            while (true) {
                try {
                    if (client.identity().withDeadlineAfter(5, TimeUnit.SECONDS).probe(Csi.ProbeRequest.getDefaultInstance())
                            .getReady().getValue()) {
                        return;
                    }
                } catch (StatusRuntimeException notYet) {
                    // socket not accepting yet, or not ready
                }
                if (!alive()) {
                    throw new IllegalStateException("controller exited while starting: " + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("controller not ready within " + timeout + ": " + log());
                }
                Thread.sleep(50);
            }
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM and wait for a clean exit (in-flight calls drain, the socket is removed). */
    public synchronized void stop() throws InterruptedException, IOException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("controller did not stop within 60 s of SIGTERM: " + log());
        }
        Files.deleteIfExists(socket);
        process = null;
    }

    /** SIGKILL: a crash in the middle of whatever it was doing. The stale socket file stays, as after a real crash. */
    public synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly().waitFor();
        process = null;
    }

    /** The log of the current incarnation. */
    public String log() {
        try {
            return Files.readString(logDir.resolve("controller-" + incarnation + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}

package dev.tether.demo;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import dev.tether.controller.ControllerMain;
import dev.tether.driver.cli.CommandLines;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The quick start: runs the real Tether controller (fake storage backend) against an embedded Kubernetes API and plays
 * what the attach/detach controller and csi-attacher do, so a newcomer sees fencing decide, explain and recover.
 */
public final class DemoMain {
    static final Duration GRACE = Duration.ofSeconds(3);
    static final Duration MIGRATION_WINDOW = Duration.ofSeconds(4);

    // Held for the JVM's lifetime: java.util.logging keeps loggers weakly, and a collected one forgets its level.
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private DemoMain() {
    }

    public static void main(String[] args) throws Exception {
        // The embedded API server logs every request at INFO; the story narrates what matters instead.
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Narrator say = new Narrator(System.out);
        Path dir = Files.createTempDirectory("tether-demo");
        Path socket = dir.resolve("controller.sock");
        int metricsPort = freePort();
        say.title("Tether quick start: fencing ReadWriteOnce volumes, with no cluster");
        say.say("An embedded Kubernetes API server and the real tether-controller (fake storage backend) start in this process.");
        try (EmbeddedApi api = new EmbeddedApi(dir)) {
            startController(List.of("--endpoint", "unix://" + socket, "--kubeconfig", api.kubeconfig().toString(),
                    "--backend", "fake", "--metrics-address", "127.0.0.1:" + metricsPort, "--log-level", "error",
                    "--leader-election", "false", "--detach-grace", GRACE.toSeconds() + "s",
                    "--migration-window", MIGRATION_WINDOW.toSeconds() + "s", "--reconcile-interval", "1m",
                    "--node-not-ready-threshold", "5s"));
            ManagedChannel channel = awaitServing(socket);
            try {
                Story story = new Story(say, api.client(), ControllerGrpc.newBlockingStub(channel), metricsPort);
                story.play();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        System.exit(0);
    }

    private static void startController(List<String> args) {
        Thread controller = new Thread(() -> CommandLines.create(new ControllerMain()).execute(args.toArray(String[]::new)),
                "tether-controller");
        controller.setDaemon(true);
        controller.start();
    }

    private static ManagedChannel awaitServing(Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the controller did not open " + socket);
            }
            Thread.sleep(50);
        }
        ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
        IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(channel);
        while (!identity.withDeadlineAfter(5, TimeUnit.SECONDS).probe(Csi.ProbeRequest.getDefaultInstance()).getReady().getValue()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the controller did not become ready");
            }
            Thread.sleep(100);
        }
        return channel;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

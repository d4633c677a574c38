package dev.tether.controller.fencing.proof;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.conformance.RpcProbe;
import dev.tether.driver.logging.LogFormat;
import dev.tether.driver.logging.LogSetup;
import dev.tether.driver.testing.CsiClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How long ControllerPublish takes to fail when the Kubernetes API fails, on the shipped controller jar over its unix
 * socket (not a timed test: the numbers go to docs/benchmarks/fencing.md). Per case, each sample on a fresh volume:
 * <ul>
 * <li>{@code outage}: every API call answers 503 (the node lookup, before the volume's lock, is the first to fail);</li>
 * <li>{@code refused-write}: only the PV annotation PATCH answers 503, so it fails under the volume's lock;</li>
 * <li>{@code hung-write}: the PATCH is accepted and never answered;</li>
 * <li>{@code api-gone}: the API server is shut down (connection refused), last, as it does not come back.</li>
 * </ul>
 * Each sample is asked twice: first with csi-attacher's default 15 s deadline (what the sidecar sees), then without a
 * deadline (how long the controller holds the volume's lock). After each case the API recovers and one more publish
 * must answer OK. {@code -Dtether.controller.jar=...} runs another build (e.g. the one before a change).
 */
@Command(name = "api-outage-bench", mixinStandardHelpOptions = true)
public final class ApiOutageBench implements Callable<Integer> {
    @Option(names = "--samples", defaultValue = "3", description = "Samples per case.")
    int samples;

    @Option(names = "--cases", split = ",", defaultValue = "outage,refused-write,hung-write,api-gone")
    List<String> cases;

    @Option(names = "--attacher-timeout", defaultValue = "15", description = "Seconds: csi-attacher's --timeout.")
    int attacherTimeout;

    @Option(names = "--work-dir", defaultValue = "${java.io.tmpdir}/tether-api-outage-bench")
    Path workDir;

    private static final String NODE = "bench-0";
    private static final String NODE_ID = NODE + "/nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-00000000b0b0";
    private static final Csi.VolumeCapability CAPABILITY = Csi.VolumeCapability.newBuilder()
            .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
            .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();

    private int volumes;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(LogFormat.text, "warn");
        Files.createDirectories(workDir);
        System.out.printf("jar=%s load=%s%n", System.getProperty("tether.controller.jar", "controller/target/tether-controller.jar"),
                Files.readString(Path.of("/proc/loadavg")).strip());
        int needed = cases.size() * samples * 2 + cases.size();
        MockCluster cluster = MockCluster.start(1);
        try {
            cluster.addNode(NODE, NODE_ID);
            for (int i = 0; i < needed; i++) {
                cluster.addPersistentVolume(volume(i), "ReadWriteOnce", true);
            }
            Files.deleteIfExists(workDir.resolve("csi.sock"));
            try (ControllerProcess controller = new ControllerProcess(workDir.resolve("csi.sock"), workDir.resolve("logs"),
                    List.of("--kubeconfig", cluster.writeKubeconfig(workDir.resolve("kubeconfig")).toString(), "--backend", "fake",
                            "--leader-election", "false", "--detach-grace", "0s"));
                    CsiClient client = startAndConnect(controller)) {
                // a fresh stub per call: a deadline given to a stub counts from when it was made
                ControllerGrpc.ControllerBlockingStub stub = ControllerGrpc.newBlockingStub(client.channel());
                for (int i = 0; i < needed; i++) {
                    stub.withDeadlineAfter(30, TimeUnit.SECONDS).createVolume(Csi.CreateVolumeRequest.newBuilder()
                            .setName(volume(i)).addVolumeCapabilities(CAPABILITY)
                            .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1 << 20)).build());
                }
                for (String name : cases) {
                    runCase(name, cluster, stub);
                }
            }
        } finally {
            if (!cases.contains("api-gone")) {
                cluster.close();
            }
        }
        return 0;
    }

    private void runCase(String name, MockCluster cluster, ControllerGrpc.ControllerBlockingStub stub) {
        Predicate<RecordedRequest> pvPatch = r -> "PATCH".equalsIgnoreCase(r.getMethod()) && r.getPath().contains("/persistentvolumes/");
        switch (name) {
            case "outage" -> cluster.faults().outage(Duration.ofHours(1));
            case "refused-write" -> cluster.faults().refuse(pvPatch);
            case "hung-write" -> cluster.faults().stall(pvPatch, Duration.ofHours(1));
            case "api-gone" -> cluster.close();
            default -> throw new IllegalArgumentException("unknown case " + name);
        }
        List<String> withDeadline = new ArrayList<>();
        List<String> withoutDeadline = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            withDeadline.add(sample(stub.withDeadlineAfter(attacherTimeout, TimeUnit.SECONDS), volume(volumes++)));
            withoutDeadline.add(sample(stub, volume(volumes++)));
        }
        System.out.printf("%-14s with a %d s deadline: %s%n", name, attacherTimeout, String.join(", ", withDeadline));
        System.out.printf("%-14s without a deadline:  %s%n", name, String.join(", ", withoutDeadline));
        if (name.equals("api-gone")) {
            return;
        }
        cluster.faults().endOutage();
        cluster.faults().refuse(r -> false);
        System.out.printf("%-14s after recovery:      %s%n", name, sample(stub.withDeadlineAfter(attacherTimeout, TimeUnit.SECONDS),
                volume(volumes++)));
    }

    /** One ControllerPublish: "CODE in N.NN s". */
    private static String sample(ControllerGrpc.ControllerBlockingStub stub, String volume) {
        long t0 = System.nanoTime();
        Status status = RpcProbe.statusOf(() -> stub.controllerPublishVolume(Csi.ControllerPublishVolumeRequest.newBuilder()
                .setVolumeId(volume).setNodeId(NODE_ID).setVolumeCapability(CAPABILITY).build()));
        return String.format("%s in %.2f s", status.getCode(), (System.nanoTime() - t0) / 1e9);
    }

    private static CsiClient startAndConnect(ControllerProcess controller) throws Exception {
        controller.start();
        controller.awaitReady(Duration.ofMinutes(5));
        return new CsiClient(controller.endpoint());
    }

    private static String volume(int i) {
        return "outage-" + i;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.create(new ApiOutageBench()).execute(args));
    }
}

package dev.tether.controller.fencing.proof;

import csi.v1.ControllerGrpc;
import csi.v1.Csi;
import csi.v1.Csi.VolumeCapability.AccessMode.Mode;
import csi.v1.IdentityGrpc;
import dev.tether.controller.fencing.AccessSpec;
import dev.tether.controller.fencing.Attachment;
import dev.tether.controller.fencing.AttachmentCodec;
import dev.tether.controller.fencing.PublishService;
import dev.tether.controller.fencing.kube.PvAnnotationStore;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.logging.LogFormat;
import dev.tether.driver.logging.LogSetup;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.testing.CsiClient;
import io.fabric8.kubernetes.api.model.storage.VolumeAttachmentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * ControllerPublish cost, measured on the shipped controller jar over its real unix socket (not a timed test: the
 * numbers go to docs/benchmarks/fencing.md with the command that produced them).
 * <ul>
 * <li>latency of publish and unpublish, each volume distinct, with the record persisted to the mock API (PV
 * annotation) or, standalone, to the state file or memory;</li>
 * <li>the floor under it: a no-op gRPC call (GetPluginInfo) on the same socket, and a bare annotation PATCH on the
 * same mock API server;</li>
 * <li>throughput of publish+unpublish with 1 and 32 concurrent clients on distinct volumes;</li>
 * <li>rebuild: time from process start to Probe ready with N PVs and VolumeAttachments, against an empty API.</li>
 * </ul>
 */
@Command(name = "fencing-bench", mixinStandardHelpOptions = true)
public final class FencingBench implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "cluster", description = "cluster (mock API), file (standalone state file) or memory.")
    String mode;

    @Option(names = "--count", defaultValue = "2000", description = "Publishes (and unpublishes) measured for latency.")
    int count;

    @Option(names = "--warmup", defaultValue = "300", description = "Unmeasured publish/unpublish pairs first.")
    int warmup;

    @Option(names = "--clients", split = ",", defaultValue = "1,32", description = "Concurrent clients for throughput.")
    List<Integer> clients;

    @Option(names = "--throughput-seconds", defaultValue = "10", description = "Measured time per throughput run.")
    int throughputSeconds;

    @Option(names = "--rebuild", defaultValue = "10000", description = "PVs + VolumeAttachments for the rebuild (cluster mode); 0 skips.")
    int rebuild;

    @Option(names = "--work-dir", defaultValue = "${java.io.tmpdir}/tether-fencing-bench")
    Path workDir;

    private static final String NODE = "bench-0";
    private static final String NODE_ID = NODE + "/nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-00000000b0b0";
    private static final Csi.VolumeCapability CAPABILITY = Csi.VolumeCapability.newBuilder()
            .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
            .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(Mode.SINGLE_NODE_WRITER)).build();

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(LogFormat.text, "warn");
        Files.createDirectories(workDir);
        int maxClients = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        int volumes = Math.max(count + warmup, maxClients);
        System.out.printf("mode=%s cores=%d load=%s%n", mode, Runtime.getRuntime().availableProcessors(), loadAverage());
        try (MockCluster cluster = mode.equals("cluster") ? MockCluster.start(1) : null) {
            if (cluster != null) {
                cluster.addNode(NODE, NODE_ID);
                parallel(volumes, i -> {
                    cluster.addPersistentVolume(volume(i), "ReadWriteOnce", true);
                    cluster.createAttachment(volume(i), NODE);
                });
            }
            try (ControllerProcess controller = controller(cluster)) {
                start(controller);
                try (CsiClient client = new CsiClient(controller.endpoint())) {
                    ControllerGrpc.ControllerBlockingStub stub = ControllerGrpc.newBlockingStub(client.channel());
                    parallel(volumes, i -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).createVolume(create(volume(i))));
                    latency(client, cluster);
                    for (int n : clients) {
                        throughput(client, n);
                    }
                }
                controller.stop();
            }
            if (cluster != null && rebuild > 0) {
                rebuildTime(cluster);
            }
        }
        return 0;
    }

    private ControllerProcess controller(MockCluster cluster) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--backend", "fake", "--detach-grace", "0s"));
        switch (mode) {
            case "cluster" -> flags.addAll(List.of("--kubeconfig", cluster.writeKubeconfig(workDir.resolve("kubeconfig")).toString()));
            case "file" -> {
                Files.deleteIfExists(workDir.resolve("state.json"));
                flags.addAll(List.of("--kubeconfig", "none", "--state-file", workDir.resolve("state.json").toString()));
            }
            case "memory" -> flags.addAll(List.of("--kubeconfig", "none"));
            default -> throw new IllegalArgumentException("--mode " + mode + " is not cluster, file or memory");
        }
        Files.deleteIfExists(workDir.resolve("csi.sock"));
        return new ControllerProcess(workDir.resolve("csi.sock"), workDir.resolve("logs"), flags);
    }

    private static long start(ControllerProcess controller) throws Exception {
        long t0 = System.nanoTime();
        controller.start();
        controller.awaitReady(Duration.ofMinutes(10));
        return System.nanoTime() - t0;
    }

    private void latency(CsiClient client, MockCluster cluster) {
        ControllerGrpc.ControllerBlockingStub stub = ControllerGrpc.newBlockingStub(client.channel());
        IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(client.channel());
        for (int i = 0; i < warmup; i++) {
            stub.controllerPublishVolume(publish(volume(count + i)));
            stub.controllerUnpublishVolume(unpublish(volume(count + i)));
            identity.getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance());
        }
        LatencyStats publish = new LatencyStats();
        LatencyStats again = new LatencyStats();
        LatencyStats unpublish = new LatencyStats();
        LatencyStats noop = new LatencyStats();
        LatencyStats patch = new LatencyStats();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            stub.controllerPublishVolume(publish(volume(i)));
            long t1 = System.nanoTime();
            stub.controllerPublishVolume(publish(volume(i)));
            long t2 = System.nanoTime();
            identity.getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance());
            long t3 = System.nanoTime();
            publish.add(t1 - t0);
            again.add(t2 - t1);
            noop.add(t3 - t2);
            if (cluster != null) {
                long p0 = System.nanoTime();
                cluster.client().persistentVolumes().withName(MockCluster.pvName(volume(i))).patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"bench.tether.csi.dev/touch\":\"" + i + "\"}}}");
                patch.add(System.nanoTime() - p0);
            }
        }
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            stub.controllerUnpublishVolume(unpublish(volume(i)));
            unpublish.add(System.nanoTime() - t0);
        }
        System.out.println("ControllerPublish (new attachment)   " + publish.summary());
        System.out.println("ControllerPublish (repeat, same node) " + again.summary());
        System.out.println("ControllerUnpublish                  " + unpublish.summary());
        System.out.println("GetPluginInfo (no-op gRPC)           " + noop.summary());
        if (cluster != null) {
            System.out.println("PV annotation PATCH (mock API)       " + patch.summary());
        }
    }

    private void throughput(CsiClient client, int clientCount) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clientCount);
        AtomicLong calls = new AtomicLong();
        LatencyStats publishes = new LatencyStats();
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(throughputSeconds);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clientCount; c++) {
            String volume = volume(c);
            running.add(pool.submit(() -> {
                ControllerGrpc.ControllerBlockingStub stub = ControllerGrpc.newBlockingStub(client.channel());
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    stub.controllerPublishVolume(publish(volume));
                    long t1 = System.nanoTime();
                    stub.controllerUnpublishVolume(unpublish(volume));
                    if (t0 >= warmEnd) {
                        calls.addAndGet(2);
                        publishes.add(t1 - t0);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        System.out.printf("throughput clients=%d: %.0f calls/s (publish+unpublish, distinct volumes); publish %s%n",
                clientCount, calls.get() / (double) throughputSeconds, publishes.summary());
    }

    private void rebuildTime(MockCluster cluster) throws Exception {
        try (ControllerProcess empty = controller(cluster)) {
            // Baseline: the same start against the API as it is now (bench volumes only, all detached).
            long base = start(empty);
            empty.stop();
            int nodes = 50;
            parallel(nodes, n -> cluster.addNode(NodeId.parse(nodeId(n)).nodeName(), nodeId(n)));
            long p0 = System.nanoTime();
            // As a running cluster leaves them: each PV annotated with its attachment (the controller's own format),
            // each VolumeAttachment attached with the publish_context in attachmentMetadata.
            parallel(rebuild, i -> {
                String volume = "rebuild-" + i;
                NodeId node = NodeId.parse(nodeId(i % nodes));
                Map<String, String> context = Map.of(PublishService.HOST_NQN, node.hostNqn().value());
                String annotation = AttachmentCodec.encode(List.of(new Attachment(node,
                        new AccessSpec(Mode.SINGLE_NODE_WRITER, true, false), context, Instant.now())));
                cluster.addPersistentVolume(volume, "ReadWriteOnce", true);
                cluster.client().persistentVolumes().withName(MockCluster.pvName(volume)).edit(pv -> {
                    pv.getMetadata().setAnnotations(Map.of(PvAnnotationStore.ANNOTATION, annotation));
                    return pv;
                });
                cluster.client().storage().v1().volumeAttachments().resource(new VolumeAttachmentBuilder()
                        .withNewMetadata().withName(MockCluster.attachmentName(volume, node.nodeName()))
                        .withFinalizers(MockCluster.ATTACHER_FINALIZER).endMetadata()
                        .withNewSpec().withAttacher(MockCluster.DRIVER).withNodeName(node.nodeName())
                        .withNewSource().withPersistentVolumeName(MockCluster.pvName(volume)).endSource().endSpec()
                        .withNewStatus().withAttached(true).withAttachmentMetadata(context).endStatus().build()).create();
            });
            System.out.printf("rebuild fixture: %d PVs + VolumeAttachments on %d nodes created in %.1f s%n", rebuild, nodes,
                    (System.nanoTime() - p0) / 1e9);
            try (ControllerProcess full = controller(cluster)) {
                long withObjects = start(full);
                System.out.printf("start to Probe ready: %.2f s with %d PVs + VolumeAttachments, %.2f s without; "
                        + "rebuild ~%.2f s%n", withObjects / 1e9, rebuild, base / 1e9, (withObjects - base) / 1e9);
                full.stop();
            }
        }
    }

    private interface IntTask {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, IntTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                task.run(index);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
    }

    private static String nodeId(int n) {
        return "rebuild-" + n + "/nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-" + String.format("%012d", n);
    }

    private static String volume(int i) {
        return "bench-" + i;
    }

    private static Csi.CreateVolumeRequest create(String name) {
        return Csi.CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(1L << 20))
                .addVolumeCapabilities(CAPABILITY).build();
    }

    private static Csi.ControllerPublishVolumeRequest publish(String volume) {
        return Csi.ControllerPublishVolumeRequest.newBuilder().setVolumeId(volume).setNodeId(NODE_ID)
                .setVolumeCapability(CAPABILITY).build();
    }

    private static Csi.ControllerUnpublishVolumeRequest unpublish(String volume) {
        return Csi.ControllerUnpublishVolumeRequest.newBuilder().setVolumeId(volume).setNodeId(NODE_ID).build();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    public static void main(String[] args) {
        System.exit(CommandLines.create(new FencingBench()).execute(args));
    }
}

package dev.tether.controller.volumes;

import csi.v1.Csi;
import dev.tether.controller.backend.BackendOptions;
import dev.tether.controller.backend.Backends;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.logging.LogFormat;
import dev.tether.driver.logging.LogSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * CreateVolume / DeleteVolume latency through {@link VolumeService} on a real backend (no gRPC: this measures the
 * volume logic and the target, not the transport). Numbers go to docs/benchmarks/backend.md.
 * {@code java -cp tether-controller.jar:controller/target/test-classes dev.tether.controller.volumes.VolumeLifecycleBench
 * --backend fake --count 2000}
 */
@Command(name = "volume-lifecycle-bench")
public final class VolumeLifecycleBench implements Callable<Integer> {
    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--count", defaultValue = "200", description = "Volumes to create and delete (measured).")
    int count;

    @Option(names = "--warmup", defaultValue = "20", description = "Unmeasured create/delete pairs first.")
    int warmup;

    @Option(names = "--size-mib", defaultValue = "64", description = "Size of each volume.")
    long sizeMib;

    @Override
    public Integer call() {
        LogSetup.configure(LogFormat.text, "warn");
        try (StorageBackend backend = Backends.create(backendOptions, new SimpleMeterRegistry())) {
            VolumeService service = new VolumeService(backend, v -> Set.of(), new SimpleMeterRegistry());
            run(service, "warmup", warmup);
            List<Long> creates = new ArrayList<>();
            List<Long> deletes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = "bench-" + i;
                long t0 = System.nanoTime();
                String id = service.createVolume(request(name)).getVolume().getVolumeId();
                long t1 = System.nanoTime();
                creates.add(t1 - t0);
                if (i % 10 == 9 || i == count - 1) {
                    // Delete in batches so some creates see other volumes (ports in use, records to scan).
                    for (int j = i - (i % 10); j <= i; j++) {
                        long d0 = System.nanoTime();
                        service.deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId("bench-" + j).build());
                        deletes.add(System.nanoTime() - d0);
                    }
                }
                if (!id.equals(name)) {
                    throw new IllegalStateException("unexpected id " + id);
                }
            }
            System.out.println("backend=" + backend.name() + " count=" + count + " size=" + sizeMib + "MiB");
            System.out.println("CreateVolume " + summary(creates));
            System.out.println("DeleteVolume " + summary(deletes));
        }
        return 0;
    }

    private void run(VolumeService service, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            String id = service.createVolume(request(prefix + "-" + i)).getVolume().getVolumeId();
            service.deleteVolume(Csi.DeleteVolumeRequest.newBuilder().setVolumeId(id).build());
        }
    }

    private Csi.CreateVolumeRequest request(String name) {
        return Csi.CreateVolumeRequest.newBuilder().setName(name)
                .setCapacityRange(Csi.CapacityRange.newBuilder().setRequiredBytes(sizeMib << 20))
                .addVolumeCapabilities(Csi.VolumeCapability.newBuilder()
                        .setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                        .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder()
                                .setMode(Csi.VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)))
                .build();
    }

    private static String summary(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return String.format("n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms", sorted.size(),
                ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6);
    }

    private static double ms(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1)) / 1e6;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.create(new VolumeLifecycleBench()).execute(args));
    }
}

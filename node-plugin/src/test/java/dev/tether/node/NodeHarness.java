package dev.tether.node;

import csi.v1.Csi;
import csi.v1.NodeGrpc;
import dev.tether.driver.grpc.Interceptors;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.sys.CommandResult;
import dev.tether.driver.sys.Sysfs;
import dev.tether.node.events.RecordingVolumeEvents;
import dev.tether.node.identity.HostIdentity;
import dev.tether.node.mount.FakeMountCommands;
import dev.tether.node.mount.SystemMounter;
import dev.tether.node.nvme.FakeNvmeKernel;
import dev.tether.node.nvme.FakeTicker;
import dev.tether.node.nvme.NvmeConnector;
import dev.tether.node.nvme.NvmeMetrics;
import dev.tether.node.nvme.NvmeSysfs;
import dev.tether.node.recovery.Backoff;
import dev.tether.node.recovery.ReconnectSupervisor;
import dev.tether.node.volume.KubeletPaths;
import dev.tether.node.volume.NodeRequests;
import dev.tether.node.volume.StagedVolumeStore;
import dev.tether.node.volume.VolumeHealth;
import dev.tether.node.volume.VolumeInspector;
import dev.tether.node.volume.VolumeLocks;
import dev.tether.node.volume.VolumePublisher;
import dev.tether.node.volume.VolumeStager;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The node plugin wired as NodeMain wires it, on a fake host: sysfs and /dev under a temp root modelled by
 * {@link FakeNvmeKernel}, mounts by {@link FakeMountCommands} (a real mountinfo file), the real SystemMounter,
 * store, connector and supervisor, served over in-process gRPC with the production interceptors.
 */
public final class NodeHarness implements AutoCloseable {
    public static final String NQN = "nqn.2026-01.dev.tether:pvc-1";
    public static final String ADDR = "192.0.2.10";
    public static final int PORT = 4421;
    public static final long SIZE = 64L << 20;
    public static final HostIdentity HOST = new HostIdentity(
            new Nqn("nqn.2014-08.org.nvmexpress:uuid:11111111-2222-3333-4444-555555555555"), "11111111-2222-3333-4444-555555555555");

    public final Path root;
    public final Path kubelet;
    public final FakeMountCommands mounts;
    public final FakeNvmeKernel kernel;
    public final FakeTicker ticker = new FakeTicker();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final NvmeSysfs nvme;
    public final SystemMounter mounter;
    public final StagedVolumeStore store;
    public final VolumeHealth health = new VolumeHealth();
    public final VolumeLocks locks = new VolumeLocks();
    public final RecordingVolumeEvents events = new RecordingVolumeEvents();
    public final NvmeConnector connector;
    public final ReconnectSupervisor supervisor;
    public final NodeGrpc.NodeBlockingStub node;
    private final Server server;
    private final ManagedChannel channel;

    public NodeHarness(Path root) throws IOException {
        this(root, null);
    }

    /** With {@code previous}: a restarted plugin on the same host (same kernel, mounts and state dir). */
    public NodeHarness(Path root, NodeHarness previous) throws IOException {
        this.root = root;
        this.kubelet = Files.createDirectories(root.resolve("var/lib/kubelet"));
        this.mounts = previous != null ? previous.mounts
                : new FakeMountCommands(root, (argv, t) -> new CommandResult(argv, 127, "", argv.getFirst() + ": not modelled"));
        this.kernel = previous != null ? previous.kernel : new FakeNvmeKernel(root, mounts).export(NQN, ADDR, PORT, SIZE);
        if (previous == null) {
            mounts.keyBy(device -> kernel.nqnOfDevice(device).orElse(device));
        }
        Sysfs sysfs = new Sysfs(root);
        nvme = new NvmeSysfs(sysfs);
        NvmeMetrics metrics = new NvmeMetrics(registry);
        connector = new NvmeConnector(nvme, kernel, HOST, ticker, metrics,
                new NvmeConnector.Limits(Duration.ofSeconds(10), Duration.ofSeconds(20)));
        mounter = new SystemMounter(sysfs, kernel, new SystemMounter.Limits(Duration.ofSeconds(10), Duration.ofSeconds(60)));
        store = StagedVolumeStore.open(root.resolve("var/lib/tether"));
        NodeService.Volumes volumes = new NodeService.Volumes(new NodeRequests(new KubeletPaths(kubelet)), locks,
                new VolumeStager(store, connector, mounter, sysfs, health), new VolumePublisher(store, mounter),
                new VolumeInspector(store, nvme, connector, mounter, health, ticker, Duration.ofSeconds(10)));
        supervisor = new ReconnectSupervisor(store, nvme, connector, mounter, locks, health, metrics, ticker,
                new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), () -> 0.5), events);
        NodeService service = new NodeService(new NodeId("worker-1", HOST.hostNqn()), 0, volumes);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, Interceptors.standard(registry))).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        node = NodeGrpc.newBlockingStub(channel);
    }

    public Path staging(String volume) {
        return kubelet.resolve("plugins/kubernetes.io/csi/tether.csi.dev/" + volume + "/globalmount");
    }

    public Path target(String pod, String volume) {
        return kubelet.resolve("pods/" + pod + "/volumes/kubernetes.io~csi/" + volume + "/mount");
    }

    public static Map<String, String> context(String nqn) {
        return Map.of("nqn", nqn, "transport", "tcp", "transportAddress", ADDR, "transportPort", String.valueOf(PORT),
                "nsid", "1", "ctrlLossTmo", "600", "reconnectDelay", "2", "keepAliveTmo", "5", "fastIoFailTmo", "5", "fsType", "ext4");
    }

    public static Csi.VolumeCapability mount(String fsType, Csi.VolumeCapability.AccessMode.Mode mode, String... flags) {
        return Csi.VolumeCapability.newBuilder()
                .setMount(Csi.VolumeCapability.MountVolume.newBuilder().setFsType(fsType).addAllMountFlags(java.util.List.of(flags)))
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    public static Csi.VolumeCapability block(Csi.VolumeCapability.AccessMode.Mode mode) {
        return Csi.VolumeCapability.newBuilder().setBlock(Csi.VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(Csi.VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    public Csi.NodeStageVolumeRequest stageRequest(String volume, Csi.VolumeCapability cap) {
        return Csi.NodeStageVolumeRequest.newBuilder().setVolumeId(volume).setStagingTargetPath(staging(volume).toString())
                .setVolumeCapability(cap).putAllVolumeContext(context(NQN)).build();
    }

    public Csi.NodePublishVolumeRequest publishRequest(String volume, String pod, Csi.VolumeCapability cap, boolean readonly) {
        Path target = cap.hasBlock() ? kubelet.resolve("plugins/kubernetes.io/csi/volumeDevices/publish/" + volume + "/" + pod)
                : target(pod, volume);
        return Csi.NodePublishVolumeRequest.newBuilder().setVolumeId(volume).setStagingTargetPath(staging(volume).toString())
                .setTargetPath(target.toString()).setVolumeCapability(cap).setReadonly(readonly).build();
    }

    public String deviceOf(String nqn) {
        return nvme.namespaceDevice(new Nqn(nqn), 1).orElseThrow();
    }

    @Override
    public void close() {
        supervisor.close();
        channel.shutdownNow();
        server.shutdownNow();
    }
}

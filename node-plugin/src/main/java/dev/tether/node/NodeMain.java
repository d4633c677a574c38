package dev.tether.node;

import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.driver.app.ServerApp;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.cli.KubeconfigFlag;
import dev.tether.driver.cli.CommonOptions;
import dev.tether.driver.cli.ListenAddress;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.BuildInfo;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.logging.LogSetup;
import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.TopologySegments;
import dev.tether.driver.cli.TopologyConverter;
import dev.tether.driver.cli.DurationConverter;
import dev.tether.driver.sys.CommandRunner;
import dev.tether.driver.sys.ProcessCommandRunner;
import dev.tether.driver.sys.Sysfs;
import dev.tether.node.doctor.NodeDoctorCommand;
import dev.tether.node.events.KubeVolumeEvents;
import dev.tether.node.events.LogVolumeEvents;
import dev.tether.node.events.VolumeEvents;
import dev.tether.node.mount.Mounter;
import dev.tether.node.mount.SystemMounter;
import dev.tether.node.nvme.NvmeConnector;
import dev.tether.node.nvme.NvmeMetrics;
import dev.tether.node.nvme.NvmeSysfs;
import dev.tether.node.recovery.Backoff;
import dev.tether.node.recovery.ReconnectSupervisor;
import dev.tether.node.recovery.StartupRecovery;
import dev.tether.node.sys.Ticker;
import dev.tether.node.volume.KubeletPaths;
import dev.tether.node.volume.NodeRequests;
import dev.tether.node.volume.StagedVolumeStore;
import dev.tether.node.volume.VolumeHealth;
import dev.tether.node.volume.VolumeInspector;
import dev.tether.node.volume.VolumeLocks;
import dev.tether.node.volume.VolumePublisher;
import dev.tether.node.volume.VolumeStager;
import dev.tether.node.gpu.DevicePolicy;
import dev.tether.node.gpu.cli.GpuCommand;
import dev.tether.node.gpu.runtime.GpuRuntime;
import dev.tether.node.gpu.runtime.GpuServerOptions;
import dev.tether.node.identity.HostIdentity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Wires the node plugin process together; no logic of its own. */
@Command(name = "tether-node", mixinStandardHelpOptions = true, versionProvider = NodeMain.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = {NodeDoctorCommand.class, GpuCommand.class},
        description = "Tether CSI node plugin: NVMe/TCP stage/publish with automatic recovery, and VFIO GPU binding.")
public final class NodeMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", converter = ListenAddress.Converter.class,
            defaultValue = "${env:TETHER_METRICS_ADDRESS:-:9811}",
            description = "Serve /metrics, /healthz and /readyz here; empty disables (env TETHER_METRICS_ADDRESS; default ${DEFAULT-VALUE}).")
    ListenAddress metricsAddress;

    @Option(names = "--node-name", paramLabel = "NAME", required = true, converter = NodeNameConverter.class,
            defaultValue = "${env:TETHER_NODE_NAME}",
            description = "This Kubernetes node's name, set from spec.nodeName in the DaemonSet (env TETHER_NODE_NAME; required).")
    String nodeName;

    @Option(names = "--hostnqn-file", paramLabel = "PATH", defaultValue = "${env:TETHER_HOSTNQN_FILE:-/etc/nvme/hostnqn}",
            description = "Host NQN file, generated if absent (env TETHER_HOSTNQN_FILE; default ${DEFAULT-VALUE}).")
    Path hostNqnFile;

    @Option(names = "--hostid-file", paramLabel = "PATH", defaultValue = "${env:TETHER_HOSTID_FILE:-/etc/nvme/hostid}",
            description = "Host ID file, generated if absent (env TETHER_HOSTID_FILE; default ${DEFAULT-VALUE}).")
    Path hostIdFile;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:TETHER_STATE_DIR:-/var/lib/tether}",
            description = "Where staged-volume records and GPU journals live (env TETHER_STATE_DIR; default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--max-volumes-per-node", paramLabel = "N",
            defaultValue = "${env:TETHER_MAX_VOLUMES_PER_NODE:-0}",
            description = "Volumes this node accepts; 0 = no limit (env TETHER_MAX_VOLUMES_PER_NODE; default ${DEFAULT-VALUE}).")
    long maxVolumesPerNode;

    @Option(names = "--topology", paramLabel = "KEY=VALUE[,KEY=VALUE...]", converter = TopologyConverter.class,
            defaultValue = "${env:TETHER_TOPOLOGY:-}",
            description = "Where this node is, as CSI topology segments (Kubernetes label keys and values, one key prefix), "
                    + "e.g. topology.tether.csi.dev/rack=r1; kubelet labels the Node with them. Empty: no topology "
                    + "(env TETHER_TOPOLOGY; default empty).")
    TopologySegments topology;

    @Option(names = "--topology-from-node-labels", paramLabel = "KEY[,KEY...]",
            defaultValue = "${env:TETHER_TOPOLOGY_FROM_NODE_LABELS:-}",
            description = "Also report these labels of this node's Node (read once at start through the API), e.g. "
                    + "topology.kubernetes.io/zone: per-node values a DaemonSet cannot set. A node without one of them "
                    + "does not start (env TETHER_TOPOLOGY_FROM_NODE_LABELS; default empty).")
    String topologyFromNodeLabels;

    @Option(names = "--kubelet-dir", paramLabel = "DIR", defaultValue = "${env:TETHER_KUBELET_DIR:-/var/lib/kubelet}",
            description = "Kubelet's root directory: staging and target paths outside it are refused (env TETHER_KUBELET_DIR; default ${DEFAULT-VALUE}).")
    Path kubeletDir;

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "${env:TETHER_HOST_ROOT:-/}",
            description = "Where the host's /sys, /dev and /proc are seen; / in the DaemonSet (env TETHER_HOST_ROOT; default ${DEFAULT-VALUE}).")
    Path hostRoot;

    @Option(names = "--nvme-command-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVME_COMMAND_TIMEOUT:-30s}",
            description = "Limit for one nvme connect/disconnect and one sysfs write (env TETHER_NVME_COMMAND_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration nvmeCommandTimeout;

    @Option(names = "--nvme-settle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_NVME_SETTLE_TIMEOUT:-30s}",
            description = "How long NodeStage waits for a connecting controller to become live and for its namespace device to appear (env TETHER_NVME_SETTLE_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration nvmeSettleTimeout;

    @Option(names = "--mount-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_MOUNT_TIMEOUT:-60s}",
            description = "Limit for mount, umount, blkid and stat (env TETHER_MOUNT_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration mountTimeout;

    @Option(names = "--format-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_FORMAT_TIMEOUT:-10m}",
            description = "Limit for mkfs and for growing a file system (env TETHER_FORMAT_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration formatTimeout;

    @Option(names = "--reconnect-check-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_RECONNECT_CHECK_INTERVAL:-5s}",
            description = "How often the supervisor looks at every staged volume's controller (env TETHER_RECONNECT_CHECK_INTERVAL; default ${DEFAULT-VALUE}).")
    Duration reconnectCheckInterval;

    @Option(names = "--reconnect-backoff-max", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "${env:TETHER_RECONNECT_BACKOFF_MAX:-2m}",
            description = "Longest wait between two reconnect attempts for a controller that is gone (env TETHER_RECONNECT_BACKOFF_MAX; default ${DEFAULT-VALUE}).")
    Duration reconnectBackoffMax;

    @Option(names = "--kubeconfig", paramLabel = "PATH", defaultValue = "${env:TETHER_KUBECONFIG:-in-cluster}",
            description = "Kubeconfig file; 'in-cluster' for the pod's service account; 'none' for no API (GPU modes "
                    + "from --gpu-default-mode only; NvmePathLost/NvmeReconnected and GPU events only in the log) "
                    + "(env TETHER_KUBECONFIG; default ${DEFAULT-VALUE}).")
    String kubeconfig;

    @Mixin
    GpuServerOptions gpu;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(common.logFormat, common.logLevel);
        if (maxVolumesPerNode < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--max-volumes-per-node': " + maxVolumesPerNode + " is negative");
        }
        var kube = KubeconfigFlag.client(spec.commandLine(), kubeconfig);
        TopologySegments reported = topology(kube);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Readiness readiness = new Readiness();
        HostIdentity identity = HostIdentity.loadOrCreate(hostNqnFile, hostIdFile);
        NodeId nodeId = new NodeId(nodeName, identity.hostNqn());
        Sysfs sysfs = new Sysfs(hostRoot);
        CommandRunner commands = new ProcessCommandRunner();
        NvmeSysfs nvme = new NvmeSysfs(sysfs);
        NvmeMetrics metrics = new NvmeMetrics(registry);
        NvmeConnector connector = new NvmeConnector(nvme, commands, identity, Ticker.SYSTEM, metrics,
                new NvmeConnector.Limits(nvmeCommandTimeout, nvmeSettleTimeout));
        Mounter mounter = new SystemMounter(sysfs, commands, new SystemMounter.Limits(mountTimeout, formatTimeout));
        StagedVolumeStore store = StagedVolumeStore.open(stateDir);
        VolumeHealth health = new VolumeHealth();
        VolumeLocks locks = new VolumeLocks();
        VolumeEvents events = kube.<VolumeEvents>map(c -> new KubeVolumeEvents(c, nodeName, Clock.systemUTC()))
                .orElseGet(LogVolumeEvents::new);
        StartupRecovery.run(store, mounter);
        NodeService.Volumes volumes = new NodeService.Volumes(new NodeRequests(new KubeletPaths(kubeletDir)), locks,
                new VolumeStager(store, connector, mounter, sysfs, health), new VolumePublisher(store, mounter),
                new VolumeInspector(store, nvme, connector, mounter, health, Ticker.SYSTEM, nvmeSettleTimeout));
        ReconnectSupervisor supervisor = new ReconnectSupervisor(store, nvme, connector, mounter, locks, health, metrics,
                Ticker.SYSTEM, new Backoff(Duration.ofSeconds(2), reconnectBackoffMax, () -> ThreadLocalRandom.current().nextDouble()),
                events);
        ServerApp app = new ServerApp(common, metricsAddress, registry, readiness);
        kube.ifPresent(app::closeOnStop);
        if (events instanceof KubeVolumeEvents posting) {
            app.closeOnStop(posting);
        }
        app.closeOnStop(supervisor);
        app.start(List.of(
                new IdentityService(BuildInfo.version(), capabilities(reported), readiness),
                new NodeService(nodeId, maxVolumesPerNode, reported, volumes)));
        supervisor.start(reconnectCheckInterval);
        if (DevicePolicy.parse(gpu.gpuVendors, false).enabled()) {
            GpuRuntime.start(gpu, stateDir, nodeName, kube, registry).ifPresent(app::closeOnStop);
        }
        app.awaitStop();
        return 0;
    }

    /** --topology plus --topology-from-node-labels; a label this node lacks is a usage error naming the flag. */
    private TopologySegments topology(java.util.Optional<io.fabric8.kubernetes.client.KubernetesClient> kube) {
        List<String> keys = NodeTopology.labelKeys(topologyFromNodeLabels);
        if (keys.isEmpty()) {
            return topology;
        }
        if (kube.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--topology-from-node-labels': reading Node labels needs the API, but --kubeconfig is none");
        }
        try {
            return NodeTopology.resolve(kube.get(), nodeName, topology, keys);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--topology-from-node-labels': '" + topologyFromNodeLabels + "': " + e.getMessage(), e);
        }
    }

    /** Spec: a plugin whose NodeGetInfo reports accessible_topology advertises VOLUME_ACCESSIBILITY_CONSTRAINTS. */
    static List<csi.v1.Csi.PluginCapability> capabilities(TopologySegments topology) {
        return topology.isEmpty() ? List.of() : List.of(IdentityService.service(Type.VOLUME_ACCESSIBILITY_CONSTRAINTS));
    }

    public static void main(String[] args) {
        // doctor and gpu are dispatched before parsing: the server's required --node-name must not apply to them.
        String first = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        int code = switch (first) {
            case "doctor" -> CommandLines.create(new NodeDoctorCommand()).execute(rest);
            case "gpu" -> GpuCommand.execute(rest);
            default -> CommandLines.create(new NodeMain()).execute(args);
        };
        if (code != 0) {
            System.exit(code);
        }
    }

    /** {@code --version}: the build version. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tether-node " + BuildInfo.version()};
        }
    }
}

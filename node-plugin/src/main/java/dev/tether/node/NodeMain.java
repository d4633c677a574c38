package dev.tether.node;

import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.driver.app.ServerApp;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.cli.CommonOptions;
import dev.tether.driver.cli.ListenAddress;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.BuildInfo;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.kube.KubernetesClients;
import dev.tether.driver.logging.LogSetup;
import dev.tether.driver.model.NodeId;
import dev.tether.node.doctor.NodeDoctorCommand;
import dev.tether.node.gpu.DevicePolicy;
import dev.tether.node.gpu.cli.GpuCommand;
import dev.tether.node.gpu.runtime.GpuRuntime;
import dev.tether.node.gpu.runtime.GpuServerOptions;
import dev.tether.node.identity.HostIdentity;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Wires the node plugin process together; no logic of its own. */
@Command(name = "tether-node", mixinStandardHelpOptions = true, versionProvider = NodeMain.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = {NodeDoctorCommand.class, GpuCommand.class},
        description = "Tether CSI node plugin: NVMe/TCP stage/publish with automatic recovery, and VFIO GPU binding.")
public final class NodeMain implements Callable<Integer> {

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

    @Option(names = "--kubeconfig", paramLabel = "PATH", defaultValue = "${env:TETHER_KUBECONFIG:-in-cluster}",
            description = "Kubeconfig file; 'in-cluster' for the pod's service account; 'none' for no API (GPU modes "
                    + "from --gpu-default-mode only, events to the log) (env TETHER_KUBECONFIG; default ${DEFAULT-VALUE}).")
    String kubeconfig;

    @Mixin
    GpuServerOptions gpu;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(common.logFormat, common.logLevel);
        if (maxVolumesPerNode < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "Invalid value for option '--max-volumes-per-node': " + maxVolumesPerNode + " is negative");
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Readiness readiness = new Readiness();
        HostIdentity identity = HostIdentity.loadOrCreate(hostNqnFile, hostIdFile);
        NodeId nodeId = new NodeId(nodeName, identity.hostNqn());
        ServerApp app = new ServerApp(common, metricsAddress, registry, readiness);
        app.start(List.of(
                new IdentityService(BuildInfo.version(), List.of(), readiness),
                new NodeService(nodeId, maxVolumesPerNode)));
        if (DevicePolicy.parse(gpu.gpuVendors, false).enabled()) {
            var kube = KubernetesClients.fromFlag("in-cluster".equals(kubeconfig) ? "" : kubeconfig);
            kube.ifPresent(app::closeOnStop);
            GpuRuntime.start(gpu, stateDir, nodeName, kube, registry).ifPresent(app::closeOnStop);
        }
        app.awaitStop();
        return 0;
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

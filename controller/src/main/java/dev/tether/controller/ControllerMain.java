package dev.tether.controller;

import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.controller.backend.BackendOptions;
import dev.tether.controller.backend.Backends;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.controller.doctor.ControllerDoctorCommand;
import dev.tether.controller.fencing.AttachmentRegistry;
import dev.tether.controller.fencing.AttachmentStore;
import dev.tether.controller.fencing.FencingEvents;
import dev.tether.controller.fencing.FencingOptions;
import dev.tether.controller.fencing.FencingSettings;
import dev.tether.controller.fencing.HandoffProbe;
import dev.tether.controller.fencing.MicrometerFencingMetrics;
import dev.tether.controller.fencing.NodeDirectory;
import dev.tether.controller.fencing.PublishService;
import dev.tether.controller.fencing.Serving;
import dev.tether.controller.fencing.StateFileStore;
import dev.tether.controller.fencing.MigrationWatch;
import dev.tether.controller.fencing.Reconciler;
import dev.tether.controller.fencing.TargetRestorer;
import dev.tether.controller.fencing.VolumeLocks;
import dev.tether.controller.fencing.kube.ClusterFencing;
import dev.tether.controller.fencing.kube.KubeClusterView;
import dev.tether.controller.fencing.kube.KubeEvents;
import dev.tether.controller.fencing.kube.KubeHandoffProbe;
import dev.tether.controller.fencing.kube.KubeNodeDirectory;
import dev.tether.controller.fencing.kube.KubeRebuild;
import dev.tether.controller.fencing.kube.PvAnnotationStore;
import dev.tether.controller.fencing.kube.PvDirectory;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.tether.controller.volumes.Placement;
import dev.tether.controller.volumes.VolumeService;
import dev.tether.driver.cli.TopologyConverter;
import dev.tether.driver.model.TopologySegments;
import dev.tether.driver.app.ServerApp;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.cli.KubeconfigFlag;
import dev.tether.driver.cli.CommonOptions;
import dev.tether.driver.cli.ListenAddress;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.BuildInfo;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.logging.LogSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** Wires the controller process together; no logic of its own. */
@Command(name = "tether-controller", mixinStandardHelpOptions = true, versionProvider = ControllerMain.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, subcommands = ControllerDoctorCommand.class,
        description = "Tether CSI controller: provisions NVMe/TCP volumes and fences ControllerPublish/Unpublish.")
public final class ControllerMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    BackendOptions backendOptions;

    @Mixin
    FencingOptions fencingOptions;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", converter = ListenAddress.Converter.class,
            defaultValue = "${env:TETHER_METRICS_ADDRESS:-:9810}",
            description = "Serve /metrics, /healthz and /readyz here; empty disables (env TETHER_METRICS_ADDRESS; default ${DEFAULT-VALUE}).")
    ListenAddress metricsAddress;

    @Option(names = "--accessible-topology", paramLabel = "KEY=VALUE[,KEY=VALUE...]", converter = TopologyConverter.class,
            defaultValue = "${env:TETHER_ACCESSIBLE_TOPOLOGY:-}",
            description = "Where this target's volumes can be reached from, as CSI topology segments (keys and values the "
                    + "node plugins report with --topology); every volume gets it and its pods are kept on nodes that match. "
                    + "Empty: reachable from every node (env TETHER_ACCESSIBLE_TOPOLOGY; default empty).")
    TopologySegments accessibleTopology;

    @Option(names = "--kubeconfig", paramLabel = "PATH",
            defaultValue = "${env:TETHER_KUBECONFIG:-in-cluster}",
            description = "Kubeconfig file; 'in-cluster' for the pod's service account; 'none' for standalone mode "
                    + "(attachments in memory, events to the log) (env TETHER_KUBECONFIG; default ${DEFAULT-VALUE}).")
    String kubeconfig;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(common.logFormat, common.logLevel);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Readiness readiness = new Readiness();
        StorageBackend backend;
        try {
            backend = Backends.create(backendOptions, registry);
        } catch (IllegalArgumentException badFlag) {
            // Backends names the flag; picocli prints it as a usage error and exits 2, like any other bad flag.
            throw new ParameterException(spec.commandLine(), badFlag.getMessage(), badFlag);
        }
        readiness.add("backend", backend::healthProblem);
        FencingSettings settings = fencingOptions.settings();
        var kube = KubeconfigFlag.client(spec.commandLine(), kubeconfig);
        boolean elect = fencingOptions.leaderElection(kube.isPresent());
        if (kube.isPresent() && fencingOptions.stateFilePath().isPresent()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--state-file is for standalone mode (--kubeconfig none); in a cluster attachments live in PV annotations");
        }
        Clock clock = Clock.systemUTC();
        AttachmentRegistry attachments = new AttachmentRegistry();
        VolumeLocks locks = new VolumeLocks();
        Serving serving = new Serving("attachments not rebuilt yet");
        readiness.add("fencing", serving::notServing);
        MicrometerFencingMetrics metrics = new MicrometerFencingMetrics(registry, attachments);
        ServerApp app = new ServerApp(common, metricsAddress, registry, readiness);
        kube.ifPresent(app::closeOnStop);
        app.closeOnStop(backend);
        PublishService publish;
        FencingEvents fencingEvents;
        if (kube.isPresent()) {
            KubernetesClient client = kube.get();
            PvDirectory pvs = new PvDirectory(client);
            KubeEvents events = new KubeEvents(client, pvs, clock);
            fencingEvents = events;
            app.closeOnStop(events);
            AttachmentStore store = new PvAnnotationStore(client, pvs);
            publish = new PublishService(backend, attachments, locks, store, new KubeNodeDirectory(client),
                    new KubeHandoffProbe(client), events, metrics, serving, settings, clock);
            ClusterFencing cluster = new ClusterFencing(client, new KubeRebuild(client, pvs, backend, store, events, clock),
                    new Reconciler(new KubeClusterView(client, pvs), attachments, locks, publish, events, metrics, clock),
                    new MigrationWatch(attachments, events, metrics, clock, settings.migrationWindow()),
                    attachments, serving, fencingOptions.reconcileInterval, fencingOptions.notReadyThreshold, clock);
            app.closeOnStop(cluster);
            if (elect) {
                cluster.startWithLeaderElection(leaseNamespace(client), fencingOptions.leaseName, identity(),
                        fencingOptions.leaseTimings());
            } else {
                cluster.startAlone();
            }
        } else {
            fencingEvents = FencingEvents.LOG;
            AttachmentStore store = fencingOptions.stateFilePath().<AttachmentStore>map(StateFileStore::new)
                    .orElse(AttachmentStore.IN_MEMORY);
            publish = new PublishService(backend, attachments, locks, store, NodeDirectory.ANY, HandoffProbe.NONE,
                    FencingEvents.LOG, metrics, serving, settings, clock);
            store.load().forEach(attachments::put);
            serving.serve();
            MigrationWatch migrations = new MigrationWatch(attachments, FencingEvents.LOG, metrics, clock, settings.migrationWindow());
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "migration-watch");
                t.setDaemon(true);
                return t;
            });
            long tick = migrations.tick().toMillis();
            ticks.scheduleWithFixedDelay(migrations::check, tick, tick, TimeUnit.MILLISECONDS);
            app.closeOnStop(ticks::shutdownNow);
        }
        startTargetChecks(app, new TargetRestorer(backend, attachments, locks, serving, fencingEvents, registry));
        Placement placement = new Placement(accessibleTopology);
        VolumeService volumes = new VolumeService(backend, publish, placement, registry);
        app.start(List.of(
                new IdentityService(BuildInfo.version(), capabilities(placement), readiness),
                new ControllerService(volumes, publish, serving)));
        app.awaitStop();
        return 0;
    }

    /** Re-exports after a target reboot, in both modes; the restorer itself does nothing while this replica does not serve. */
    private void startTargetChecks(ServerApp app, TargetRestorer restorer) {
        long every = fencingOptions.targetCheckInterval.toMillis();
        if (every == 0) {
            return;
        }
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "target-check");
            t.setDaemon(true);
            return t;
        });
        checks.scheduleWithFixedDelay(() -> {
            try {
                restorer.runOnce();
            } catch (RuntimeException e) {
                // A pass that fails must not end the schedule (a thrown task is never run again).
                org.slf4j.LoggerFactory.getLogger(TargetRestorer.class).warn("target check failed: {}", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        app.closeOnStop(checks::shutdownNow);
    }

    /** Spec: a plugin that returns a volume's accessible_topology advertises VOLUME_ACCESSIBILITY_CONSTRAINTS. */
    /**
     * VolumeExpansion ONLINE: the controller serves EXPAND_VOLUME and the node grows a mounted file system, and the
     * spec asks a plugin that expands to say so here (the kubernetes-csi expansion guide makes it a MUST).
     */
    static List<csi.v1.Csi.PluginCapability> capabilities(Placement placement) {
        return placement.constrained()
                ? List.of(IdentityService.service(Type.CONTROLLER_SERVICE), IdentityService.onlineExpansion(),
                        IdentityService.service(Type.VOLUME_ACCESSIBILITY_CONSTRAINTS))
                : List.of(IdentityService.service(Type.CONTROLLER_SERVICE), IdentityService.onlineExpansion());
    }

    /** The Lease's namespace: the flag, else the pod's namespace, else the client's (service account), else default. */
    private String leaseNamespace(KubernetesClient client) {
        if (!fencingOptions.leaseNamespace.isBlank()) {
            return fencingOptions.leaseNamespace;
        }
        String pod = System.getenv("POD_NAMESPACE");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String configured = client.getNamespace();
        return configured == null || configured.isBlank() ? "default" : configured;
    }

    private static String identity() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "tether-controller" : host) + "_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    public static void main(String[] args) {
        int code = CommandLines.create(new ControllerMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** {@code --version}: the build version. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tether-controller " + BuildInfo.version()};
        }
    }
}

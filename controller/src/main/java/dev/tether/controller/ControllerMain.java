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
import dev.tether.controller.fencing.VolumeLocks;
import dev.tether.controller.volumes.VolumeService;
import dev.tether.driver.app.ServerApp;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.cli.CommonOptions;
import dev.tether.driver.cli.ListenAddress;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.BuildInfo;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.kube.KubernetesClients;
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
        var kube = KubernetesClients.fromFlag("in-cluster".equals(kubeconfig) ? "" : kubeconfig);
        AttachmentRegistry attachments = new AttachmentRegistry();
        Serving serving = new Serving("attachments not rebuilt yet");
        readiness.add("fencing", serving::notServing);
        AttachmentStore store = fencingOptions.stateFilePath().<AttachmentStore>map(StateFileStore::new)
                .orElse(AttachmentStore.IN_MEMORY);
        PublishService publish = new PublishService(backend, attachments, new VolumeLocks(), store, NodeDirectory.ANY,
                HandoffProbe.NONE, FencingEvents.LOG, new MicrometerFencingMetrics(registry, attachments), serving,
                settings, Clock.systemUTC());
        store.load().forEach(attachments::put);
        serving.serve();
        VolumeService volumes = new VolumeService(backend, publish, registry);
        ServerApp app = new ServerApp(common, metricsAddress, registry, readiness);
        kube.ifPresent(app::closeOnStop);
        app.closeOnStop(backend);
        app.start(List.of(
                new IdentityService(BuildInfo.version(), List.of(IdentityService.service(Type.CONTROLLER_SERVICE)), readiness),
                new ControllerService(volumes, publish)));
        app.awaitStop();
        return 0;
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

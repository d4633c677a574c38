package dev.tether.controller.volumes;

import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.controller.ControllerService;
import dev.tether.controller.backend.BackendOptions;
import dev.tether.controller.backend.Backends;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.driver.app.ServerApp;
import dev.tether.driver.cli.CommandLines;
import dev.tether.driver.cli.CommonOptions;
import dev.tether.driver.cli.ListenAddress;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.BuildInfo;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.logging.LogSetup;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The controller as lab scenarios and ITs run it until ControllerMain wires {@link VolumeService} and the fencing
 * half: same flags, same server, with {@link DirectPublish} standing in for fencing. Run from the shipped jar plus
 * test classes: {@code java -cp tether-controller.jar:controller/target/test-classes dev.tether.controller.volumes.LabController}.
 */
@Command(name = "tether-lab-controller", mixinStandardHelpOptions = true)
public final class LabController implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    BackendOptions backendOptions;

    @Option(names = "--metrics-address", converter = ListenAddress.Converter.class, defaultValue = "${env:TETHER_METRICS_ADDRESS:-}",
            description = "Metrics address; empty disables (env TETHER_METRICS_ADDRESS; default ${DEFAULT-VALUE}).")
    ListenAddress metricsAddress;

    @Override
    public Integer call() throws Exception {
        LogSetup.configure(common.logFormat, common.logLevel);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Readiness readiness = new Readiness();
        StorageBackend backend = Backends.create(backendOptions, registry);
        readiness.add("backend", backend::healthProblem);
        DirectPublish publish = new DirectPublish(backend);
        ServerApp app = new ServerApp(common, metricsAddress, registry, readiness);
        app.closeOnStop(backend);
        app.start(List.of(
                new IdentityService(BuildInfo.version(), List.of(IdentityService.service(Type.CONTROLLER_SERVICE)), readiness),
                new ControllerService(new VolumeService(backend, publish, registry), publish)));
        app.awaitStop();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(CommandLines.create(new LabController()).execute(args));
    }
}

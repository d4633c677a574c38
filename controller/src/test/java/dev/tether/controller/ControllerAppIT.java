package dev.tether.controller;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.testing.AppProcess;
import dev.tether.driver.testing.CsiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped controller jar, started as a process and called over its real unix socket. */
class ControllerAppIT {
    private static final Path JAR = AppProcess.jar("controller", "tether-controller.jar");

    @TempDir
    Path dir;

    @Test
    void servesIdentityAndControllerOnAUnixSocketAndCleansUpOnSigterm() throws Exception {
        Path socket = dir.resolve("csi/controller.sock");
        try (AppProcess app = AppProcess.start(JAR, dir.resolve("app.log"), List.of(
                "--endpoint", "unix://" + socket, "--kubeconfig", "none", "--backend", "fake", "--metrics-address", "127.0.0.1:0"))) {
            app.awaitSocket(socket, Duration.ofSeconds(30));
            try (CsiClient client = new CsiClient(new Endpoint.Unix(socket))) {
                Csi.GetPluginInfoResponse info = client.identity().getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance());
                assertThat(info.getName()).isEqualTo("tether.csi.dev");
                assertThat(info.getVendorVersion()).isNotBlank();
                assertThat(client.identity().getPluginCapabilities(Csi.GetPluginCapabilitiesRequest.getDefaultInstance())
                        .getCapabilitiesList())
                        .anySatisfy(c -> assertThat(c.getService().getType())
                                .isEqualTo(Csi.PluginCapability.Service.Type.CONTROLLER_SERVICE));
                assertThat(client.controller().controllerGetCapabilities(
                        Csi.ControllerGetCapabilitiesRequest.getDefaultInstance())).isNotNull();
            }
            app.terminate(Duration.ofSeconds(20));
            assertThat(socket).doesNotExist();
            assertThat(app.output()).contains("stopping");
        }
    }

    @Test
    void aBadFlagFailsAtStartWithOneLineNamingItAndExitCode2() throws Exception {
        for (List<String> args : List.of(List.of("--endpoint", "foo://x"), List.of("--metrics-address", ":70000"))) {
            try (AppProcess app = AppProcess.start(JAR, dir.resolve("bad.log"), args)) {
                assertThat(app.awaitExit(Duration.ofSeconds(30))).as(args.toString()).isEqualTo(2);
                String out = app.output().strip();
                assertThat(out.lines()).as(out).hasSize(1);
                assertThat(out).contains(args.get(0));
            }
        }
    }
}

package dev.tether.controller.tools;

import static org.assertj.core.api.Assertions.assertThat;

import csi.v1.Csi.PluginCapability.Service.Type;
import dev.tether.controller.ControllerService;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.controller.volumes.VolumeService;
import dev.tether.driver.conformance.ControllerRules;
import dev.tether.driver.grpc.CsiServer;
import dev.tether.driver.grpc.Endpoint;
import dev.tether.driver.grpc.Interceptors;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.testing.CsiClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The volume RPCs behind the real server stack on a unix socket, driven by CsiCall and the conformance rules. */
class CsiCallIT {
    @TempDir
    Path dir;
    CsiServer server;
    String endpoint;

    @BeforeEach
    void start() throws Exception {
        Path socket = dir.resolve("csi.sock");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeBackend backend = new FakeBackend(1L << 30, Clock.systemUTC());
        VolumeService volumes = new VolumeService(backend, v -> Set.of(), registry);
        server = CsiServer.start(new Endpoint.Unix(socket), List.of(
                new IdentityService("test", List.of(IdentityService.service(Type.CONTROLLER_SERVICE)), new Readiness()),
                new ControllerService(volumes, new NoPublish())), Interceptors.standard(registry));
        endpoint = "unix://" + socket;
    }

    @AfterEach
    void stop() {
        server.shutdown(Duration.ofSeconds(1));
    }

    record Call(int code, String out, String err) {
    }

    Call call(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CsiCall.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Call(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void callsAnyRpcByNameJsonInJsonOutExitCodeIsTheStatusCode() {
        Call created = call("", "--endpoint", endpoint, "CreateVolume",
                "{\"name\":\"v1\",\"volumeCapabilities\":[{\"block\":{},\"accessMode\":{\"mode\":\"SINGLE_NODE_WRITER\"}}]}");
        assertThat(created.code()).isZero();
        assertThat(created.out()).contains("\"volumeId\": \"v1\"").contains("\"capacityBytes\": \"1073741824\"");

        Call missing = call("", "--endpoint", endpoint, "ControllerGetVolume", "{\"volumeId\":\"nope\"}");
        assertThat(missing.code()).isEqualTo(5);
        assertThat(missing.err()).startsWith("NOT_FOUND: volume 'nope'");

        assertThat(call("", "--endpoint", endpoint, "Probe").code()).isZero();
        assertThat(call("", "--endpoint", endpoint, "NoSuchRpc").code()).isEqualTo(CsiCall.USAGE);
        assertThat(call("", "--endpoint", endpoint, "CreateVolume", "{\"nme\":1}").err()).contains("CreateVolumeRequest");
        assertThat(call("", "--endpoint", endpoint, "NodeGetInfo").code()).as("node RPCs resolve; this server has none")
                .isEqualTo(12);
    }

    @Test
    void linesModeAnswersOneLinePerRequest() {
        Call many = call("""
                Probe {}
                CreateVolume {"name":"v2","volumeCapabilities":[{"mount":{},"accessMode":{"mode":"MULTI_NODE_MULTI_WRITER"}}]}

                ListVolumes
                """, "--endpoint", endpoint, "--lines");
        List<String> lines = many.out().lines().toList();
        assertThat(many.code()).isZero();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("0 {\"ready\":true}");
        assertThat(lines.get(1)).startsWith("3 INVALID_ARGUMENT: volume_capabilities[0].access_mode MULTI_NODE_MULTI_WRITER");
        assertThat(lines.get(2)).isEqualTo("0 {}");
    }

    @Test
    void aLineMayNameItsOwnEndpointAndReachesARestartedServer() throws Exception {
        Path otherSocket = dir.resolve("other.sock");
        Endpoint other = new Endpoint.Unix(otherSocket);
        CsiServer second = startIdentity(other, "other-1");
        PipedOutputStream requests = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(requests);
        PipedInputStream answers = new PipedInputStream(1 << 16);
        PrintStream stdout = new PrintStream(new PipedOutputStream(answers), true, StandardCharsets.UTF_8);
        Thread client = Thread.ofVirtual().start(() -> CsiCall.run(new String[] {"--endpoint", endpoint, "--lines"}, stdin,
                stdout, new PrintStream(OutputStream.nullOutputStream())));
        BufferedReader out = new BufferedReader(new InputStreamReader(answers, StandardCharsets.UTF_8));
        try {
            assertThat(ask(requests, out, "GetPluginInfo")).contains("\"vendorVersion\":\"test\"");
            assertThat(ask(requests, out, "unix://" + otherSocket + " GetPluginInfo {}")).contains("\"vendorVersion\":\"other-1\"");
            assertThat(ask(requests, out, "unix://" + otherSocket + " Probe")).isEqualTo("0 {\"ready\":true}");

            second.shutdown(Duration.ofSeconds(1));
            assertThat(ask(requests, out, "unix://" + otherSocket + " GetPluginInfo")).startsWith("14 UNAVAILABLE");
            second = startIdentity(other, "other-2");
            assertThat(ask(requests, out, "unix://" + otherSocket + " GetPluginInfo"))
                    .as("the restarted server answers the very next call").contains("\"vendorVersion\":\"other-2\"");
            assertThat(ask(requests, out, "GetPluginInfo")).contains("\"vendorVersion\":\"test\"");
        } finally {
            requests.close();
            client.join(Duration.ofSeconds(10));
            second.shutdown(Duration.ofSeconds(1));
        }
    }

    private CsiServer startIdentity(Endpoint at, String version) throws Exception {
        return CsiServer.start(at, List.of(new IdentityService(version, List.of(), new Readiness())),
                Interceptors.standard(new SimpleMeterRegistry()));
    }

    private static String ask(PipedOutputStream requests, BufferedReader answers, String line) throws Exception {
        requests.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        requests.flush();
        return answers.readLine();
    }

    @Test
    void theVolumeHalfFollowsTheConformanceRules() throws Exception {
        try (CsiClient client = new CsiClient(new Endpoint.Unix(Path.of(endpoint.substring("unix://".length()))))) {
            ControllerRules.check(client.controller());
        }
    }

    /** Publish is not this module's: UNIMPLEMENTED and not advertised. */
    static final class NoPublish implements dev.tether.controller.fencing.PublishRpcs {
        @Override
        public csi.v1.Csi.ControllerPublishVolumeResponse publish(csi.v1.Csi.ControllerPublishVolumeRequest request) {
            throw new dev.tether.driver.error.UnimplementedException("ControllerPublishVolume is not served here");
        }

        @Override
        public csi.v1.Csi.ControllerUnpublishVolumeResponse unpublish(csi.v1.Csi.ControllerUnpublishVolumeRequest request) {
            throw new dev.tether.driver.error.UnimplementedException("ControllerUnpublishVolume is not served here");
        }

        @Override
        public List<csi.v1.Csi.ControllerServiceCapability.RPC.Type> capabilities() {
            return List.of();
        }
    }
}

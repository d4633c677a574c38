package dev.tether.driver.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import dev.tether.driver.health.Readiness;
import dev.tether.driver.identity.IdentityService;
import dev.tether.driver.testing.CsiClient;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsiServerTest {
    @TempDir
    Path dir;

    private CsiServer start(Endpoint endpoint, io.grpc.BindableService service) throws IOException {
        return CsiServer.start(endpoint, List.of(service), Interceptors.standard(new SimpleMeterRegistry()));
    }

    private static IdentityService identity() {
        return new IdentityService("test", List.of(), new Readiness());
    }

    @Test
    void servesOnAUnixSocketWithRestrictedPermissionsAndRemovesItOnShutdown() throws Exception {
        Endpoint.Unix endpoint = new Endpoint.Unix(dir.resolve("nested/dir/csi.sock"));
        CsiServer server = start(endpoint, identity());
        try (CsiClient client = new CsiClient(endpoint)) {
            assertThat(client.identity().getPluginInfo(Csi.GetPluginInfoRequest.getDefaultInstance()).getName())
                    .isEqualTo("tether.csi.dev");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(endpoint.socket()))).isEqualTo("rw-rw----");
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
        assertThat(endpoint.socket()).doesNotExist();
    }

    @Test
    void removesAStaleSocketFileButRefusesALiveOne() throws Exception {
        Endpoint.Unix endpoint = new Endpoint.Unix(dir.resolve("csi.sock"));
        Files.writeString(endpoint.socket(), "left by a crashed process");
        CsiServer first = start(endpoint, identity());
        try {
            assertThatThrownBy(() -> start(endpoint, identity())).isInstanceOf(IOException.class)
                    .hasMessageContaining("already serving");
        } finally {
            first.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void servesOnTcp() throws Exception {
        CsiServer server = start(new Endpoint.Tcp("127.0.0.1", 0), identity());
        try (CsiClient client = new CsiClient(new Endpoint.Tcp("127.0.0.1", server.port()))) {
            assertThat(client.identity().probe(Csi.ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        } finally {
            server.shutdown(Duration.ofSeconds(2));
        }
    }

    @Test
    void shutdownLetsAnInFlightCallFinish() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        IdentityGrpc.IdentityImplBase slow = new IdentityGrpc.IdentityImplBase() {
            @Override
            public void probe(Csi.ProbeRequest request, StreamObserver<Csi.ProbeResponse> response) {
                entered.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                response.onNext(Csi.ProbeResponse.getDefaultInstance());
                response.onCompleted();
            }
        };
        Endpoint.Unix endpoint = new Endpoint.Unix(dir.resolve("drain.sock"));
        CsiServer server = start(endpoint, slow);
        try (CsiClient client = new CsiClient(endpoint)) {
            CompletableFuture<Csi.ProbeResponse> call = CompletableFuture.supplyAsync(
                    () -> client.identity().probe(Csi.ProbeRequest.getDefaultInstance()));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            server.shutdown(Duration.ofSeconds(5));
            assertThat(call.get(5, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(endpoint.socket()).doesNotExist();
    }
}

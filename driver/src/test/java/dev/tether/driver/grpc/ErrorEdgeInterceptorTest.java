package dev.tether.driver.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import csi.v1.Csi;
import csi.v1.IdentityGrpc;
import dev.tether.driver.error.NotFoundException;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorEdgeInterceptorTest {
    private Server server;
    private ManagedChannel channel;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** A probe that behaves as told, to see what the caller receives for each way a service can fail. */
    private IdentityGrpc.IdentityBlockingStub serve(Consumer<StreamObserver<Csi.ProbeResponse>> behaviour) throws Exception {
        String name = InProcessServerBuilder.generateName();
        IdentityGrpc.IdentityImplBase service = new IdentityGrpc.IdentityImplBase() {
            @Override
            public void probe(Csi.ProbeRequest request, StreamObserver<Csi.ProbeResponse> response) {
                behaviour.accept(response);
            }
        };
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, Interceptors.standard(registry))).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return IdentityGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private static Status.Code codeOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void thrownCsiExceptionKeepsItsCodeAndMessage() throws Exception {
        var stub = serve(r -> {
            throw new NotFoundException("volume 'v9' does not exist");
        });
        assertThatThrownBy(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("volume 'v9' does not exist");
                });
    }

    @Test
    void thrownUnexpectedExceptionIsInternalNotUnknown() throws Exception {
        var stub = serve(r -> {
            throw new NullPointerException("oops");
        });
        assertThat(codeOf(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void aThrownErrorIsInternalNotUnknownAndTheServerKeepsServing() throws Exception {
        int[] calls = {0};
        var stub = serve(r -> {
            if (calls[0]++ == 0) {
                throw new StackOverflowError();
            }
            if (calls[0] == 2) {
                throw new AssertionError("broken invariant");
            }
            r.onNext(Csi.ProbeResponse.getDefaultInstance());
            r.onCompleted();
        });
        assertThatThrownBy(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                    assertThat(e.getStatus().getDescription()).contains("StackOverflowError");
                });
        assertThat(codeOf(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))).isEqualTo(Status.Code.INTERNAL);
        assertThat(codeOf(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))).isEqualTo(Status.Code.OK);
        assertThat(registry.find(MetricsInterceptor.METRIC).tag("code", "UNKNOWN").timer()).isNull();
    }

    @Test
    void onErrorWithPlainExceptionIsInternalNotUnknown() throws Exception {
        var stub = serve(r -> r.onError(new IllegalStateException("bad state")));
        assertThat(codeOf(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void onErrorWithCsiExceptionKeepsItsCode() throws Exception {
        var stub = serve(r -> r.onError(new NotFoundException("gone")));
        assertThat(codeOf(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void metricsRecordTheMappedCode() throws Exception {
        var stub = serve(r -> {
            throw new IllegalArgumentException("x");
        });
        codeOf(() -> stub.probe(Csi.ProbeRequest.getDefaultInstance()));
        assertThat(registry.find(MetricsInterceptor.METRIC).tag("method", "Probe").tag("code", "INTERNAL").timer())
                .isNotNull()
                .satisfies(t -> assertThat(t.count()).isEqualTo(1));
        assertThat(registry.find(MetricsInterceptor.METRIC).tag("code", "UNKNOWN").timer()).isNull();
    }
}

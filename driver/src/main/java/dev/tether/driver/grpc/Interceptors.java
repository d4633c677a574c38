package dev.tether.driver.grpc;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/** The interceptor chain every Tether CSI service runs behind. */
public final class Interceptors {
    private Interceptors() {
    }

    /**
     * Ordered for {@code ServerInterceptors.intercept}, which calls the last one first. Outermost to innermost:
     * request id (so every log line has it), metrics and logging (so they see the final code), and the error edge
     * right next to the service, so it maps what the service throws before anyone else sees it.
     */
    public static List<ServerInterceptor> standard(MeterRegistry registry) {
        return List.of(new ErrorEdgeInterceptor(), new CallLoggingInterceptor(), new MetricsInterceptor(registry),
                new RequestIdInterceptor());
    }
}

package dev.tether.driver.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;

/**
 * Gives every call a short request id and its method name in the logging MDC, so all lines a call produces (including
 * those of the backend and Kubernetes client code it runs) can be grepped together.
 */
public final class RequestIdInterceptor implements ServerInterceptor {
    public static final String REQUEST_ID = "req";
    public static final String METHOD = "rpc";

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String method = call.getMethodDescriptor().getBareMethodName();
        ServerCall.Listener<Q> delegate = withMdc(id, method, () -> next.startCall(call, headers));
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                withMdc(id, method, () -> {
                    super.onMessage(message);
                    return null;
                });
            }

            @Override
            public void onHalfClose() {
                withMdc(id, method, () -> {
                    super.onHalfClose();
                    return null;
                });
            }

            @Override
            public void onCancel() {
                withMdc(id, method, () -> {
                    super.onCancel();
                    return null;
                });
            }

            @Override
            public void onComplete() {
                withMdc(id, method, () -> {
                    super.onComplete();
                    return null;
                });
            }
        };
    }

    private static <T> T withMdc(String id, String method, java.util.function.Supplier<T> step) {
        MDC.put(REQUEST_ID, id);
        MDC.put(METHOD, method);
        try {
            return step.get();
        } finally {
            MDC.remove(REQUEST_ID);
            MDC.remove(METHOD);
        }
    }
}

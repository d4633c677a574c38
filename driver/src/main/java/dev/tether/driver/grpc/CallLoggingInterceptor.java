package dev.tether.driver.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import com.google.protobuf.Message;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each call once, when it closes: method, code, duration and the request with every {@code csi_secret} field
 * stripped. Calls that kubelet and probes make every few seconds are logged at DEBUG unless they fail.
 */
public final class CallLoggingInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger("dev.tether.csi.calls");
    private static final Set<String> CHATTY = Set.of(
            "Probe", "GetPluginInfo", "GetPluginCapabilities", "ControllerGetCapabilities", "NodeGetCapabilities",
            "NodeGetInfo", "NodeGetVolumeStats", "ListVolumes", "GetCapacity");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        long started = System.nanoTime();
        Object[] request = new Object[1];
        ServerCall<Q, R> logging = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                log(method, status, (System.nanoTime() - started) / 1_000_000.0, request[0]);
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(logging, headers)) {
            @Override
            public void onMessage(Q message) {
                request[0] = message;
                super.onMessage(message);
            }
        };
    }

    private static void log(String method, Status status, double millis, Object request) {
        String shown = request instanceof Message message ? SecretStripper.describe(message) : "";
        String duration = String.format("%.1f", millis);
        if (status.isOk()) {
            if (CHATTY.contains(method)) {
                LOG.debug("{} OK in {} ms request={{}}", method, duration, shown);
            } else {
                LOG.info("{} OK in {} ms request={{}}", method, duration, shown);
            }
        } else if (status.getCode() == Status.Code.INTERNAL) {
            LOG.error("{} {} in {} ms: {} request={{}}", method, status.getCode(), duration, status.getDescription(), shown);
        } else {
            LOG.warn("{} {} in {} ms: {} request={{}}", method, status.getCode(), duration, status.getDescription(), shown);
        }
    }
}

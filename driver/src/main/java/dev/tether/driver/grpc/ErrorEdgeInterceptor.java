package dev.tether.driver.grpc;

import dev.tether.driver.error.ErrorMapper;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place where exceptions become gRPC statuses. A service may throw (the usual way) or pass an exception to
 * {@code onError}; either way the caller gets the mapped code, and UNKNOWN is never sent. Errors count too: gRPC
 * answers UNKNOWN for a StackOverflowError or an AssertionError, so they are mapped to INTERNAL like any other bug.
 * Only a VirtualMachineError other than a stack overflow (out of memory, internal JVM error) is thrown on once the
 * call is closed, because the process may not be able to go on.
 */
public final class ErrorEdgeInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        MappingCall<Q, R> mapping = new MappingCall<>(call);
        ServerCall.Listener<Q> delegate;
        try {
            delegate = next.startCall(mapping, headers);
        } catch (RuntimeException | Error e) {
            mapping.closeOnce(ErrorMapper.toStatus(e));
            rethrowIfFatal(e);
            return new ServerCall.Listener<>() {
            };
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                guard(() -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                guard(super::onHalfClose);
            }

            @Override
            public void onReady() {
                guard(super::onReady);
            }

            @Override
            public void onCancel() {
                guard(super::onCancel);
            }

            @Override
            public void onComplete() {
                guard(super::onComplete);
            }

            private void guard(Runnable step) {
                try {
                    step.run();
                } catch (RuntimeException | Error e) {
                    mapping.closeOnce(ErrorMapper.toStatus(e));
                    rethrowIfFatal(e);
                }
            }
        };
    }

    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
            throw fatal;
        }
    }

    private static final class MappingCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        private final AtomicBoolean closed = new AtomicBoolean();

        MappingCall(ServerCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (closed.compareAndSet(false, true)) {
                super.close(ErrorMapper.fromClosingStatus(status), trailers);
            }
        }

        void closeOnce(Status status) {
            close(status, new Metadata());
        }
    }
}

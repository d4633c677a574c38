package dev.tether.driver.conformance;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;

/** Calls an RPC and reports only the gRPC code it ended with, for rules that are about codes. */
public final class RpcProbe {
    private RpcProbe() {
    }

    public static Status.Code codeOf(Supplier<?> call) {
        try {
            call.get();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    public static Status statusOf(Supplier<?> call) {
        try {
            call.get();
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}

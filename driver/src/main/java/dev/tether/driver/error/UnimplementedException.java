package dev.tether.driver.error;

import io.grpc.Status;

/** The RPC or the requested feature is not served by this process. */
public final class UnimplementedException extends CsiException {
    public UnimplementedException(String message) {
        super(Status.Code.UNIMPLEMENTED, message);
    }

    public UnimplementedException(String message, Throwable cause) {
        super(Status.Code.UNIMPLEMENTED, message, cause);
    }
}

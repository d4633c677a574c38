package dev.tether.driver.error;

import io.grpc.Status;

/** Another operation on the same object is in flight; the caller should retry. */
public final class AbortedException extends CsiException {
    public AbortedException(String message) {
        super(Status.Code.ABORTED, message);
    }

    public AbortedException(String message, Throwable cause) {
        super(Status.Code.ABORTED, message, cause);
    }
}

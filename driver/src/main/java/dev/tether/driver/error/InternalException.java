package dev.tether.driver.error;

import io.grpc.Status;

/** An invariant was broken inside Tether; the message says which. */
public final class InternalException extends CsiException {
    public InternalException(String message) {
        super(Status.Code.INTERNAL, message);
    }

    public InternalException(String message, Throwable cause) {
        super(Status.Code.INTERNAL, message, cause);
    }
}

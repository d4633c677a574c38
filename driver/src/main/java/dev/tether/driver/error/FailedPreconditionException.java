package dev.tether.driver.error;

import io.grpc.Status;

/** The request is valid but the system is not in a state that allows it (e.g. published elsewhere). */
public final class FailedPreconditionException extends CsiException {
    public FailedPreconditionException(String message) {
        super(Status.Code.FAILED_PRECONDITION, message);
    }

    public FailedPreconditionException(String message, Throwable cause) {
        super(Status.Code.FAILED_PRECONDITION, message, cause);
    }
}

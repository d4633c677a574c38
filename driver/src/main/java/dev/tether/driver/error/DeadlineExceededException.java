package dev.tether.driver.error;

import io.grpc.Status;

/** An external action did not finish within its timeout. */
public final class DeadlineExceededException extends CsiException {
    public DeadlineExceededException(String message) {
        super(Status.Code.DEADLINE_EXCEEDED, message);
    }

    public DeadlineExceededException(String message, Throwable cause) {
        super(Status.Code.DEADLINE_EXCEEDED, message, cause);
    }
}

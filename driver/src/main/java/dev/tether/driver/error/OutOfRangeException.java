package dev.tether.driver.error;

import io.grpc.Status;

/** A requested size or range cannot be satisfied. */
public final class OutOfRangeException extends CsiException {
    public OutOfRangeException(String message) {
        super(Status.Code.OUT_OF_RANGE, message);
    }

    public OutOfRangeException(String message, Throwable cause) {
        super(Status.Code.OUT_OF_RANGE, message, cause);
    }
}

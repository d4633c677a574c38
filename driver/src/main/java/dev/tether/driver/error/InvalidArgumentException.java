package dev.tether.driver.error;

import io.grpc.Status;

/** A request field is missing or malformed; the message names the field and the value. */
public final class InvalidArgumentException extends CsiException {
    public InvalidArgumentException(String message) {
        super(Status.Code.INVALID_ARGUMENT, message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(Status.Code.INVALID_ARGUMENT, message, cause);
    }
}

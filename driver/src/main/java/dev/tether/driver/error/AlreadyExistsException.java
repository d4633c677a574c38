package dev.tether.driver.error;

import io.grpc.Status;

/** The object exists with properties that are incompatible with the request. */
public final class AlreadyExistsException extends CsiException {
    public AlreadyExistsException(String message) {
        super(Status.Code.ALREADY_EXISTS, message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(Status.Code.ALREADY_EXISTS, message, cause);
    }
}

package dev.tether.driver.error;

import io.grpc.Status;

/** The volume, snapshot or node really does not exist (never used for a transient API error). */
public final class NotFoundException extends CsiException {
    public NotFoundException(String message) {
        super(Status.Code.NOT_FOUND, message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(Status.Code.NOT_FOUND, message, cause);
    }
}

package dev.tether.driver.error;

import io.grpc.Status;

/** A limit was reached (node attachment limit, backend capacity). */
public final class ResourceExhaustedException extends CsiException {
    public ResourceExhaustedException(String message) {
        super(Status.Code.RESOURCE_EXHAUSTED, message);
    }

    public ResourceExhaustedException(String message, Throwable cause) {
        super(Status.Code.RESOURCE_EXHAUSTED, message, cause);
    }
}

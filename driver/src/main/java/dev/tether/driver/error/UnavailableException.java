package dev.tether.driver.error;

import io.grpc.Status;

/** A dependency (Kubernetes API, storage target, leadership) is not available right now; retry later. */
public final class UnavailableException extends CsiException {
    public UnavailableException(String message) {
        super(Status.Code.UNAVAILABLE, message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(Status.Code.UNAVAILABLE, message, cause);
    }
}

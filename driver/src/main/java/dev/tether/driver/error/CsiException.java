package dev.tether.driver.error;

import io.grpc.Status;

/**
 * Base of every error Tether answers on purpose. Each subclass stands for exactly one gRPC code, so a service
 * states the outcome by the type it throws and {@link ErrorMapper} turns it into a Status once, at the edge.
 */
public abstract class CsiException extends RuntimeException {
    private final Status.Code code;

    protected CsiException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    protected CsiException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }
}

package dev.tether.driver.error;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns anything a service throws into the Status the caller sees. Deliberate errors keep their code; anything
 * unexpected becomes INTERNAL with its stack logged. Nothing ever leaves as UNKNOWN, which CSI sidecars treat as
 * "maybe it happened" and which tells the operator nothing.
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static Status toStatus(Throwable error) {
        if (error instanceof CsiException csi) {
            return Status.fromCode(csi.code()).withDescription(csi.getMessage());
        }
        if (error instanceof StatusRuntimeException sre) {
            return known(sre.getStatus(), sre);
        }
        if (error instanceof StatusException se) {
            return known(se.getStatus(), se);
        }
        LOG.error("unexpected error, answering INTERNAL", error);
        return Status.INTERNAL.withDescription(describe(error)).withCause(error);
    }

    /** A Status produced elsewhere (e.g. by gRPC for a failed client call) passes through unless it is UNKNOWN. */
    public static Status fromClosingStatus(Status status) {
        if (status.getCode() != Status.Code.UNKNOWN) {
            return status;
        }
        return status.getCause() != null ? toStatus(status.getCause())
                : Status.INTERNAL.withDescription(status.getDescription() == null ? "internal error" : status.getDescription());
    }

    private static Status known(Status status, Throwable error) {
        if (status.getCode() == Status.Code.UNKNOWN) {
            LOG.error("call failed with UNKNOWN status, answering INTERNAL", error);
            return Status.INTERNAL.withDescription(status.getDescription());
        }
        return status;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return "internal error: " + error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

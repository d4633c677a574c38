package dev.tether.driver.sys;

import dev.tether.driver.error.CsiException;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;

/** A command was killed because it ran past its timeout. */
public final class CommandTimeoutException extends CsiException {
    public CommandTimeoutException(List<String> argv, Duration timeout) {
        super(Status.Code.DEADLINE_EXCEEDED, String.join(" ", argv) + " did not finish within " + timeout + " and was killed");
    }
}

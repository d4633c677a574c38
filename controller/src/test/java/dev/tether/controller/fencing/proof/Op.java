package dev.tether.controller.fencing.proof;

import io.grpc.Status;
import java.util.Map;

/**
 * One ControllerPublish or ControllerUnpublish as a client saw it: when it was sent and answered (System.nanoTime of
 * the test JVM, so ops can be ordered in real time) and what came back. {@code node} is empty for an unpublish from
 * every node.
 */
public record Op(long seq, Kind kind, String volume, String node, long start, long end, Outcome outcome, Status.Code code,
        Map<String, String> publishContext) {

    public enum Kind { PUBLISH, UNPUBLISH }

    /**
     * What the answer proves about the effect. ACK: it happened. REFUSED: a code by which the driver says it changed
     * nothing. AMBIGUOUS: it may or may not have happened (the process died, the deadline passed, the driver failed
     * part-way); the checker must allow both.
     */
    public enum Outcome {
        ACK, REFUSED, AMBIGUOUS;

        public static Outcome of(Status.Code code) {
            return switch (code) {
                case OK -> ACK;
                case INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED, RESOURCE_EXHAUSTED,
                        OUT_OF_RANGE, UNIMPLEMENTED, PERMISSION_DENIED, UNAUTHENTICATED -> REFUSED;
                default -> AMBIGUOUS;
            };
        }
    }

    public boolean acked() {
        return outcome == Outcome.ACK;
    }

    /** An unpublish that may have taken effect (acknowledged, or answered ambiguously). */
    public boolean mayHaveTakenEffect() {
        return outcome != Outcome.REFUSED;
    }

    /** Whether this op concerns {@code target}: its own node, or every node for an unpublish with an empty node id. */
    public boolean covers(String target) {
        return node.equals(target) || (kind == Kind.UNPUBLISH && node.isEmpty());
    }

    @Override
    public String toString() {
        return String.format("#%d %s %s -> %s [%d..%d us] %s%s", seq, kind, volume, node.isEmpty() ? "(all)" : node,
                start / 1000, end / 1000, code, publishContext.isEmpty() ? "" : " " + publishContext);
    }
}

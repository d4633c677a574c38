package dev.tether.controller.fencing.proof;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Every publish and unpublish of a run, appended by many client threads; read by the {@link InvariantChecker}. */
public final class History {
    private final List<Op> ops = new ArrayList<>();
    private final AtomicLong seq = new AtomicLong();

    /** Records a finished call. {@code start} is taken before the call was sent, {@code end} after its answer came. */
    public Op record(Op.Kind kind, String volume, String node, long start, long end, Status.Code code,
            Map<String, String> publishContext) {
        Op op = new Op(seq.incrementAndGet(), kind, volume, node, start, end, Op.Outcome.of(code), code,
                publishContext == null ? Map.of() : Map.copyOf(publishContext));
        synchronized (ops) {
            ops.add(op);
        }
        return op;
    }

    /** The ops so far, ordered by start time. */
    public List<Op> snapshot() {
        synchronized (ops) {
            List<Op> copy = new ArrayList<>(ops);
            copy.sort(Comparator.comparingLong(Op::start).thenComparingLong(Op::seq));
            return copy;
        }
    }

    public int size() {
        synchronized (ops) {
            return ops.size();
        }
    }
}

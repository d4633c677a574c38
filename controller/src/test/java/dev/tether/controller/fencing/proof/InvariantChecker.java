package dev.tether.controller.fencing.proof;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fencing invariants, checked over a recorded {@link History}. Every check is sound: it reports a violation only
 * when no ordering of the calls consistent with what the clients saw can explain the answers (a call takes effect at
 * some instant between its send and its answer; an ambiguous unpublish may or may not have taken effect). So a report
 * is a real bug, never an artefact of timing.
 */
public final class InvariantChecker {
    private static final int MAX_REPORTS = 20;

    private InvariantChecker() {
    }

    /**
     * Invariant (a): a single-node volume is never acknowledged as published to two nodes at once. For two acknowledged
     * publishes to different nodes, one of them was granted while the other still held the volume unless an unpublish
     * (acknowledged or ambiguous) of the earlier one can be placed between them.
     */
    public static List<String> singleWriter(List<Op> history, Set<String> singleNodeVolumes) {
        List<String> violations = new ArrayList<>();
        for (String volume : singleNodeVolumes) {
            List<Op> publishes = history.stream()
                    .filter(op -> op.volume().equals(volume) && op.kind() == Op.Kind.PUBLISH && op.acked()).toList();
            List<Op> unpublishes = history.stream()
                    .filter(op -> op.volume().equals(volume) && op.kind() == Op.Kind.UNPUBLISH && op.mayHaveTakenEffect())
                    .toList();
            for (int i = 0; i < publishes.size() && violations.size() < MAX_REPORTS; i++) {
                for (int j = i + 1; j < publishes.size() && violations.size() < MAX_REPORTS; j++) {
                    Op a = publishes.get(i);
                    Op b = publishes.get(j);
                    if (!a.node().equals(b.node()) && !separable(a, b, unpublishes) && !separable(b, a, unpublishes)) {
                        violations.add("volume " + volume + " acknowledged on two nodes at once: " + a + " and " + b
                                + " with no unpublish of either in between");
                    }
                }
            }
        }
        return violations;
    }

    /** Whether {@code first} can be ordered before {@code second} with an unpublish of {@code first}'s node between. */
    private static boolean separable(Op first, Op second, List<Op> unpublishes) {
        for (Op u : unpublishes) {
            if (u.covers(first.node()) && u.end() > first.start() && u.start() < second.end()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The nodes a volume must and may be published to after every call in {@code history} has finished.
     * {@code definite}: an acknowledged publish no unpublish can have undone. {@code possible}: a publish that may have
     * taken effect and that no acknowledged unpublish sent after it undid.
     */
    public record Expected(Set<String> definite, Set<String> possible) {
    }

    public static Expected expected(List<Op> history, String volume) {
        Set<String> definite = new TreeSet<>();
        Set<String> possible = new TreeSet<>();
        List<Op> ops = history.stream().filter(op -> op.volume().equals(volume)).toList();
        for (Op p : ops) {
            if (p.kind() != Op.Kind.PUBLISH || p.outcome() == Op.Outcome.REFUSED) {
                continue;
            }
            boolean mayBeUndone = ops.stream().anyMatch(u -> u.kind() == Op.Kind.UNPUBLISH && u.covers(p.node())
                    && u.mayHaveTakenEffect() && u.end() > p.start());
            boolean surelyUndone = ops.stream().anyMatch(u -> u.kind() == Op.Kind.UNPUBLISH && u.covers(p.node())
                    && u.acked() && u.start() > p.end());
            if (p.acked() && !mayBeUndone) {
                definite.add(p.node());
            }
            if (!surelyUndone) {
                possible.add(p.node());
            }
        }
        return new Expected(definite, possible);
    }

    /** The publish_context of the last acknowledged publish of {@code volume} to {@code node}. */
    public static Optional<Map<String, String>> lastContext(List<Op> history, String volume, String node) {
        Op last = null;
        for (Op op : history) {
            if (op.volume().equals(volume) && op.node().equals(node) && op.kind() == Op.Kind.PUBLISH && op.acked()
                    && (last == null || op.end() > last.end())) {
                last = op;
            }
        }
        return Optional.ofNullable(last).map(Op::publishContext);
    }

    /**
     * Invariant (b): after a restart no acknowledged attachment is lost and none appears from nowhere. {@code observed}
     * is what the restarted controller reports (ListVolumes published_node_ids) per volume.
     */
    public static List<String> afterRestart(List<Op> history, Map<String, Set<String>> observed) {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> entry : observed.entrySet()) {
            Expected expected = expected(history, entry.getKey());
            Set<String> lost = new TreeSet<>(expected.definite());
            lost.removeAll(entry.getValue());
            Set<String> phantom = new TreeSet<>(entry.getValue());
            phantom.removeAll(expected.possible());
            if (!lost.isEmpty()) {
                violations.add("volume " + entry.getKey() + " lost acknowledged attachment(s) " + lost
                        + " across a restart; the controller reports " + entry.getValue());
            }
            if (!phantom.isEmpty()) {
                violations.add("volume " + entry.getKey() + " reports node(s) " + phantom
                        + " that no publish can explain (possible: " + expected.possible() + ")");
            }
        }
        return violations;
    }

    /** Every op on the volumes named in {@code violations}, for the failure message. */
    public static String explain(List<Op> history, String volume, int limit) {
        StringBuilder out = new StringBuilder("history of " + volume + ":\n");
        history.stream().filter(op -> op.volume().equals(volume)).limit(limit).forEach(op -> out.append("  ").append(op).append('\n'));
        return out.toString();
    }
}

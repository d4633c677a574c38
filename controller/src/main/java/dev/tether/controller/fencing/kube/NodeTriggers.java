package dev.tether.controller.fencing.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node updates call for a reconciler pass: the out-of-service taint appearing, and a NotReady episode
 * outlasting the threshold, each once. A NotReady node keeps being updated (node lifecycle controller taints,
 * informer resyncs every interval), and a pass is three LIST calls, so a pass per update would be a storm.
 */
final class NodeTriggers {
    static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

    /** A node NotReady since {@code since}, as first seen, and whether its pass was requested. */
    private record Episode(Instant since, boolean fired) {
    }

    private final Duration threshold;
    private final Clock clock;
    private final Map<String, Episode> notReady = new ConcurrentHashMap<>();
    private final Set<String> outOfService = ConcurrentHashMap.newKeySet();

    NodeTriggers(Duration threshold, Clock clock) {
        this.threshold = threshold;
        this.clock = clock;
    }

    /** A node was added or updated: why a pass is due now, if this update makes one due. */
    Optional<String> observe(Node node) {
        String name = node.getMetadata().getName();
        List<String> why = new ArrayList<>();
        if (!outOfService(node)) {
            outOfService.remove(name);
        } else if (outOfService.add(name)) {
            why.add("node " + name + " is tainted " + OUT_OF_SERVICE);
        }
        Optional<Instant> since = notReadySince(node);
        if (since.isEmpty()) {
            notReady.remove(name);
        } else {
            // while a node stays NotReady its episode keeps the first start seen (False -> Unknown moves the
            // condition's transition time, but the node was not ready all along)
            notReady.putIfAbsent(name, new Episode(since.get(), false));
            fire(name).ifPresent(why::add);
        }
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    void forget(String name) {
        notReady.remove(name);
        outOfService.remove(name);
    }

    void clear() {
        notReady.clear();
        outOfService.clear();
    }

    /** The NotReady episodes that outlasted the threshold since the last look, as one reason. */
    Optional<String> due() {
        List<String> why = notReady.keySet().stream().sorted().map(this::fire).flatMap(Optional::stream).toList();
        return why.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", why));
    }

    /** Nodes in a NotReady episode (fired or not). */
    Set<String> notReady() {
        return Set.copyOf(notReady.keySet());
    }

    Set<String> outOfService() {
        return Set.copyOf(outOfService);
    }

    private Optional<String> fire(String name) {
        Episode episode = notReady.get(name);
        if (episode == null || episode.fired() || clock.instant().isBefore(episode.since().plus(threshold))) {
            return Optional.empty();
        }
        if (!notReady.replace(name, episode, new Episode(episode.since(), true))) {
            return Optional.empty(); // another thread fired it, or the node changed meanwhile
        }
        return Optional.of("node " + name + " NotReady since " + episode.since() + ", longer than " + threshold);
    }

    static Optional<Instant> notReadySince(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (NodeCondition c : node.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && !"True".equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                return Optional.of(Instant.parse(c.getLastTransitionTime()));
            }
        }
        return Optional.empty();
    }

    static boolean outOfService(Node node) {
        return node.getSpec() != null && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> OUT_OF_SERVICE.equals(t.getKey()));
    }
}

package dev.tether.controller.fencing;

import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent detaches keyed by (volume, detached node, time). A publish to another node inside the grace window is told
 * to retry soon: the detached host's queued I/O may still be draining. Grace only ever delays a new attachment; it
 * never removes one. Writers hold the volume's lock.
 */
final class HandoffGrace {
    record Detach(NodeId node, Instant at) {
    }

    private final Map<VolumeId, List<Detach>> recent = new ConcurrentHashMap<>();

    void detached(VolumeId volume, NodeId node, Instant at) {
        recent.compute(volume, (v, list) -> {
            List<Detach> next = new ArrayList<>(list == null ? List.of() : list);
            next.removeIf(d -> d.node().equals(node));
            next.add(new Detach(node, at));
            return next;
        });
    }

    /** The latest detach of another node still inside the window, if any; expired entries are dropped. */
    Optional<Detach> blocking(VolumeId volume, NodeId requester, Instant now, Duration grace) {
        List<Detach> list = recent.computeIfPresent(volume, (v, l) -> {
            List<Detach> live = l.stream().filter(d -> d.at().plus(grace).isAfter(now)).toList();
            return live.isEmpty() ? null : live;
        });
        if (list == null) {
            return Optional.empty();
        }
        return list.stream().filter(d -> !d.node().equals(requester)).max(Comparator.comparing(Detach::at));
    }
}

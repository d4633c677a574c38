package dev.tether.controller.fencing;

import dev.tether.driver.model.VolumeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory attachment map: volume to its attachments, plus a per-node index for the attachment limit.
 * Writers of one volume must hold that volume's lock in {@link VolumeLocks}; readers see whole, immutable lists.
 */
public final class AttachmentRegistry {
    private final Map<VolumeId, List<Attachment>> byVolume = new ConcurrentHashMap<>();
    private final Map<String, Set<VolumeId>> byNode = new ConcurrentHashMap<>();

    public List<Attachment> get(VolumeId volume) {
        return byVolume.getOrDefault(volume, List.of());
    }

    /** Replaces the volume's attachments (empty removes it). Caller holds the volume's lock. */
    public void put(VolumeId volume, List<Attachment> attachments) {
        List<Attachment> before = get(volume);
        if (attachments.isEmpty()) {
            byVolume.remove(volume);
        } else {
            byVolume.put(volume, List.copyOf(attachments));
        }
        Set<String> staying = new java.util.HashSet<>();
        attachments.forEach(a -> staying.add(a.node().value()));
        before.stream().filter(a -> !staying.contains(a.node().value())).forEach(a -> release(a.node().value(), volume));
        // compute (not computeIfAbsent + add) so a concurrent release of the node's last volume cannot drop this add
        attachments.forEach(a -> byNode.compute(a.node().value(), (n, volumes) -> {
            Set<VolumeId> set = volumes == null ? ConcurrentHashMap.newKeySet() : volumes;
            set.add(volume);
            return set;
        }));
    }

    /**
     * Reserves a slot for {@code volume} on {@code nodeId} if the node has fewer than {@code max} volumes
     * (0 = unlimited). Atomic per node, so two volumes racing for the last slot cannot both win.
     */
    public boolean reserve(String nodeId, VolumeId volume, int max) {
        boolean[] ok = {false};
        byNode.compute(nodeId, (n, volumes) -> {
            Set<VolumeId> set = volumes == null ? ConcurrentHashMap.newKeySet() : volumes;
            if (set.contains(volume) || max == 0 || set.size() < max) {
                set.add(volume);
                ok[0] = true;
            }
            return set;
        });
        return ok[0];
    }

    /** Undoes a {@link #reserve} that did not become an attachment. */
    public void release(String nodeId, VolumeId volume) {
        byNode.computeIfPresent(nodeId, (n, volumes) -> {
            volumes.remove(volume);
            return volumes.isEmpty() ? null : volumes;
        });
    }

    public int countOn(String nodeId) {
        return byNode.getOrDefault(nodeId, Set.of()).size();
    }

    /** A consistent-per-volume copy of everything, ordered by volume id. */
    public Map<VolumeId, List<Attachment>> snapshot() {
        Map<VolumeId, List<Attachment>> copy = new TreeMap<>((a, b) -> a.value().compareTo(b.value()));
        copy.putAll(byVolume);
        return copy;
    }

    public void clear() {
        byVolume.clear();
        byNode.clear();
    }

    public int size() {
        return byVolume.values().stream().mapToInt(List::size).sum();
    }

    static List<Attachment> with(List<Attachment> list, Attachment added) {
        List<Attachment> copy = new ArrayList<>(list);
        copy.add(added);
        return copy;
    }

    static List<Attachment> without(List<Attachment> list, String nodeId) {
        return list.stream().filter(a -> !a.node().value().equals(nodeId)).toList();
    }
}

package dev.tether.node.volume;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What is wrong with each volume right now, as the supervisor last saw it; NodeGetVolumeStats reports it. */
public final class VolumeHealth {
    private final Map<String, String> abnormal = new ConcurrentHashMap<>();

    public void degraded(String volumeId, String message) {
        abnormal.put(volumeId, message);
    }

    public void healthy(String volumeId) {
        abnormal.remove(volumeId);
    }

    public Optional<String> problem(String volumeId) {
        return Optional.ofNullable(abnormal.get(volumeId));
    }
}

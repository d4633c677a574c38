package dev.tether.controller.backend;

import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Volumes and host grants in memory, for development and conformance tooling ({@code --backend fake}). */
public final class FakeBackend implements StorageBackend {
    private final Map<VolumeId, BackendVolume> volumes = new ConcurrentHashMap<>();
    private final Map<VolumeId, Set<Nqn>> grants = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Optional<String> healthProblem() {
        return Optional.empty();
    }

    public void add(BackendVolume volume) {
        volumes.put(volume.id(), volume);
    }

    @Override
    public Optional<BackendVolume> get(VolumeId id) {
        return Optional.ofNullable(volumes.get(id));
    }

    @Override
    public void grantHost(VolumeId volume, Nqn host) {
        if (!volumes.containsKey(volume)) {
            throw new NotFoundException("volume '" + volume + "' does not exist");
        }
        grants.computeIfAbsent(volume, v -> ConcurrentHashMap.newKeySet()).add(host);
    }

    @Override
    public void revokeHost(VolumeId volume, Nqn host) {
        Set<Nqn> hosts = grants.get(volume);
        if (hosts != null) {
            hosts.remove(host);
        }
    }

    /** Hosts currently allowed to reach {@code volume}. */
    public Set<Nqn> grantedHosts(VolumeId volume) {
        return Set.copyOf(grants.getOrDefault(volume, Set.of()));
    }
}

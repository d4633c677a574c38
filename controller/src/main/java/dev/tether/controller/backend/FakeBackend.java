package dev.tether.controller.backend;

import dev.tether.driver.model.VolumeContextKeys;
import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.error.OutOfRangeException;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Volumes, snapshots and host grants in memory, for development and conformance tooling ({@code --backend fake}).
 * It keeps the same rules as the real backend (idempotent create by id, ALREADY_EXISTS on a different request,
 * RESOURCE_EXHAUSTED past its capacity, grants only to existing volumes) so the volume RPCs behave the same on it.
 * {@link #rebootTarget()} models the storage box restarting like nvmet does: volumes and fences survive, exports and
 * grants are gone, a grant answers UNAVAILABLE until {@link #restoreExport} ran. A revoke fences its host for
 * {@code fenceWindow} (the nvmet backend's queued-I/O horizon; zero by default, i.e. no fence).
 */
public final class FakeBackend implements StorageBackend {
    public static final long DEFAULT_CAPACITY_BYTES = 1L << 40;

    private final long totalBytes;
    private final Clock clock;
    private final Map<VolumeId, BackendVolume> volumes = new TreeMap<>(Comparator.comparing(VolumeId::value));
    private final Map<SnapshotId, BackendSnapshot> snapshots = new TreeMap<>(Comparator.comparing(SnapshotId::value));
    private final Map<VolumeId, Set<Nqn>> grants = new ConcurrentHashMap<>();
    private final Set<VolumeId> exported = ConcurrentHashMap.newKeySet();
    private final Map<VolumeId, Map<Nqn, Instant>> fences = new ConcurrentHashMap<>();
    private final Duration fenceWindow;

    public FakeBackend() {
        this(DEFAULT_CAPACITY_BYTES, Clock.systemUTC());
    }

    public FakeBackend(long totalBytes, Clock clock) {
        this(totalBytes, clock, Duration.ZERO);
    }

    public FakeBackend(long totalBytes, Clock clock, Duration fenceWindow) {
        this.totalBytes = totalBytes;
        this.clock = clock;
        this.fenceWindow = fenceWindow;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Optional<String> healthProblem() {
        return Optional.empty();
    }

    /** Puts a volume in place as if it had been created (tests of other components). */
    public synchronized void add(BackendVolume volume) {
        volumes.put(volume.id(), volume);
        exported.add(volume.id());
    }

    /** The storage box restarted: every export and grant is gone; volumes, their data and fences are kept. */
    public synchronized void rebootTarget() {
        exported.clear();
        grants.clear();
    }

    /** Whether the volume is exported (created, or restored since the last {@link #rebootTarget()}). */
    public synchronized boolean exported(VolumeId id) {
        return exported.contains(id);
    }

    @Override
    public synchronized ExportRestore restoreExport(VolumeId id) {
        if (!volumes.containsKey(id)) {
            throw new NotFoundException("volume '" + id + "' does not exist");
        }
        if (exported.contains(id)) {
            return ExportRestore.unchanged();
        }
        exported.add(id);
        return ExportRestore.restored("recreated the export of volume '" + id + "'");
    }

    @Override
    public synchronized Optional<BackendVolume> get(VolumeId id) {
        return Optional.ofNullable(volumes.get(id));
    }

    @Override
    public synchronized void grantHost(VolumeId volume, Nqn host) {
        if (!volumes.containsKey(volume)) {
            throw new NotFoundException("volume '" + volume + "' does not exist");
        }
        if (!exported.contains(volume)) {
            // As nvmet: allowed_hosts lives under the subsystem, which is gone until the export is restored.
            throw new UnavailableException("grant " + host + " access to volume " + volume + " failed: volume '" + volume
                    + "' is not exported on the target (target rebooted?)");
        }
        Instant notBefore = fences.getOrDefault(volume, Map.of()).get(host);
        if (notBefore != null && clock.instant().isBefore(notBefore)) {
            throw new UnavailableException("host " + host + " was cut from volume '" + volume + "'; not re-granted before " + notBefore);
        }
        grants.computeIfAbsent(volume, v -> ConcurrentHashMap.newKeySet()).add(host);
    }

    @Override
    public synchronized void revokeHost(VolumeId volume, Nqn host) {
        Set<Nqn> hosts = grants.get(volume);
        if (hosts != null && hosts.remove(host) && !fenceWindow.isZero()) {
            fences.computeIfAbsent(volume, v -> new ConcurrentHashMap<>()).put(host, clock.instant().plus(fenceWindow));
        }
    }

    /** Hosts currently allowed to reach {@code volume}. */
    public synchronized Set<Nqn> grantedHosts(VolumeId volume) {
        return Set.copyOf(grants.getOrDefault(volume, Set.of()));
    }

    @Override
    public synchronized BackendVolume create(VolumeSpec spec) {
        BackendVolume existing = volumes.get(spec.id());
        if (existing != null) {
            if (!existing.name().equals(spec.name()) || !existing.parameters().equals(spec.parameterMap())
                    || !existing.source().equals(spec.source()) || existing.capacityBytes() != spec.capacityBytes()) {
                throw new AlreadyExistsException("volume '" + spec.id() + "' (name '" + existing.name() + "') already exists with "
                        + existing.capacityBytes() + " bytes, source " + existing.source() + " and parameters " + existing.parameters()
                        + "; the request asks for " + spec.capacityBytes() + " bytes, source " + spec.source()
                        + " and parameters " + spec.parameterMap());
            }
            return existing;
        }
        long sourceBytes = sourceSize(spec.source());
        if (spec.capacityBytes() < sourceBytes) {
            throw new OutOfRangeException("capacity " + spec.capacityBytes() + " is smaller than the source " + spec.source()
                    + " (" + sourceBytes + " bytes)");
        }
        requireRoom(spec.capacityBytes());
        Map<String, String> context = new TreeMap<>(spec.parameters().contextEntries());
        context.put(VolumeContextKeys.NQN, "nqn.2026-01.dev.tether:" + spec.id());
        context.put(VolumeContextKeys.TRANSPORT, "fake");
        BackendVolume volume = new BackendVolume(spec.id(), spec.name(), spec.capacityBytes(), context, spec.parameterMap(), spec.source());
        volumes.put(spec.id(), volume);
        exported.add(spec.id());
        return volume;
    }

    private long sourceSize(VolumeSource source) {
        return switch (source.kind()) {
            case NONE -> 0;
            case SNAPSHOT -> Optional.ofNullable(snapshots.get(new SnapshotId(source.id())))
                    .orElseThrow(() -> new NotFoundException("source snapshot '" + source.id() + "' does not exist"))
                    .sizeBytes();
            case VOLUME -> Optional.ofNullable(volumes.get(new VolumeId(source.id())))
                    .orElseThrow(() -> new NotFoundException("source volume '" + source.id() + "' does not exist"))
                    .capacityBytes();
        };
    }

    private void requireRoom(long bytes) {
        long free = capacity().availableBytes();
        if (bytes > free) {
            throw new ResourceExhaustedException("the fake backend has " + free + " bytes free, " + bytes + " requested");
        }
    }

    @Override
    public synchronized void delete(VolumeId id) {
        volumes.remove(id);
        grants.remove(id);
        exported.remove(id);
        fences.remove(id);
    }

    @Override
    public synchronized BackendVolume expand(VolumeId id, long capacityBytes) {
        BackendVolume volume = Optional.ofNullable(volumes.get(id))
                .orElseThrow(() -> new NotFoundException("volume '" + id + "' does not exist"));
        if (capacityBytes <= volume.capacityBytes()) {
            return volume;
        }
        requireRoom(capacityBytes - volume.capacityBytes());
        BackendVolume grown = new BackendVolume(id, volume.name(), capacityBytes, volume.volumeContext(), volume.parameters(), volume.source());
        volumes.put(id, grown);
        return grown;
    }

    @Override
    public synchronized List<BackendVolume> list() {
        return List.copyOf(volumes.values());
    }

    @Override
    public synchronized VolumeHealth health(VolumeId id) {
        if (!volumes.containsKey(id)) {
            throw new NotFoundException("volume '" + id + "' does not exist");
        }
        return exported.contains(id) ? VolumeHealth.OK : VolumeHealth.abnormal("volume '" + id + "' is not exported on the target");
    }

    @Override
    public synchronized Capacity capacity() {
        long used = volumes.values().stream().mapToLong(BackendVolume::capacityBytes).sum()
                + snapshots.values().stream().mapToLong(BackendSnapshot::sizeBytes).sum();
        long free = Math.max(0, totalBytes - used);
        return new Capacity(free, free);
    }

    @Override
    public synchronized BackendSnapshot createSnapshot(SnapshotId id, String name, VolumeId source, boolean sourceInUse) {
        BackendSnapshot existing = snapshots.get(id);
        if (existing != null) {
            if (!existing.source().equals(source) || !existing.name().equals(name)) {
                throw new AlreadyExistsException("snapshot '" + id + "' (name '" + existing.name() + "') already exists of volume '"
                        + existing.source() + "', not of '" + source + "'");
            }
            return existing;
        }
        BackendVolume volume = Optional.ofNullable(volumes.get(source))
                .orElseThrow(() -> new NotFoundException("source volume '" + source + "' does not exist"));
        requireRoom(volume.capacityBytes());
        BackendSnapshot snapshot = new BackendSnapshot(id, name, source, volume.capacityBytes(), clock.instant());
        snapshots.put(id, snapshot);
        return snapshot;
    }

    @Override
    public synchronized void deleteSnapshot(SnapshotId id) {
        snapshots.remove(id);
    }

    @Override
    public synchronized Optional<BackendSnapshot> getSnapshot(SnapshotId id) {
        return Optional.ofNullable(snapshots.get(id));
    }

    @Override
    public synchronized List<BackendSnapshot> listSnapshots() {
        return List.copyOf(snapshots.values());
    }
}

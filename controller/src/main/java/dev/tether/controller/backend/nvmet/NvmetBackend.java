package dev.tether.controller.backend.nvmet;

import dev.tether.controller.backend.BackendSnapshot;
import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.Capacity;
import dev.tether.controller.backend.ExportRestore;
import dev.tether.controller.backend.SnapshotId;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.driver.model.VolumeContextKeys;
import dev.tether.controller.backend.VolumeHealth;
import dev.tether.controller.backend.VolumeParameters;
import dev.tether.controller.backend.VolumeSource;
import dev.tether.controller.backend.VolumeSpec;
import dev.tether.controller.backend.host.TargetHost;
import dev.tether.driver.error.AlreadyExistsException;
import dev.tether.driver.error.CsiException;
import dev.tether.driver.error.FailedPreconditionException;
import dev.tether.driver.error.InvalidArgumentException;
import dev.tether.driver.error.NotFoundException;
import dev.tether.driver.error.OutOfRangeException;
import dev.tether.driver.error.ResourceExhaustedException;
import dev.tether.driver.error.UnavailableException;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes on a Linux box running the kernel NVMe-oF target: one sparse file, one subsystem
 * ({@code nqn.2026-01.dev.tether:<id>}, namespace 1, only allowed hosts) and one TCP port per volume. The port per
 * volume is what makes a revoke a real fence on 6.1: cutting "every connection to this volume's port" cuts exactly the
 * hosts of this volume (see {@link Connections}).
 *
 * <p>Every change is a sequence of idempotent steps behind a record written first on the target, so a retry after a
 * crash finishes it. Calls on one volume are serialized here (the volume and publish RPCs lock independently).
 */
public final class NvmetBackend implements StorageBackend {
    private static final Logger LOG = LoggerFactory.getLogger(NvmetBackend.class);
    public static final String NQN_PREFIX = "nqn.2026-01.dev.tether:";

    private final TargetHost target;
    private final NvmetSettings settings;
    private final Clock clock;
    private final NvmetConfigfs configfs;
    private final Connections connections;
    private final BackingFiles files;
    private final RecordStore records;
    private final FenceBook fences;
    private final ReentrantLock[] locks = new ReentrantLock[64];
    private final ReentrantLock portAllocation = new ReentrantLock();
    private final Counter cuts;
    private final Counter cutFailures;

    public NvmetBackend(TargetHost target, NvmetSettings settings, Clock clock, MeterRegistry registry) {
        this.target = target;
        this.settings = settings;
        this.clock = clock;
        this.configfs = new NvmetConfigfs(target);
        this.connections = new Connections(target, configfs, settings.commandTimeout());
        this.files = new BackingFiles(target, settings.commandTimeout(), settings.copyTimeout());
        this.records = new RecordStore(target, settings);
        this.fences = new FenceBook(target, settings.backingDir());
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        this.cuts = Counter.builder("tether_backend_host_cuts_total").tag("result", "ok")
                .description("Hosts revoked from a volume at the target, their connections cut").register(registry);
        this.cutFailures = Counter.builder("tether_backend_host_cuts_total").tag("result", "failed")
                .description("Hosts revoked from a volume at the target, their connections cut").register(registry);
    }

    public static String nqn(VolumeId id) {
        return NQN_PREFIX + id.value();
    }

    @Override
    public String name() {
        return "nvmet";
    }

    TargetHost target() {
        return target;
    }

    NvmetSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ health

    @Override
    public Optional<String> healthProblem() {
        try {
            if (!configfs.available()) {
                return Optional.of("nvmet configfs is missing at " + NvmetConfigfs.ROOT + " on " + target.describe()
                        + ": load the nvmet and nvmet-tcp modules");
            }
            if (!target.exists("/sys/module/nvmet_tcp")) {
                return Optional.of("module nvmet_tcp is not loaded on " + target.describe());
            }
            if (!files.writable(settings.backingDir())) {
                return Optional.of("backing dir " + settings.backingDir() + " on " + target.describe()
                        + " does not exist or is not writable");
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("target " + target.describe() + " is unreachable: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------ volumes

    @Override
    public Optional<BackendVolume> get(VolumeId id) {
        return guarded("get " + id, () -> records.volume(id).filter(r -> r.state() == VolumeRecord.State.READY).map(this::toVolume));
    }

    @Override
    public List<BackendVolume> list() {
        return guarded("list volumes", () -> records.volumes().stream()
                .filter(r -> r.state() == VolumeRecord.State.READY)
                .sorted(Comparator.comparing(r -> r.id().value()))
                .map(this::toVolume).toList());
    }

    @Override
    public BackendVolume create(VolumeSpec spec) {
        return locked(spec.id(), "create volume " + spec.id(), () -> {
            String address = spec.parameters().transportAddress().orElse(settings.addresses().get(0));
            if (!settings.addresses().contains(address)) {
                throw new InvalidArgumentException("parameter " + VolumeContextKeys.TRANSPORT_ADDRESS + " '" + address
                        + "' is not an address this target exports on " + settings.addresses());
            }
            Optional<VolumeRecord> existing = records.volume(spec.id());
            VolumeRecord record;
            if (existing.isPresent()) {
                record = existing.get();
                requireSame(record, spec);
                if (record.state() == VolumeRecord.State.READY) {
                    return toVolume(record);
                }
                if (record.state() == VolumeRecord.State.DELETING) {
                    throw new UnavailableException("volume '" + spec.id() + "' is being deleted; retry once DeleteVolume finished");
                }
                LOG.info("volume {}: finishing a create that did not complete", spec.id());
            } else {
                long sourceBytes = sourceSize(spec.source());
                if (spec.capacityBytes() < sourceBytes) {
                    throw new OutOfRangeException("capacity_range asks for " + spec.capacityBytes() + " bytes, less than the "
                            + sourceBytes + " bytes of source " + spec.source());
                }
                requireRoom(spec.capacityBytes());
                record = allocateAndRecord(spec, address);
            }
            return toVolume(finishCreate(record));
        });
    }

    private void requireSame(VolumeRecord record, VolumeSpec spec) {
        if (!record.name().equals(spec.name()) || record.capacityBytes() != spec.capacityBytes()
                || !record.parameters().equals(spec.parameterMap()) || !record.source().equals(spec.source())) {
            throw new AlreadyExistsException("volume '" + spec.id() + "' already exists (name '" + record.name() + "', "
                    + record.capacityBytes() + " bytes, source " + record.source() + ", parameters " + new TreeMap<>(record.parameters())
                    + "); this request asks for name '" + spec.name() + "', " + spec.capacityBytes() + " bytes, source "
                    + spec.source() + ", parameters " + spec.parameterMap());
        }
    }

    private VolumeRecord allocateAndRecord(VolumeSpec spec, String address) {
        portAllocation.lock();
        try {
            files.ensureDir(settings.volumesDir());
            VolumeRecord record = new VolumeRecord(spec.id(), spec.name(), spec.capacityBytes(), VolumeRecord.State.CREATING,
                    freePort(Set.of()), address, spec.parameterMap(), spec.source(), clock.instant());
            records.save(record);
            return record;
        } finally {
            portAllocation.unlock();
        }
    }

    /** The lowest port of the range that no volume record and no configfs port of anyone uses. */
    private int freePort(Set<Integer> alsoAvoid) {
        Set<Integer> used = new HashSet<>(alsoAvoid);
        records.volumes().forEach(r -> used.add(r.port()));
        for (String portId : configfs.ports()) {
            try {
                used.add(Integer.parseInt(portId));
            } catch (NumberFormatException notOurs) {
                // A port someone named otherwise; its service id still counts.
            }
            configfs.portServiceId(portId).ifPresent(svc -> {
                try {
                    used.add(Integer.parseInt(svc));
                } catch (NumberFormatException unset) {
                    // Not configured yet.
                }
            });
        }
        for (int port = settings.firstPort(); port <= settings.lastPort(); port++) {
            if (!used.contains(port)) {
                return port;
            }
        }
        throw new ResourceExhaustedException("no free TCP port left in " + settings.firstPort() + "-" + settings.lastPort()
                + " (one per volume); widen --nvmet-ports");
    }

    /** The steps after the record; each is a no-op when already done, so this also completes a crashed create. */
    private VolumeRecord finishCreate(VolumeRecord record) {
        String file = records.volumeFile(record.id());
        if (files.size(file).isEmpty()) {
            switch (record.source().kind()) {
                case NONE -> { }
                case SNAPSHOT -> copyFrom(records.snapshotFile(new SnapshotId(record.source().id())), file, true);
                case VOLUME -> {
                    VolumeRecord source = records.volume(new VolumeId(record.source().id()))
                            .orElseThrow(() -> new NotFoundException("source volume '" + record.source().id() + "' does not exist"));
                    copyFrom(records.volumeFile(source.id()), file, connections.established(source.port()).isEmpty());
                }
            }
        }
        if (files.size(file).orElse(0L) < record.capacityBytes()) {
            files.growTo(file, record.capacityBytes());
        }
        String nqn = nqn(record.id());
        configfs.ensureSubsystem(nqn);
        configfs.ensureNamespace(nqn, file, settings.bufferedIo());
        VolumeRecord linked = linkPort(record, nqn);
        VolumeRecord ready = linked.with(VolumeRecord.State.READY);
        records.save(ready);
        LOG.info("volume {}: exported as {} on {}:{} ({} bytes)", record.id(), nqn, record.address(), ready.port(), record.capacityBytes());
        return ready;
    }

    /** Links the subsystem to the volume's port; if that port cannot listen (taken by another program), moves to another. */
    private VolumeRecord linkPort(VolumeRecord record, String nqn) {
        Set<Integer> failed = new HashSet<>();
        VolumeRecord current = record;
        while (true) {
            try {
                configfs.ensurePortLinked(nqn, current.port(), current.address());
                return current;
            } catch (UncheckedIOException e) {
                failed.add(current.port());
                if (!String.valueOf(e.getMessage()).contains("Address already in use") || failed.size() >= 3) {
                    throw e;
                }
                LOG.warn("volume {}: port {} did not take the subsystem ({}); trying another port", record.id(), current.port(), e.getMessage());
                configfs.removePortIfUnused(current.port());
                portAllocation.lock();
                try {
                    current = current.withPort(freePort(failed));
                    records.save(current);
                } finally {
                    portAllocation.unlock();
                }
            }
        }
    }

    private void copyFrom(String from, String to, boolean sourceQuiet) {
        try {
            boolean reflinked = files.copy(from, to, sourceQuiet);
            LOG.info("copied {} to {} ({})", from, to, reflinked ? "reflink" : "full sparse copy");
        } catch (BackingFiles.NotConsistent e) {
            throw new FailedPreconditionException("cannot copy " + from + " consistently while its volume is in use: the file system of "
                    + settings.backingDir() + " does not support reflink (" + e.getMessage() + "); unpublish the volume first, "
                    + "or keep backing files on XFS (reflink=1) or btrfs");
        }
    }

    private long sourceSize(VolumeSource source) {
        return switch (source.kind()) {
            case NONE -> 0;
            case SNAPSHOT -> records.snapshot(new SnapshotId(source.id())).filter(SnapshotRecord::ready)
                    .orElseThrow(() -> new NotFoundException("source snapshot '" + source.id() + "' does not exist")).sizeBytes();
            case VOLUME -> records.volume(new VolumeId(source.id())).filter(r -> r.state() == VolumeRecord.State.READY)
                    .orElseThrow(() -> new NotFoundException("source volume '" + source.id() + "' does not exist")).capacityBytes();
        };
    }

    private void requireRoom(long bytes) {
        long free = files.available(settings.backingDir());
        if (bytes > free) {
            throw new ResourceExhaustedException(bytes + " bytes do not fit: " + settings.backingDir() + " on "
                    + target.describe() + " has " + free + " bytes free");
        }
    }

    @Override
    public void delete(VolumeId id) {
        locked(id, "delete volume " + id, () -> {
            Optional<VolumeRecord> found = records.volume(id);
            if (found.isEmpty()) {
                return null;
            }
            VolumeRecord record = found.get();
            if (record.state() != VolumeRecord.State.DELETING) {
                records.save(record.with(VolumeRecord.State.DELETING));
            }
            configfs.removeExport(nqn(id), record.port());
            files.remove(records.volumeFile(id));
            records.removeVolume(id);
            LOG.info("volume {}: deleted (subsystem, port {}, backing file)", id, record.port());
            return null;
        });
    }

    @Override
    public BackendVolume expand(VolumeId id, long capacityBytes) {
        return locked(id, "expand volume " + id, () -> {
            VolumeRecord record = ready(id);
            String file = records.volumeFile(id);
            long current = files.size(file).orElseThrow(() -> new FailedPreconditionException(
                    "backing file " + file + " of volume '" + id + "' is missing"));
            if (capacityBytes > current) {
                requireRoom(capacityBytes - current);
                files.growTo(file, capacityBytes);
            }
            configfs.revalidateSize(nqn(id));
            VolumeRecord grown = record.withCapacity(Math.max(capacityBytes, Math.max(current, record.capacityBytes())));
            if (grown.capacityBytes() != record.capacityBytes()) {
                records.save(grown);
                LOG.info("volume {}: grown from {} to {} bytes", id, record.capacityBytes(), grown.capacityBytes());
            }
            return toVolume(grown);
        });
    }

    private VolumeRecord ready(VolumeId id) {
        return records.volume(id).filter(r -> r.state() == VolumeRecord.State.READY)
                .orElseThrow(() -> new NotFoundException("volume '" + id + "' does not exist"));
    }

    @Override
    public VolumeHealth health(VolumeId id) {
        return guarded("check volume " + id, () -> {
            VolumeRecord record = ready(id);
            String nqn = nqn(id);
            String file = records.volumeFile(id);
            Optional<Long> size = files.size(file);
            if (size.isEmpty()) {
                return VolumeHealth.abnormal("backing file " + file + " is missing on " + target.describe());
            }
            if (size.get() < record.capacityBytes()) {
                return VolumeHealth.abnormal("backing file " + file + " is " + size.get() + " bytes, less than the volume's " + record.capacityBytes());
            }
            if (!configfs.subsystemExists(nqn)) {
                return VolumeHealth.abnormal("subsystem " + nqn + " is not configured on the target (target rebooted? the controller re-exports it, see docs/backend.md)");
            }
            if (!configfs.namespaceEnabled(nqn, file)) {
                return VolumeHealth.abnormal("namespace 1 of " + nqn + " is not enabled on " + file);
            }
            if (!configfs.portLinked(nqn, record.port())) {
                return VolumeHealth.abnormal("subsystem " + nqn + " is not linked to its port " + record.port());
            }
            return VolumeHealth.OK;
        });
    }

    @Override
    public ExportRestore restoreExport(VolumeId id) {
        return locked(id, "restore the export of volume " + id, () -> {
            VolumeRecord record = ready(id);
            String nqn = nqn(id);
            String file = records.volumeFile(id);
            boolean subsystem = configfs.subsystemExists(nqn);
            boolean namespace = subsystem && configfs.namespaceEnabled(nqn, file);
            boolean port = subsystem && configfs.portLinked(nqn, record.port());
            if (subsystem && namespace && port) {
                return ExportRestore.unchanged();
            }
            // The record outlived the reboot; the data may not have yet (its disk not mounted): an empty or short file
            // exported now would hand the pods a blank disk, so only the volume's own, full-size file is exported.
            Optional<Long> size = files.size(file);
            if (size.isEmpty()) {
                return ExportRestore.refused("backing file " + file + " of volume '" + id + "' is missing on " + target.describe()
                        + "; not re-exporting (that would be a blank disk): mount the file system of " + settings.backingDir()
                        + " or restore the file");
            }
            if (size.get() < record.capacityBytes()) {
                return ExportRestore.refused("backing file " + file + " of volume '" + id + "' is " + size.get()
                        + " bytes, less than the volume's " + record.capacityBytes() + "; not re-exporting: check that the right "
                        + "file system is mounted at " + settings.backingDir());
            }
            String missing = (subsystem ? "" : "subsystem, ") + (namespace ? "" : "namespace, ") + (port ? "" : "port link, ");
            configfs.ensureSubsystem(nqn);
            configfs.ensureNamespace(nqn, file, settings.bufferedIo());
            // Never moved to another port here: hosts reconnect to the port they were given.
            configfs.ensurePortLinked(nqn, record.port(), record.address());
            String detail = "recreated " + missing.substring(0, missing.length() - 2) + " of " + nqn + " on "
                    + record.address() + ":" + record.port() + " over the existing " + file;
            LOG.warn("volume {}: {}", id, detail);
            return ExportRestore.restored(detail);
        });
    }

    @Override
    public Capacity capacity() {
        return guarded("read capacity", () -> {
            long free = files.available(settings.backingDir());
            return new Capacity(free, free);
        });
    }

    private BackendVolume toVolume(VolumeRecord record) {
        Map<String, String> context = new TreeMap<>(VolumeParameters.parse(record.parameters()).contextEntries());
        context.put(VolumeContextKeys.NQN, nqn(record.id()));
        context.put(VolumeContextKeys.TRANSPORT, "tcp");
        context.put(VolumeContextKeys.TRANSPORT_ADDRESS, record.address());
        context.put(VolumeContextKeys.TRANSPORT_PORT, Integer.toString(record.port()));
        context.put(VolumeContextKeys.NSID, Integer.toString(NvmetConfigfs.NSID));
        return new BackendVolume(record.id(), record.name(), record.capacityBytes(), context, record.parameters(), record.source());
    }

    // ------------------------------------------------------------------ grant / revoke (fencing at the target)

    @Override
    public void grantHost(VolumeId volume, Nqn host) {
        locked(volume, "grant " + host + " access to volume " + volume, () -> {
            VolumeRecord record = ready(volume);
            Instant now = clock.instant();
            Map<Nqn, Fence> book = fences.load(volume);
            Fence fence = book.get(host);
            if (fence != null && now.isBefore(fence.notBefore())) {
                throw new UnavailableException("host " + host + " was cut from volume '" + volume + "' at " + fence.revokedAt()
                        + "; writes it queued before the cut could still reach storage until " + fence.notBefore()
                        + " (2 x keepAliveTmo + fastIoFailTmo + fence margin); retry after " + fence.notBefore()
                        + " (in " + Duration.between(now, fence.notBefore()).toSeconds() + " s)");
            }
            finishPendingCuts(record, book, host);
            configfs.allow(nqn(volume), host);
            if (book.remove(host) != null) {
                fences.save(volume, book, now);
            }
            LOG.info("volume {}: granted {}", volume, host);
            return null;
        });
    }

    /** A revoke that crashed before its cut was verified is finished before anyone else is let in. */
    private void finishPendingCuts(VolumeRecord record, Map<Nqn, Fence> book, Nqn granting) {
        boolean pending = book.entrySet().stream().anyMatch(e -> !e.getValue().cut() && !e.getKey().equals(granting));
        if (!pending) {
            return;
        }
        Connections.Cut cut = connections.cutAll(nqn(record.id()), record.port());
        book.replaceAll((h, f) -> f.cut() || h.equals(granting) ? f : f.asCut(cut.connections(), cut.mechanism()));
        fences.save(record.id(), book, clock.instant());
        LOG.warn("volume {}: finished an interrupted revocation ({} connection(s) cut by {})", record.id(), cut.connections(), cut.mechanism());
    }

    @Override
    public void revokeHost(VolumeId volume, Nqn host) {
        locked(volume, "revoke " + host + " from volume " + volume, () -> {
            Optional<VolumeRecord> found = records.volume(volume);
            if (found.isEmpty()) {
                return null;
            }
            VolumeRecord record = found.get();
            String nqn = nqn(volume);
            Map<Nqn, Fence> book = fences.load(volume);
            boolean linked = configfs.subsystemExists(nqn) && configfs.allowedHosts(nqn).contains(host.value());
            Fence fence = book.get(host);
            if (!linked && (fence == null || fence.cut())) {
                return null;
            }
            Instant now = clock.instant();
            if (fence == null || fence.cut()) {
                Duration window = VolumeParameters.parse(record.parameters()).queuedIoHorizon().plus(settings.fenceMargin());
                fence = new Fence(now, now.plus(window), false, 0, "");
                book.put(host, fence);
                files.ensureDir(fences.dir());
                fences.save(volume, book, now);
            }
            try {
                if (configfs.subsystemExists(nqn)) {
                    configfs.disallow(nqn, host);
                }
                Connections.Cut cut = configfs.portLinked(nqn, record.port())
                        ? connections.cutAll(nqn, record.port()) : new Connections.Cut(0, "none: port not linked");
                book.put(host, fence.asCut(cut.connections(), cut.mechanism()));
                fences.save(volume, book, clock.instant());
                cuts.increment();
                LOG.info("volume {}: revoked {}; {} connection(s) to port {} cut by {}; not re-granted before {}",
                        volume, host, cut.connections(), record.port(), cut.mechanism(), fence.notBefore());
            } catch (RuntimeException e) {
                cutFailures.increment();
                throw e;
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ snapshots

    @Override
    public BackendSnapshot createSnapshot(SnapshotId id, String name, VolumeId source, boolean sourceInUse) {
        return locked(source, "snapshot volume " + source, () -> {
            Optional<SnapshotRecord> existing = records.snapshot(id);
            if (existing.isPresent() && (!existing.get().source().equals(source) || !existing.get().name().equals(name))) {
                throw new AlreadyExistsException("snapshot '" + id + "' (name '" + existing.get().name() + "') already exists of volume '"
                        + existing.get().source() + "'; this request is for volume '" + source + "'");
            }
            if (existing.isPresent() && existing.get().ready()) {
                return toSnapshot(existing.get());
            }
            VolumeRecord volume = ready(source);
            SnapshotRecord record = existing.orElseGet(() -> new SnapshotRecord(id, name, source, volume.capacityBytes(), false, clock.instant()));
            if (existing.isEmpty()) {
                requireRoom(volume.capacityBytes());
                files.ensureDir(settings.snapshotsDir());
                records.save(record);
            }
            boolean quiet = !sourceInUse && connections.established(volume.port()).isEmpty();
            copyFrom(records.volumeFile(source), records.snapshotFile(id), quiet);
            SnapshotRecord ready = record.asReady();
            records.save(ready);
            return toSnapshot(ready);
        });
    }

    @Override
    public void deleteSnapshot(SnapshotId id) {
        guarded("delete snapshot " + id, () -> {
            Optional<SnapshotRecord> record = records.snapshot(id);
            files.remove(records.snapshotFile(id));
            record.ifPresent(r -> records.removeSnapshot(id));
            return null;
        });
    }

    @Override
    public Optional<BackendSnapshot> getSnapshot(SnapshotId id) {
        return guarded("get snapshot " + id, () -> records.snapshot(id).filter(SnapshotRecord::ready).map(this::toSnapshot));
    }

    @Override
    public List<BackendSnapshot> listSnapshots() {
        return guarded("list snapshots", () -> records.snapshots().stream().filter(SnapshotRecord::ready)
                .sorted(Comparator.comparing(r -> r.id().value())).map(this::toSnapshot).toList());
    }

    private BackendSnapshot toSnapshot(SnapshotRecord record) {
        return new BackendSnapshot(record.id(), record.name(), record.source(), record.sizeBytes(), record.createdAt());
    }

    // ------------------------------------------------------------------ plumbing

    private <T> T locked(VolumeId id, String what, Supplier<T> action) {
        ReentrantLock lock = locks[Math.floorMod(id.value().hashCode(), locks.length)];
        lock.lock();
        try {
            return guarded(what, action);
        } finally {
            lock.unlock();
        }
    }

    /** Target I/O failures become UNAVAILABLE (the CO retries, and every step is safe to repeat). */
    private <T> T guarded(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (CsiException e) {
            throw e;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new UnavailableException(what + " on " + target.describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        target.close();
    }
}

package dev.tether.controller.fencing;

import dev.tether.controller.backend.BackendSnapshot;
import dev.tether.controller.backend.BackendVolume;
import dev.tether.controller.backend.Capacity;
import dev.tether.controller.backend.ExportRestore;
import dev.tether.controller.backend.FakeBackend;
import dev.tether.controller.backend.SnapshotId;
import dev.tether.controller.backend.StorageBackend;
import dev.tether.controller.backend.VolumeHealth;
import dev.tether.controller.backend.VolumeSpec;
import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The fake backend, with the next grant or revoke made to fail with a chosen error (as the nvmet backend can). */
final class FaultyBackend implements StorageBackend {
    final FakeBackend fake;
    final AtomicReference<RuntimeException> nextGrantFailure = new AtomicReference<>();
    final AtomicReference<RuntimeException> nextRevokeFailure = new AtomicReference<>();

    FaultyBackend(FakeBackend fake) {
        this.fake = fake;
    }

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public Optional<String> healthProblem() {
        return Optional.empty();
    }

    @Override
    public Optional<BackendVolume> get(VolumeId id) {
        return fake.get(id);
    }

    @Override
    public void grantHost(VolumeId volume, Nqn host) {
        RuntimeException failure = nextGrantFailure.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
        fake.grantHost(volume, host);
    }

    @Override
    public void revokeHost(VolumeId volume, Nqn host) {
        RuntimeException failure = nextRevokeFailure.getAndSet(null);
        if (failure != null) {
            throw failure;
        }
        fake.revokeHost(volume, host);
    }

    @Override
    public BackendVolume create(VolumeSpec spec) {
        return fake.create(spec);
    }

    @Override
    public void delete(VolumeId id) {
        fake.delete(id);
    }

    @Override
    public BackendVolume expand(VolumeId id, long capacityBytes) {
        return fake.expand(id, capacityBytes);
    }

    @Override
    public List<BackendVolume> list() {
        return fake.list();
    }

    @Override
    public ExportRestore restoreExport(VolumeId id) {
        return fake.restoreExport(id);
    }

    @Override
    public VolumeHealth health(VolumeId id) {
        return fake.health(id);
    }

    @Override
    public Capacity capacity() {
        return fake.capacity();
    }

    @Override
    public BackendSnapshot createSnapshot(SnapshotId id, String name, VolumeId source, boolean sourceInUse) {
        return fake.createSnapshot(id, name, source, sourceInUse);
    }

    @Override
    public void deleteSnapshot(SnapshotId id) {
        fake.deleteSnapshot(id);
    }

    @Override
    public Optional<BackendSnapshot> getSnapshot(SnapshotId id) {
        return fake.getSnapshot(id);
    }

    @Override
    public List<BackendSnapshot> listSnapshots() {
        return fake.listSnapshots();
    }
}

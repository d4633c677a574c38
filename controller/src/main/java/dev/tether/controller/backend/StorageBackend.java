package dev.tether.controller.backend;

import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import java.util.List;
import java.util.Optional;

/**
 * Where volumes live and who may reach them. Publish grants a node's host NQN access to a volume before it returns;
 * unpublish revokes it, which must also cut that host's live connections (fencing at the target).
 *
 * <p>Every mutating call is idempotent and converges when retried after a crash half-way through. Errors are the
 * driver's CSI exceptions (ALREADY_EXISTS, NOT_FOUND, OUT_OF_RANGE, RESOURCE_EXHAUSTED, UNAVAILABLE, ...).
 */
public interface StorageBackend extends AutoCloseable {

    /** Short name for logs and metrics ({@code nvmet}, {@code fake}). */
    String name();

    /** Empty when the backend can serve; otherwise why not (target unreachable, configfs missing), for Probe and /readyz. */
    Optional<String> healthProblem();

    Optional<BackendVolume> get(VolumeId id);

    /** Lets {@code host} connect to the volume. Idempotent. May refuse (UNAVAILABLE) while a cut host's queued I/O could still land. */
    void grantHost(VolumeId volume, Nqn host);

    /** Removes {@code host}'s access and cuts its existing connections. Idempotent; an unknown volume is not an error. */
    void revokeHost(VolumeId volume, Nqn host);

    /**
     * Creates the volume, or returns it when a volume with this id already exists with the same name, size, parameters
     * and source. A different one answers ALREADY_EXISTS; a missing source NOT_FOUND; no room RESOURCE_EXHAUSTED.
     */
    BackendVolume create(VolumeSpec spec);

    /** Removes the volume and its data. Unknown volumes are not an error. */
    void delete(VolumeId id);

    /** Grows the volume to at least {@code capacityBytes} (never shrinks); returns the volume as it now is. */
    BackendVolume expand(VolumeId id, long capacityBytes);

    /** Every volume, ordered by id. */
    List<BackendVolume> list();

    /**
     * Re-exports a ready volume whose target configuration is missing or partial (the storage box rebooted or its
     * target modules were reloaded: the volume's record and data survived, the export did not), on the volume's own
     * data and address, idempotently. It never creates, grows or copies data: with the data missing or short it
     * changes nothing and answers REFUSED with the reason. A complete export is left untouched (UNCHANGED). Host grants
     * are not restored here (the backend does not know who should have them): RESTORED tells the caller to redo them.
     * An unknown or not-ready volume answers NOT_FOUND.
     */
    ExportRestore restoreExport(VolumeId id);

    /** Whether the volume is intact at the target; abnormal with a reason otherwise. */
    VolumeHealth health(VolumeId id);

    Capacity capacity();

    /**
     * Copies {@code source} into a snapshot, or returns the existing snapshot of that id taken from the same source.
     * {@code sourceInUse}: the volume is published, so only an atomic copy (reflink) is consistent.
     */
    BackendSnapshot createSnapshot(SnapshotId id, String name, VolumeId source, boolean sourceInUse);

    void deleteSnapshot(SnapshotId id);

    Optional<BackendSnapshot> getSnapshot(SnapshotId id);

    /** Every snapshot, ordered by id. */
    List<BackendSnapshot> listSnapshots();

    /** Releases connections and background work. */
    @Override
    default void close() {
    }
}

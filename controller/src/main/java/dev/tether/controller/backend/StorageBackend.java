package dev.tether.controller.backend;

import dev.tether.driver.model.Nqn;
import dev.tether.driver.model.VolumeId;
import java.util.Optional;

/**
 * Where volumes live and who may reach them. Publish grants a node's host NQN access to a volume before it returns;
 * unpublish revokes it, which must also cut that host's live connections (fencing at the target).
 */
public interface StorageBackend {

    /** Short name for logs and metrics ({@code nvmet}, {@code fake}). */
    String name();

    /** Empty when the backend can serve; otherwise why not (target unreachable, configfs missing), for Probe and /readyz. */
    Optional<String> healthProblem();

    Optional<BackendVolume> get(VolumeId id);

    /** Lets {@code host} connect to the volume. Idempotent. May refuse (UNAVAILABLE) while a cut host's queued I/O could still land. */
    void grantHost(VolumeId volume, Nqn host);

    /** Removes {@code host}'s access and cuts its existing connections. Idempotent; an unknown volume is not an error. */
    void revokeHost(VolumeId volume, Nqn host);
}

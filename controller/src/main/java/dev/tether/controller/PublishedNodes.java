package dev.tether.controller;

import dev.tether.driver.model.VolumeId;
import java.util.Set;

/** Which nodes a volume is published to, for ListVolumes, ControllerGetVolume and DeleteVolume. */
public interface PublishedNodes {
    /** Node ids (as CSI passes them) the volume is published to right now. */
    Set<String> publishedNodeIds(VolumeId volume);

    /**
     * Runs {@code action} while no publish or unpublish of the volume can run, so DeleteVolume's "is it published?"
     * and its delete are one step: a publish cannot slip in between and grant a volume that is going away. A publish in
     * progress makes this ABORTED. Without fencing (tests, ListVolumes-only views) nothing can publish: it just runs.
     */
    default void exclusively(VolumeId volume, Runnable action) {
        action.run();
    }
}

package dev.tether.controller;

import dev.tether.driver.model.VolumeId;
import java.util.Set;

/** Read-only view of which nodes a volume is published to, for ListVolumes, ControllerGetVolume and DeleteVolume. */
public interface PublishedNodes {
    /** Node ids (as CSI passes them) the volume is published to right now. */
    Set<String> publishedNodeIds(VolumeId volume);
}

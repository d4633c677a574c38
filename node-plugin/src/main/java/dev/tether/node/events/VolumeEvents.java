package dev.tether.node.events;

import dev.tether.node.volume.StagedVolume;

/**
 * What the node plugin tells the operator about a staged volume's NVMe/TCP path, as events on its PVC and PV.
 * Best-effort: posting never throws and never waits for the API.
 */
public interface VolumeEvents {
    /** Warning: the path of a staged volume went down (controller connecting/resetting, or deleted). */
    String PATH_LOST = "NvmePathLost";
    /** Normal: the path is back and the staging mount is on the current device. */
    String RECONNECTED = "NvmeReconnected";
    /** Warning: the path is back but pods still hold the dead device, or the file system went read-only. */
    String NEEDS_POD_RESTART = "VolumeNeedsPodRestart";

    void post(StagedVolume volume, boolean warning, String reason, String message);
}

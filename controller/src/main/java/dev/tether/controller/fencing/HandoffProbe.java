package dev.tether.controller.fencing;

import dev.tether.driver.model.NodeId;
import dev.tether.driver.model.VolumeId;

/** Whether a node's VolumeAttachment for a volume is being deleted, i.e. a detach is on its way (handoff grace). */
public interface HandoffProbe {
    /** False when unknown or on any error: the caller then answers the plain conflict, which is retried too. */
    boolean detaching(VolumeId volume, NodeId node);

    HandoffProbe NONE = (volume, node) -> false;
}

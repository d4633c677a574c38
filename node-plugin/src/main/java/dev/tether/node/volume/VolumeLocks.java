package dev.tether.node.volume;

import dev.tether.driver.concurrent.KeyGuard;

/** One operation per volume at a time; a second one is ABORTED (kubelet retries) instead of queueing behind it. */
public final class VolumeLocks extends KeyGuard<String> {

    public Held acquire(String volumeId, String operation) {
        return acquireOrAbort(volumeId, "an operation on volume " + volumeId + " is already in progress; " + operation
                + " will be retried");
    }
}

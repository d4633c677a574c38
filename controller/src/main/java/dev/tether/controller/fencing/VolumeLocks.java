package dev.tether.controller.fencing;

import dev.tether.driver.concurrent.KeyGuard;
import dev.tether.driver.model.VolumeId;

/** One fencing operation per volume at a time, held across check, decide and record (see {@link KeyGuard}). */
public final class VolumeLocks extends KeyGuard<VolumeId> {

    public Held acquire(VolumeId volume) {
        return acquireOrAbort(volume, "an operation on volume '" + volume + "' is already in progress; retry later");
    }
}

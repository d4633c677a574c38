package dev.tether.controller.fencing;

import dev.tether.driver.error.AbortedException;
import dev.tether.driver.model.VolumeId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One fencing operation per volume at a time, held across check, decide and record. A second caller is answered
 * ABORTED at once (the attacher retries with backoff) rather than queued, so a stuck backend call cannot pile up
 * threads. Different volumes never contend: there is no global lock.
 */
public final class VolumeLocks {
    private final Set<VolumeId> busy = ConcurrentHashMap.newKeySet();

    /** Released when closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    public Held acquire(VolumeId volume) {
        return tryAcquire(volume).orElseThrow(() -> new AbortedException(
                "an operation on volume '" + volume + "' is already in progress; retry later"));
    }

    /** Empty when the volume is busy; for background work that should skip rather than fail. */
    public java.util.Optional<Held> tryAcquire(VolumeId volume) {
        if (!busy.add(volume)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(() -> busy.remove(volume));
    }
}

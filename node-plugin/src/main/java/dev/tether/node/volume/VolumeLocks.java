package dev.tether.node.volume;

import dev.tether.driver.error.AbortedException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One operation per volume at a time; a second one is ABORTED (kubelet retries) instead of queueing behind it. */
public final class VolumeLocks {
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    public Held acquire(String volumeId, String operation) {
        return tryAcquire(volumeId).orElseThrow(() -> new AbortedException(
                "an operation on volume " + volumeId + " is already in progress; " + operation + " will be retried"));
    }

    public Optional<Held> tryAcquire(String volumeId) {
        if (!held.add(volumeId)) {
            return Optional.empty();
        }
        return Optional.of(() -> held.remove(volumeId));
    }
}

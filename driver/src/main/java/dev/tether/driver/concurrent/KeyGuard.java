package dev.tether.driver.concurrent;

import dev.tether.driver.error.AbortedException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One operation per key at a time. A second caller is answered ABORTED at once (CSI callers retry with backoff) rather
 * than queued, so a stuck call cannot pile up threads; different keys never contend. Subclasses word the refusal.
 */
public class KeyGuard<K> {
    private final Set<K> busy = ConcurrentHashMap.newKeySet();

    /** Released when closed. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** Empty when the key is busy; for background work that should skip rather than fail. */
    public Optional<Held> tryAcquire(K key) {
        if (!busy.add(key)) {
            return Optional.empty();
        }
        return Optional.of(() -> busy.remove(key));
    }

    protected Held acquireOrAbort(K key, String whyBusy) {
        return tryAcquire(key).orElseThrow(() -> new AbortedException(whyBusy));
    }
}

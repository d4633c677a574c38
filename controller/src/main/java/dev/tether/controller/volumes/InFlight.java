package dev.tether.controller.volumes;

import dev.tether.driver.error.AbortedException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One operation per volume (or snapshot) name at a time; a concurrent one answers ABORTED, as CSI asks. */
final class InFlight {
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /** Released when closed. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held acquire(String key) {
        if (!busy.add(key)) {
            throw new AbortedException("an operation on '" + key + "' is already in progress; retry later");
        }
        return () -> busy.remove(key);
    }
}

package dev.tether.controller.volumes;

import dev.tether.driver.concurrent.KeyGuard;

/** One operation per volume (or snapshot) name at a time; a concurrent one answers ABORTED, as CSI asks. */
final class InFlight extends KeyGuard<String> {

    Held acquire(String key) {
        return acquireOrAbort(key, "an operation on '" + key + "' is already in progress; retry later");
    }
}

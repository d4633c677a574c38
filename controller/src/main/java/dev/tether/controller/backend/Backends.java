package dev.tether.controller.backend;

import dev.tether.driver.error.UnimplementedException;
import io.micrometer.core.instrument.MeterRegistry;

/** Builds the backend the flags ask for. */
public final class Backends {
    private Backends() {
    }

    public static StorageBackend create(BackendOptions options, MeterRegistry registry) {
        return switch (options.kind) {
            case fake -> new FakeBackend();
            case nvmet -> throw new UnimplementedException("the nvmet backend is not part of this build yet; use --backend fake");
        };
    }
}

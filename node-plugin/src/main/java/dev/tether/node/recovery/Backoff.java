package dev.tether.node.recovery;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with ±20 % jitter, so nodes that lost the same target do not all reconnect in the same second
 * when it returns.
 */
public record Backoff(Duration base, Duration max, DoubleSupplier random) {
    public Duration delay(int failures) {
        long baseMs = base.toMillis();
        long ms = failures >= 30 ? max.toMillis() : Math.min(max.toMillis(), baseMs << Math.max(0, failures - 1));
        double jitter = 0.8 + 0.4 * random.getAsDouble();
        return Duration.ofMillis(Math.max(1, Math.round(ms * jitter)));
    }
}

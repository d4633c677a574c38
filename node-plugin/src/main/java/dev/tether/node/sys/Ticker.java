package dev.tether.node.sys;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as the node's waiting loops see it. Production sleeps for real; tests advance a virtual clock and let the fake
 * kernel change state during a "sleep", so a wait for a controller to come back is deterministic and instant.
 */
public interface Ticker {
    Instant now();

    void sleep(Duration duration);

    Ticker SYSTEM = new Ticker() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration duration) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.tether.driver.error.AbortedException("interrupted while waiting");
            }
        }
    };
}

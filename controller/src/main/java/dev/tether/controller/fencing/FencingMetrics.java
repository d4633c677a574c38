package dev.tether.controller.fencing;

/** Fencing's counters; {@link #NOOP} for tests that do not look at them. Gauges are registered by the implementation. */
public interface FencingMetrics {
    void conflict();

    void reconcilerRun(String result);

    void staleCleared();

    void migrationWindowExceeded();

    FencingMetrics NOOP = new FencingMetrics() {
        @Override
        public void conflict() {
        }

        @Override
        public void reconcilerRun(String result) {
        }

        @Override
        public void staleCleared() {
        }

        @Override
        public void migrationWindowExceeded() {
        }
    };
}

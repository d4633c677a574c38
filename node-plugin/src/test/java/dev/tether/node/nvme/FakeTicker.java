package dev.tether.node.nvme;

import dev.tether.node.sys.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A virtual clock: sleep advances it and runs what the test scheduled for that moment (a controller coming back). */
public final class FakeTicker implements Ticker {
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");
    private final List<Runnable> onSleep = new ArrayList<>();
    public final List<Duration> slept = new ArrayList<>();

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        slept.add(duration);
        now = now.plus(duration);
        List<Runnable> due = List.copyOf(onSleep);
        onSleep.clear();
        due.forEach(Runnable::run);
    }

    /** Runs once, at the next sleep. */
    public synchronized void atNextSleep(Runnable action) {
        onSleep.add(action);
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }
}

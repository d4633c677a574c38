package dev.tether.controller.fencing.proof;

import java.util.Arrays;

/** Latency samples in nanoseconds, summarised as the bench prints them. */
final class LatencyStats {
    private long[] samples = new long[1024];
    private int size;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** The smallest sample with at least {@code q} of all samples at or below it. */
    synchronized double millis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.max(0, Math.min(size - 1, Math.ceil(q * size) - 1));
        return sorted[index] / 1e6;
    }

    String summary() {
        return String.format("n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms", count(), millis(0.50), millis(0.90),
                millis(0.99), millis(1.0));
    }
}

package dev.tether.driver.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundPosterTest {
    @Test
    void workBeyondTheQueueOrAfterCloseIsDroppedAndTheCallerToldSo() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        try (BackgroundPoster poster = new BackgroundPoster("test-poster", 1)) {
            assertThat(poster.offer(() -> {
                running.countDown();
                awaitQuietly(release);
                done.incrementAndGet();
            })).isTrue();
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(poster.offer(done::incrementAndGet)).as("one waits in the queue").isTrue();
            assertThat(poster.offer(done::incrementAndGet)).as("the queue is full").isFalse();

            release.countDown();
            poster.drain(10_000);
            assertThat(done).hasValue(2);

            poster.close();
            assertThat(poster.offer(done::incrementAndGet)).as("closed").isFalse();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

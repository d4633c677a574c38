package dev.tether.driver.concurrent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread with a bounded queue, for work nobody may wait on (posting Kubernetes events): the caller hands it
 * over and goes on; when the queue is full or the poster closed, the work is dropped and the caller told so.
 */
public final class BackgroundPoster implements AutoCloseable {
    private final ThreadPoolExecutor executor;

    public BackgroundPoster(String threadName, int capacity) {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity),
                Thread.ofPlatform().daemon().name(threadName).factory());
    }

    /** False when the work was dropped (queue full, or closed). */
    public boolean offer(Runnable work) {
        try {
            executor.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Waits up to {@code millis} for queued work to finish (tests, shutdown). */
    public void drain(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while ((executor.getActiveCount() > 0 || !executor.getQueue().isEmpty()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}

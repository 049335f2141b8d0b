package dev.jmdm.server.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedExecutorTest {
    @Test
    void workBeyondTheQueueIsShedAndCountedWithoutBlockingTheCaller() throws Exception {
        AtomicInteger counted = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (BoundedExecutor executor = new BoundedExecutor("test-push", 1, 3, "the sweep repeats it", counted::incrementAndGet)) {
            executor.execute(() -> {
                started.countDown();
                await(release);
                ran.incrementAndGet();
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                executor.execute(ran::incrementAndGet);
            }
            // The caller (a request thread) never waits for a full queue.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
            assertThat(executor.shed()).isEqualTo(7);
            assertThat(counted).hasValue(7);
            release.countDown();
            executor.pool().shutdown();
            assertThat(executor.pool().awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            // The running task and the three that fit the queue ran; nothing was lost silently.
            assertThat(ran).hasValue(4);
        }
    }

    @Test
    void workOfferedAfterCloseIsDroppedQuietlyNotCountedAsShed() {
        AtomicInteger counted = new AtomicInteger();
        BoundedExecutor executor = new BoundedExecutor("test-push", 1, 1, "", counted::incrementAndGet);
        executor.close();
        executor.execute(() -> { });
        assertThat(counted).hasValue(0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

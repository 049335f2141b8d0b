package dev.jmdm.server.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoalescingRunnerTest {

    @Test
    void aBusyHostQueuesOneEvaluationNotOnePerAnswer() throws Exception {
        LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue);
        CountDownLatch blocker = new CountDownLatch(1);
        executor.execute(() -> await(blocker)); // the policy thread is busy
        List<Long> ran = new CopyOnWriteArrayList<>();
        CoalescingRunner<Long> runner = new CoalescingRunner<>(executor, ran::add);
        for (int i = 0; i < 10_000; i++) {
            runner.request(7L);
            runner.request(8L);
        }
        assertThat(queue).hasSize(2);
        blocker.countDown();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactlyInAnyOrder(7L, 8L);
        assertThat(runner.waiting()).isZero();
    }

    @Test
    void aRequestWhileTheHostIsEvaluatedQueuesAnotherRun() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        CoalescingRunner<String> runner = new CoalescingRunner<>(executor, key -> {
            ran.add(key);
            if (ran.size() == 1) {
                started.countDown();
                await(release);
            }
        });
        runner.request("host");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        runner.request("host"); // the facts changed while the first evaluation ran: it must run again
        release.countDown();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("host", "host");
    }

    @Test
    void aStoppedExecutorForgetsTheRequest() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.shutdown();
        CoalescingRunner<Long> runner = new CoalescingRunner<>(executor, k -> { });
        runner.request(1L);
        assertThat(runner.waiting()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

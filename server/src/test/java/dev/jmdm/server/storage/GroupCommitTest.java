package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The barrier's promise: a writer returns only after a flush that began after it committed. */
class GroupCommitTest {
    @Test
    void everyWriterWaitsForAFlushThatStartedAfterItsCommitAndWritersShareFlushes() throws Exception {
        AtomicLong committed = new AtomicLong(); // what "the store" holds in memory
        AtomicLong onDisk = new AtomicLong();    // what the last finished flush wrote
        GroupCommit barrier = new GroupCommit(() -> {
            long snapshot = committed.get();
            Thread.sleep(5); // an fsync
            onDisk.set(snapshot);
        });
        int writers = 32;
        int rounds = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> results = new ArrayList<>();
        AtomicInteger early = new AtomicInteger();
        for (int w = 0; w < writers; w++) {
            results.add(pool.submit(() -> {
                for (int r = 0; r < rounds; r++) {
                    long mine = committed.incrementAndGet();
                    barrier.await();
                    if (onDisk.get() < mine) {
                        early.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : results) {
            f.get(1, TimeUnit.MINUTES);
        }
        pool.shutdown();
        assertThat(early).as("writers released before their commit was flushed").hasValue(0);
        // 640 commits at 5 ms a flush would take 3.2 s one by one: grouped they share far fewer.
        assertThat(barrier.flushes()).isLessThan(writers * rounds / 4);
    }

    @Test
    void aFailedFlushFailsTheWritersItCoveredAndTheNextOneStillWorks() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GroupCommit barrier = new GroupCommit(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("disk full");
            }
        });
        assertThatThrownBy(barrier::await).isInstanceOf(IOException.class).hasMessage("disk full");
        barrier.await();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aWriterArrivingDuringAFlushWaitsForTheNextOne() throws Exception {
        CountDownLatch inFlush = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger flushes = new AtomicInteger();
        GroupCommit barrier = new GroupCommit(() -> {
            if (flushes.incrementAndGet() == 1) {
                inFlush.countDown();
                release.await();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<?> first = pool.submit(() -> {
            barrier.await();
            return null;
        });
        inFlush.await();
        Future<?> second = pool.submit(() -> {
            barrier.await();
            return null;
        });
        Thread.sleep(50);
        assertThat(second.isDone()).as("released by a flush that began before it committed").isFalse();
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(flushes).hasValue(2);
    }
}

package dev.jmdm.server.storage;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A durability barrier shared by every writer: {@link #await()} returns once a flush that started
 * after the caller's commit has finished. One waiting writer runs the flush itself while later
 * writers queue behind it; they are all released together by the next flush (group commit), so
 * the cost of an fsync is shared by everyone who committed while the previous one ran.
 */
final class GroupCommit {
    /** Writes everything committed so far to stable storage, or throws. */
    interface Flush {
        void run() throws Exception;
    }

    private final Flush flush;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    /** Tickets are taken after a commit; a flush started after ticket t was taken covers t. */
    private long issued;
    private long durableThrough;
    private long failedThrough;
    private Exception failure;
    private boolean flushing;
    private long flushes;

    GroupCommit(Flush flush) {
        this.flush = flush;
    }

    /** Blocks until what the calling thread committed is on disk; throws when the flush covering it failed. */
    void await() throws Exception {
        lock.lock();
        try {
            long ticket = ++issued;
            while (durableThrough < ticket) {
                if (failedThrough >= ticket) {
                    throw failure;
                }
                if (flushing) {
                    done.awaitUninterruptibly();
                    continue;
                }
                flushing = true;
                long covers = issued;
                lock.unlock();
                Exception failed = null;
                try {
                    flush.run();
                } catch (Exception e) {
                    failed = e;
                } finally {
                    lock.lock();
                }
                flushing = false;
                flushes++;
                if (failed == null) {
                    durableThrough = Math.max(durableThrough, covers);
                } else {
                    failedThrough = Math.max(failedThrough, covers);
                    failure = failed;
                }
                done.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Flushes run so far (each one fsync), for tests and metrics. */
    long flushes() {
        lock.lock();
        try {
            return flushes;
        } finally {
            lock.unlock();
        }
    }
}

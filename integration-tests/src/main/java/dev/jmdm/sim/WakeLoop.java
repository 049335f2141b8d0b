package dev.jmdm.sim;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * What a woken device does with pushes: at most one poll loop at a time. A push that arrives while
 * the loop runs only asks for one more poll after the current one, as a real device checks in
 * again rather than running a second command session beside the first.
 */
final class WakeLoop {
    private final Channel channel;
    private final Executor executor;
    private final BiConsumer<Channel, RuntimeException> onError;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicInteger polls = new AtomicInteger();

    WakeLoop(Channel channel, Executor executor, BiConsumer<Channel, RuntimeException> onError) {
        this.channel = channel;
        this.executor = executor;
        this.onError = onError;
    }

    void wake() {
        again.set(true);
        if (running.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    /** True while a poll runs or one is asked for. */
    boolean busy() {
        return running.get() || again.get();
    }

    int polls() {
        return polls.get();
    }

    private void run() {
        do {
            while (again.getAndSet(false)) {
                try {
                    channel.poll();
                } catch (RuntimeException e) {
                    onError.accept(channel, e);
                } finally {
                    polls.incrementAndGet();
                }
            }
            running.set(false);
            // A wake between the last check and running = false found the loop still running: take it here.
        } while (again.get() && running.compareAndSet(false, true));
    }
}

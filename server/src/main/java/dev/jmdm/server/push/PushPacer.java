package dev.jmdm.server.push;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The schedule that keeps pushes at or under MDM_PUSH_RATE. Time is cut into slots of 1/rate seconds, one push per
 * slot, each at a random point of its slot (the jitter): a rollout to 60,000 hosts at 2,000/s wakes its devices over
 * 30 s, not in the same second, so their answers do not land on the server at once. An idle pacer's first slot starts
 * now, so a single push (an admin's enqueue to one device) goes out at once, at most one slot late.
 *
 * <p>In any stretch of time t at most {@code t × rate + 1} pushes are due: slots do not overlap.
 */
public final class PushPacer {
    private static final long SECOND = 1_000_000_000L;

    private final long slotNanos;
    private final LongSupplier nanoClock;
    private final DoubleSupplier jitter;
    /** Start of the first free slot. */
    private long next = Long.MIN_VALUE;

    /**
     * @param perSecond pushes per second; zero: unpaced (every push at once)
     * @param nanoClock monotonic nanoseconds ({@link System#nanoTime} in a server)
     * @param jitter    uniform in [0, 1): where in its slot a push falls
     */
    public PushPacer(int perSecond, LongSupplier nanoClock, DoubleSupplier jitter) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("push rate must not be negative, was " + perSecond);
        }
        this.slotNanos = perSecond == 0 ? 0 : Math.max(1, SECOND / perSecond);
        this.nanoClock = nanoClock;
        this.jitter = jitter;
    }

    /** The server's pacer: the JVM's monotonic clock and a random jitter. */
    public static PushPacer of(int perSecond) {
        return new PushPacer(perSecond, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Takes the next free slot: how many nanoseconds from now this push is due; zero when unpaced. */
    public synchronized long reserve() {
        if (slotNanos == 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        long slot = Math.max(now, next);
        next = slot + slotNanos;
        double j = Math.min(Math.max(jitter.getAsDouble(), 0.0), 1.0);
        return slot - now + (long) (j * (slotNanos - 1));
    }

    /** How far ahead the slots are taken: the wait of a push reserved now. */
    public synchronized long backlogNanos() {
        return slotNanos == 0 ? 0 : Math.max(0, next - nanoClock.getAsLong());
    }
}

package dev.jmdm.server.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The push schedule, read off a hand-moved clock: no timing, the same answer on any machine. */
class PushPacerTest {
    private static final long SECOND = 1_000_000_000L;

    /** Absolute due times of n pushes reserved at once, at the clock's now. */
    private static List<Long> reserveAll(PushPacer pacer, AtomicLong clock, int n) {
        List<Long> due = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            due.add(clock.get() + pacer.reserve());
        }
        return due;
    }

    @Test
    void aRolloutToSixtyThousandHostsIsSpreadOverThirtySecondsAtTwoThousandASecond() {
        AtomicLong clock = new AtomicLong(5 * SECOND);
        PushPacer pacer = new PushPacer(2_000, clock::get, new Random(14)::nextDouble);
        List<Long> due = reserveAll(pacer, clock, 60_000);

        long first = due.get(0) - 5 * SECOND;
        long last = due.get(due.size() - 1) - 5 * SECOND;
        assertThat(first).isBetween(0L, SECOND / 2_000);
        assertThat(last).isBetween(30 * SECOND - SECOND / 2_000, 30 * SECOND);
        // No second holds more than the rate (plus the one slot straddling its edge).
        int[] perSecond = new int[31];
        due.forEach(t -> perSecond[(int) ((t - 5 * SECOND) / SECOND)]++);
        for (int s = 0; s < 30; s++) {
            assertThat(perSecond[s]).as("pushes in second %d", s).isBetween(1_999, 2_001);
        }
        // No 10 ms window either: the load is spread, not bunched at the start of each second.
        int[] perTenMs = new int[3_001];
        due.forEach(t -> perTenMs[(int) ((t - 5 * SECOND) / (SECOND / 100))]++);
        for (int w = 0; w < 3_000; w++) {
            assertThat(perTenMs[w]).as("pushes in window %d", w).isLessThanOrEqualTo(21);
        }
    }

    @Test
    void eachPushFallsAtARandomPointOfItsOwnSlot() {
        AtomicLong clock = new AtomicLong(0);
        long slot = SECOND / 1_000;
        PushPacer pacer = new PushPacer(1_000, clock::get, new Random(7)::nextDouble);
        List<Long> due = reserveAll(pacer, clock, 1_000);
        long offsetsSum = 0;
        for (int i = 0; i < due.size(); i++) {
            assertThat(due.get(i)).as("push %d", i).isBetween(i * slot, (i + 1) * slot - 1);
            offsetsSum += due.get(i) - i * slot;
        }
        // Jittered, not all at slot starts: the mean offset sits mid-slot.
        assertThat(offsetsSum / due.size()).isBetween(slot / 3, 2 * slot / 3);
    }

    @Test
    void anIdlePacerSendsAtOnceAndAPausedOneDoesNotSaveUpABurst() {
        AtomicLong clock = new AtomicLong(0);
        PushPacer pacer = new PushPacer(2_000, clock::get, () -> 0.0);
        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(SECOND / 2_000);
        // A minute idle: the next push goes at once, and the one after still waits its slot.
        clock.addAndGet(60 * SECOND);
        assertThat(pacer.backlogNanos()).isZero();
        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(SECOND / 2_000);
        assertThat(pacer.backlogNanos()).isEqualTo(2 * SECOND / 2_000);
    }

    @Test
    void twoCallersShareTheRate() {
        AtomicLong clock = new AtomicLong(0);
        PushPacer pacer = new PushPacer(100, clock::get, () -> 0.5);
        List<Long> a = reserveAll(pacer, clock, 50);
        clock.addAndGet(SECOND / 10);
        List<Long> b = reserveAll(pacer, clock, 50);
        // The second enqueue's pushes queue behind the first's: 100 pushes take a second, not half.
        assertThat(b.get(0)).isGreaterThan(a.get(a.size() - 1));
        assertThat(b.get(b.size() - 1)).isBetween(99 * SECOND / 100, SECOND);
    }

    @Test
    void rateZeroIsUnpaced() {
        PushPacer pacer = new PushPacer(0, () -> 0L, () -> 0.9);
        for (int i = 0; i < 1_000; i++) {
            assertThat(pacer.reserve()).isZero();
        }
    }
}

package dev.jmdm.apns;

import java.util.concurrent.atomic.LongAdder;

/** Running totals of push outcomes since start, for the server's metrics; safe to read from any thread. */
public final class PushStats {
    private final LongAdder sent = new LongAdder();
    private final LongAdder tokenInvalid = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retried = new LongAdder();

    PushStats() {
    }

    void record(PushOutcome outcome) {
        if (outcome instanceof PushOutcome.Sent) {
            sent.increment();
        } else if (outcome instanceof PushOutcome.TokenInvalid) {
            tokenInvalid.increment();
        } else {
            failed.increment();
        }
    }

    void recordRetry() {
        retried.increment();
    }

    /** Pushes APNs accepted. */
    public long sent() {
        return sent.sum();
    }

    /** Pushes refused because the token is dead. */
    public long tokenInvalid() {
        return tokenInvalid.sum();
    }

    /** Pushes given up on. */
    public long failed() {
        return failed.sum();
    }

    /** Attempts repeated after a transient error (one push may count several times). */
    public long retried() {
        return retried.sum();
    }

    @Override
    public String toString() {
        return "PushStats[sent=" + sent() + ", tokenInvalid=" + tokenInvalid() + ", failed=" + failed() + ", retried="
                + retried() + "]";
    }
}

package dev.jmdm.server.policies;

import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/**
 * The periodic sweep's lease (V20 {@code policy_leases}): one conditional UPDATE takes the row when its
 * lease has run out, so of the servers sharing a database one sweeps per period. The lease is not given
 * back after a sweep: it runs out on its own, which is what spaces the sweeps across the cluster; a server
 * that dies holding it only delays the next sweep until it expires.
 */
final class SweepLease {
    static final String SWEEP = "sweep";

    private final Jdbi jdbi;
    private final Clock clock;
    private final String holder;

    SweepLease(Jdbi jdbi, Clock clock, String holder) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.holder = holder;
    }

    /** Takes the named lease for this long if it has run out; true if this server now holds it. */
    boolean take(String name, Duration term) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("UPDATE policy_leases SET holder = :me, expires_at = :until WHERE name = :n AND expires_at <= :now")
                .bind("me", holder).bind("until", now + term.toMillis()).bind("n", name).bind("now", now).execute()) == 1;
    }
}

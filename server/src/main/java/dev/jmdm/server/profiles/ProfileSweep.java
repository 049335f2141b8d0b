package dev.jmdm.server.profiles;

import java.time.Clock;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every enrolled host converge to its desired profiles, one batch of host ids at a time.
 *
 * <p>Per batch, the divergence queries ({@link DivergenceQueries}) run first without any lock; only the
 * hosts they return are locked, in id order, and read again under the lock, since another server may have
 * reconciled them in between. So any number of servers may sweep at once: the second to reach a host
 * waits, then finds nothing left to do, and a batch with nothing to do holds no lock at all. A sweep after
 * an upload, delete or target change looks at that profile only. Pushes for a batch go out once it commits.
 */
final class ProfileSweep {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileSweep.class);
    static final int DEFAULT_BATCH = 1000;

    private final HostProfileStore store;
    private final HostReconciliation hosts;
    private final Clock clock;
    private final Consumer<Collection<String>> push;
    private final int batchSize;

    ProfileSweep(HostProfileStore store, HostReconciliation hosts, Clock clock, Consumer<Collection<String>> push, int batchSize) {
        this.store = store;
        this.hosts = hosts;
        this.clock = clock;
        this.push = push;
        this.batchSize = batchSize;
    }

    /** What a sweep did. */
    record SweepResult(int hosts, int hostsChanged, int commandsQueued, long millis) {
    }

    /** One pass over every host and profile, in batches of host ids. */
    SweepResult sweep() {
        return sweep(null);
    }

    /**
     * One pass over every host, in batches of host ids, for the given profile identifiers only (null: all).
     * Each (host, profile) pair is reconciled on its own, so leaving other profiles out changes nothing for them.
     */
    SweepResult sweep(Set<String> scope) {
        if (scope != null && scope.isEmpty()) {
            return new SweepResult(0, 0, 0, 0);
        }
        long start = clock.millis();
        long cursor = 0;
        int hostCount = 0;
        int changed = 0;
        int queued = 0;
        while (true) {
            Optional<HostProfileStore.HostRange> range = store.nextHosts(cursor, batchSize);
            if (range.isEmpty()) {
                break;
            }
            hostCount += range.get().hosts();
            Optional<ProfileWrites> done = sweepBatch(cursor, range.get().hi(), scope);
            if (done.isPresent()) {
                push.accept(done.get().enrollmentsToPush());
                changed += done.get().hostsChanged();
                queued += done.get().entriesQueued();
            }
            cursor = range.get().hi();
        }
        SweepResult r = new SweepResult(hostCount, changed, queued, clock.millis() - start);
        if (changed > 0) {
            LOG.info("profile sweep: {} hosts, {} changed, {} commands queued in {} ms", hostCount, changed, queued, r.millis());
        }
        return r;
    }

    /** The hosts in (lo, hi]: what was written, or empty when nothing differed and nothing was locked. */
    private Optional<ProfileWrites> sweepBatch(long lo, long hi, Set<String> scope) {
        Set<Long> differing = store.divergentHosts(lo, hi, scope);
        if (differing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(store.inLockedHosts(differing, (unit, locked) -> {
            ProfileWrites w = hosts.writes(unit);
            unit.divergent(lo, hi, scope, locked).forEach((hostId, in) -> w.apply(hostId, in.enrollmentId(),
                    hosts.reconciler().reconcile(in.desired(), in.tracked(), null, Set.of())));
            w.flush();
            return w;
        }));
    }
}

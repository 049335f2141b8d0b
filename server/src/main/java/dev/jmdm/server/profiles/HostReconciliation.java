package dev.jmdm.server.profiles;

import dev.jmdm.profiles.DesiredProfile;
import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.profiles.HostReconciler;
import dev.jmdm.profiles.TrackedProfile;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reconciles one host: what its targets want against what the server tracks on it and, when given, what a
 * fresh ProfileList says it holds. All in one transaction holding the host's row
 * ({@link HostProfileStore#inEnrolledHost}); hosts whose device channel is not enabled are skipped and keep
 * their state.
 */
final class HostReconciliation {
    private final HostProfileStore store;
    private final HostProfileStateMachine machine;
    private final HostReconciler reconciler;
    private final Clock clock;
    private final Consumer<Collection<String>> push;

    HostReconciliation(HostProfileStore store, HostProfileStateMachine machine, Clock clock, Consumer<Collection<String>> push) {
        this.store = store;
        this.machine = machine;
        this.reconciler = new HostReconciler(machine);
        this.clock = clock;
        this.push = push;
    }

    /** Whether the host was reconciled now (false: its device channel is not enabled), against {@code report} when not null. */
    boolean reconcileHost(long hostId, HostReconciler.Report report) {
        Optional<ProfileWrites> writes = store.inEnrolledHost(hostId,
                (unit, enrollment) -> reconcileLocked(unit, hostId, enrollment, report, null));
        writes.ifPresent(w -> push.accept(w.enrollmentsToPush()));
        return writes.isPresent();
    }

    /** Reconciles a host whose row {@code unit} holds; {@code only}: one identifier, or null for all. */
    ProfileWrites reconcileLocked(HostProfileStore.Unit unit, long hostId, String enrollment, HostReconciler.Report report,
            String only) {
        Map<String, DesiredProfile> desired = unit.desired(hostId, only);
        Map<String, TrackedProfile> tracked = unit.tracked(hostId);
        if (only != null) {
            tracked.keySet().retainAll(Set.of(only));
        }
        Set<String> serverIdentifiers = report == null ? Set.of() : unit.profileIdentifiers();
        ProfileWrites w = writes(unit);
        w.apply(hostId, enrollment, reconciler.reconcile(desired, tracked, report, serverIdentifiers));
        if (report != null) {
            unit.profileListReported(hostId, clock.millis());
        }
        w.flush();
        return w;
    }

    /** The host-independent reconciliation step, for batches of hosts. */
    HostReconciler reconciler() {
        return reconciler;
    }

    /** Writes on {@code unit}'s transaction. */
    ProfileWrites writes(HostProfileStore.Unit unit) {
        return new ProfileWrites(unit, machine, clock.millis());
    }
}

package dev.jmdm.server.profiles;

import dev.jmdm.server.protocol.EnrollmentId;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * When hosts are asked for their ProfileList: after a device channel's first TokenUpdate, on an admin's
 * request, and when the last request is older than {@code MDM_PROFILE_LIST_EVERY}. The schedule walks hosts
 * as the sweep does: due hosts found without locks, then only those locked and checked again. A server
 * with no profiles and no host holding one sends no ProfileList unasked.
 */
final class ProfileListSchedule {
    private final HostProfileStore store;
    private final HostReconciliation hosts;
    private final Clock clock;
    private final Consumer<Collection<String>> push;
    private final int batchSize;

    ProfileListSchedule(HostProfileStore store, HostReconciliation hosts, Clock clock, Consumer<Collection<String>> push, int batchSize) {
        this.store = store;
        this.hosts = hosts;
        this.clock = clock;
        this.push = push;
        this.batchSize = batchSize;
    }

    /**
     * A device channel's first TokenUpdate since Authenticate (new enrollment, re-enrollment, identity
     * renewal): what the device holds is unknown, so ask it. Its ProfileList answer decides what to send.
     */
    void enrolled(EnrollmentId id) {
        if (!id.isDeviceChannel() || !managesProfiles()) {
            return;
        }
        store.hostOf(id.deviceId()).ifPresent(this::requestProfileList);
    }

    /**
     * Queues a ProfileList for the host (unless one is already waiting) and pushes it. Empty when the host
     * is not enrolled; else the CommandUUID of the waiting or new ProfileList.
     */
    Optional<String> requestProfileList(long hostId) {
        Optional<ProfileWrites> writes = store.inEnrolledHost(hostId, (unit, enrollment) -> {
            ProfileWrites w = hosts.writes(unit);
            w.profileList(hostId, enrollment);
            w.flush();
            return w;
        });
        writes.ifPresent(w -> push.accept(w.enrollmentsToPush()));
        return writes.map(ProfileWrites::profileListCommand);
    }

    /**
     * Whether there is anything to reconcile: a stored profile, or a host still holding one the server
     * installed. A server used only as a command queue (the nanomdm way) then never sends ProfileList unasked.
     */
    boolean managesProfiles() {
        return store.managesProfiles();
    }

    /** Queues ProfileList for every enrolled host whose last request is older than {@code every}; returns how many. */
    int requestDueProfileLists(Duration every) {
        if (!managesProfiles()) {
            return 0;
        }
        long due = clock.millis() - every.toMillis();
        long cursor = 0;
        int requested = 0;
        while (true) {
            long lo = cursor;
            Optional<HostProfileStore.HostRange> range = store.nextHosts(lo, batchSize);
            if (range.isEmpty()) {
                break;
            }
            long hi = range.get().hi();
            Set<Long> dueHosts = store.dueHosts(lo, hi, due);
            if (!dueHosts.isEmpty()) {
                ProfileWrites w = store.inLockedHosts(dueHosts, (unit, locked) -> {
                    ProfileWrites writes = hosts.writes(unit);
                    unit.due(lo, hi, due, locked).forEach(writes::profileListUnchecked);
                    writes.flush();
                    return writes;
                });
                push.accept(w.enrollmentsToPush());
                requested += w.profileListsQueued();
            }
            cursor = hi;
        }
        return requested;
    }
}

package dev.jmdm.server.profiles;

import dev.jmdm.profiles.DesiredProfile;
import dev.jmdm.profiles.ErrorChain;
import dev.jmdm.profiles.HostProfileState;
import dev.jmdm.profiles.HostProfileStateMachine;
import dev.jmdm.profiles.HostReconciler;
import dev.jmdm.profiles.InstalledProfile;
import dev.jmdm.profiles.Operation;
import dev.jmdm.profiles.ProfileCommands;
import dev.jmdm.profiles.ProfileListParser;
import dev.jmdm.profiles.ProfileStatus;
import dev.jmdm.profiles.TrackedProfile;
import dev.jmdm.server.protocol.CommandReport;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.QueueEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every enrolled host converge to its desired profiles.
 *
 * <p>All work on a host happens in one transaction that first locks the host's row ({@code SELECT … FOR
 * UPDATE} on {@code hosts}): the sweep finds the hosts of a batch that differ without any lock, then locks
 * only those, in id order, and reads them again; a device's answer locks its host. So any number of servers
 * may reconcile at once: the second to reach a host waits, then reads what the first wrote and finds
 * nothing left to do, and a sweep with nothing to do holds no lock at all. Inside that transaction the
 * host's state is written first and the commands are queued after it (the same two INSERTs as
 * {@code CommandStore.enqueue}, here on the locked transaction so state and queue commit together). One InstallProfile command is
 * shared by every host of a batch that needs the same PayloadUUID, which keeps an edit for 100,000 hosts
 * to a few hundred statements.
 *
 * <p>The sweep only reads what differs: two set-based queries per batch return the (host, profile)
 * pairs whose desired and tracked state disagree, so a sweep with nothing to do reads no rows. A sweep
 * after an upload, delete or target change looks at that profile only, which makes an edit's pass over
 * the fleet a fraction of a full sweep's reads.
 * Hosts whose device channel is disabled (checked out, or between Authenticate and TokenUpdate) are
 * skipped and keep their state.
 */
final class ProfileReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileReconciler.class);
    static final int DEFAULT_BATCH = 1000;

    /** Whether profile p targets host h: (all, a group or the host) and neither an excluded group nor the host excluded. */
    private static String desired(String host, String profile) {
        return """
                (%2$s.target_all = TRUE
                  OR EXISTS (SELECT 1 FROM profile_target_hosts th WHERE th.identifier = %2$s.identifier AND th.excluded = FALSE AND th.host_id = %1$s)
                  OR EXISTS (SELECT 1 FROM profile_target_groups tg JOIN host_group_members gm ON gm.group_name = tg.group_name
                             WHERE tg.identifier = %2$s.identifier AND tg.excluded = FALSE AND gm.host_id = %1$s))
                AND NOT EXISTS (SELECT 1 FROM profile_target_hosts xh WHERE xh.identifier = %2$s.identifier AND xh.excluded = TRUE AND xh.host_id = %1$s)
                AND NOT EXISTS (SELECT 1 FROM profile_target_groups xg JOIN host_group_members xm ON xm.group_name = xg.group_name
                                WHERE xg.identifier = %2$s.identifier AND xg.excluded = TRUE AND xm.host_id = %1$s)
                """.formatted(host, profile);
    }

    private static final String DIVERGENT_DESIRED = """
            SELECT h.id, h.device_id, p.identifier, p.uuid, p.version, hp.identifier, hp.operation, hp.status, hp.uuid,
              hp.installed_uuid, hp.command_uuid, hp.attempts, hp.detail
            FROM hosts h JOIN enrollments e ON e.id = h.device_id AND e.enabled = TRUE
            CROSS JOIN profiles p
            LEFT JOIN host_profiles hp ON hp.host_id = h.id AND hp.identifier = p.identifier
            WHERE h.id > :lo AND h.id <= :hi AND (hp.host_id IS NULL OR hp.operation <> 'install' OR hp.uuid <> p.uuid
              OR (hp.status = 'pending' AND hp.command_uuid IS NULL)) AND """ + desired("h.id", "p");
    private static final String DESIRED_SCOPE = " AND p.identifier IN (<scope>)";

    private static final String DIVERGENT_TRACKED = """
            SELECT h.id, h.device_id, %s
            FROM hosts h JOIN enrollments e ON e.id = h.device_id AND e.enabled = TRUE
            JOIN host_profiles hp ON hp.host_id = h.id
            LEFT JOIN profiles p ON p.identifier = hp.identifier
            WHERE h.id > :lo AND h.id <= :hi AND (hp.operation = 'install' OR (hp.status = 'pending' AND hp.command_uuid IS NULL))
              AND (p.identifier IS NULL OR NOT (%s))""".formatted(HostProfileRows.COLUMNS, desired("h.id", "p"));
    private static final String TRACKED_SCOPE = " AND hp.identifier IN (<scope>)";

    private final Jdbi jdbi;
    private final Clock clock;
    private final HostProfileStateMachine machine;
    private final HostReconciler reconciler;
    private final Consumer<Collection<String>> pusher;
    private final int batchSize;

    ProfileReconciler(Jdbi jdbi, Clock clock, HostProfileStateMachine machine, Consumer<Collection<String>> pusher, int batchSize) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.machine = machine;
        this.reconciler = new HostReconciler(machine);
        this.pusher = pusher;
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
        int hosts = 0;
        int changed = 0;
        int queued = 0;
        while (true) {
            long from = cursor;
            BatchOutcome b = sweepBatch(from, scope);
            if (b == null) {
                break;
            }
            hosts += b.hosts;
            if (b.work != null) {
                push(b.work.enrollmentsToPush());
                changed += b.work.hostsChanged();
                queued += b.work.entriesQueued;
            }
            cursor = b.lastHostId;
        }
        SweepResult r = new SweepResult(hosts, changed, queued, clock.millis() - start);
        if (changed > 0) {
            LOG.info("profile sweep: {} hosts, {} changed, {} commands queued in {} ms", hosts, changed, queued, r.millis());
        }
        return r;
    }

    /** A batch's hosts, its last host id, and what was done (null: nothing differed, nothing was locked). */
    private record BatchOutcome(int hosts, long lastHostId, Work work) {
    }

    /**
     * What cancelling a command came to: YES, taken out of the queue; RUNNING, delivered and not answered,
     * so the device may be running it; GONE, no longer queued (answered, cleared by a re-enrollment), so
     * whether the device ran it is unknown.
     */
    private enum Canceled { YES, RUNNING, GONE }

    /**
     * One batch of host ids: the divergence queries run first without any lock, and only the hosts they return
     * are locked (in id order, as everywhere: host row first) and read again under the lock, since another
     * server may have reconciled them in between. A batch with nothing to do locks nothing.
     */
    private BatchOutcome sweepBatch(long cursor, Set<String> scope) {
        Optional<HostRange> range = nextHosts(cursor);
        if (range.isEmpty()) {
            return null;
        }
        long hi = range.get().hi();
        Set<Long> differing = jdbi.withHandle(h -> divergent(h, cursor, hi, scope, null)).keySet();
        if (differing.isEmpty()) {
            return new BatchOutcome(range.get().hosts(), hi, null);
        }
        Work work = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            List<Long> locked = lockHosts(h, differing);
            Work w = new Work(h);
            divergent(h, cursor, hi, scope, locked).forEach((hostId, in) -> w.apply(hostId, in.enrollmentId,
                    reconciler.reconcile(in.desired, in.tracked, null, Set.of())));
            w.flush();
            return w;
        });
        return new BatchOutcome(range.get().hosts(), hi, work);
    }

    /** The next batch of host ids after the cursor: how many, and the last; read without locks. */
    private record HostRange(int hosts, long hi) {
    }

    private Optional<HostRange> nextHosts(long cursor) {
        List<Long> ids = jdbi.withHandle(h -> h.createQuery("SELECT id FROM hosts WHERE id > :c ORDER BY id LIMIT :n")
                .bind("c", cursor).bind("n", batchSize).mapTo(Long.class).list());
        return ids.isEmpty() ? Optional.empty() : Optional.of(new HostRange(ids.size(), ids.get(ids.size() - 1)));
    }

    /** Locks the hosts' rows in id order (the order every transaction that locks several hosts uses). */
    private static List<Long> lockHosts(Handle h, Collection<Long> hostIds) {
        return h.createQuery("SELECT id FROM hosts WHERE id IN (<ids>) ORDER BY id FOR UPDATE")
                .bindList("ids", List.copyOf(hostIds)).mapTo(Long.class).list();
    }

    /**
     * The (host, profile) pairs of hosts in (lo, hi] whose desired and tracked state differ, by host; {@code only}
     * narrows to those hosts (null: all of the range).
     */
    private static Map<Long, HostInput> divergent(Handle h, long lo, long hi, Set<String> scope, List<Long> only) {
        Map<Long, HostInput> inputs = new LinkedHashMap<>();
        if (only != null && only.isEmpty()) {
            return inputs;
        }
        String hosts = only == null ? "" : " AND h.id IN (<hosts>)";
        Query desired = scoped(h.createQuery(DIVERGENT_DESIRED + hosts + (scope == null ? "" : DESIRED_SCOPE)), scope, only);
        desired.bind("lo", lo).bind("hi", hi).map((rs, ctx) -> {
            String enrollment = rs.getString(2);
            HostInput in = inputs.computeIfAbsent(rs.getLong(1), id -> new HostInput(enrollment));
            in.desired.put(rs.getString(3), new DesiredProfile(rs.getString(3), rs.getString(4), rs.getInt(5)));
            if (rs.getString(6) != null) {
                in.tracked.put(rs.getString(6), HostProfileRows.read(rs, 6));
            }
            return null;
        }).list();
        Query tracked = scoped(h.createQuery(DIVERGENT_TRACKED + hosts + (scope == null ? "" : TRACKED_SCOPE)), scope, only);
        tracked.bind("lo", lo).bind("hi", hi).map((rs, ctx) -> {
            String enrollment = rs.getString(2);
            HostInput in = inputs.computeIfAbsent(rs.getLong(1), id -> new HostInput(enrollment));
            TrackedProfile t = HostProfileRows.read(rs, 3);
            in.tracked.put(t.identifier(), t);
            return null;
        }).list();
        return inputs;
    }

    private static Query scoped(Query q, Set<String> scope, List<Long> hosts) {
        if (hosts != null) {
            q.bindList("hosts", hosts);
        }
        return scope == null ? q : q.bindList("scope", List.copyOf(scope));
    }

    private static final class HostInput {
        final String enrollmentId;
        final Map<String, DesiredProfile> desired = new HashMap<>();
        final Map<String, TrackedProfile> tracked = new HashMap<>();

        HostInput(String enrollmentId) {
            this.enrollmentId = enrollmentId;
        }
    }

    /**
     * Reconciles one host now, against a fresh ProfileList when given. Skipped (false) when the host's
     * device channel is not enabled.
     */
    boolean reconcileHost(long hostId, HostReconciler.Report report) {
        Work work = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Optional<String> enrollment = lockEnrolledHost(h, hostId);
            return enrollment.isEmpty() ? null : reconcileLocked(h, hostId, enrollment.get(), report, null);
        });
        if (work == null) {
            return false;
        }
        push(work.enrollmentsToPush());
        return true;
    }

    /** Reconciles a host whose row the caller locked; {@code only}: one identifier, or null for all. */
    private Work reconcileLocked(Handle h, long hostId, String enrollment, HostReconciler.Report report, String only) {
        Map<String, DesiredProfile> desired = new HashMap<>();
        Query dq = h.createQuery("SELECT p.identifier, p.uuid, p.version FROM profiles p WHERE " + desired(":host", "p")
                + (only == null ? "" : " AND p.identifier = :only")).bind("host", hostId);
        if (only != null) {
            dq.bind("only", only);
        }
        dq.map((rs, ctx) -> new DesiredProfile(rs.getString(1), rs.getString(2), rs.getInt(3)))
                .forEach(d -> desired.put(d.identifier(), d));
        Map<String, TrackedProfile> tracked = tracked(h, hostId);
        if (only != null) {
            tracked.keySet().retainAll(Set.of(only));
        }
        Set<String> serverIdentifiers = report == null ? Set.of()
                : new HashSet<>(h.createQuery("SELECT identifier FROM profiles").mapTo(String.class).list());
        Work w = new Work(h);
        w.apply(hostId, enrollment, reconciler.reconcile(desired, tracked, report, serverIdentifiers));
        if (report != null) {
            markListed(h, hostId, null, clock.millis());
        }
        w.flush();
        return w;
    }

    private static Map<String, TrackedProfile> tracked(Handle h, long hostId) {
        Map<String, TrackedProfile> tracked = new HashMap<>();
        h.createQuery("SELECT " + HostProfileRows.COLUMNS + " FROM host_profiles hp WHERE hp.host_id = :host")
                .bind("host", hostId).map((rs, ctx) -> HostProfileRows.read(rs, 1))
                .forEach(t -> tracked.put(t.identifier(), t));
        return tracked;
    }

    /** Locks the host's row; its device channel's enrollment id when that channel is enabled. */
    private static Optional<String> lockEnrolledHost(Handle h, long hostId) {
        Optional<String> device = h.createQuery("SELECT device_id FROM hosts WHERE id = :id FOR UPDATE")
                .bind("id", hostId).mapTo(String.class).findOne();
        if (device.isEmpty()) {
            return Optional.empty();
        }
        boolean enabled = h.createQuery("SELECT enabled FROM enrollments WHERE id = :e").bind("e", device.get())
                .mapTo(Boolean.class).findOne().orElse(false);
        return enabled ? device : Optional.empty();
    }

    /** The host of a device channel. */
    Optional<Long> hostOf(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT host_id FROM devices WHERE id = :d")
                .bind("d", deviceId).mapTo(Long.class).findOne());
    }

    /**
     * A device answered a command: moves the state of the profile that command carries, or, for an
     * acknowledged ProfileList, reconciles the host against what it listed.
     */
    void resultStored(EnrollmentId id, CommandReport report) {
        if (!id.isDeviceChannel()) {
            return;
        }
        if (report.status() == CommandReport.Status.ACKNOWLEDGED && report.body().containsKey("ProfileList")) {
            Optional<Long> host = hostOf(id.deviceId());
            if (host.isEmpty()) {
                return;
            }
            List<InstalledProfile> installed;
            try {
                installed = ProfileListParser.parse(report.raw());
            } catch (IllegalArgumentException e) {
                // A malformed answer says nothing about what the device holds: the host keeps its state until the
                // next ProfileList. It is the device's data, not a server fault, so no stack trace.
                LOG.warn("profiles: ignored the ProfileList answer {} of {}: {}", report.commandUuid(), id.id(), e.getMessage());
                return;
            }
            Set<String> queued = new HashSet<>(jdbi.withHandle(h -> h.createQuery(
                            "SELECT command_uuid FROM enrollment_queue WHERE enrollment_id = :e AND pending = TRUE")
                    .bind("e", id.id()).mapTo(String.class).list()));
            reconcileHost(host.get(), new HostReconciler.Report(installed, queued));
            return;
        }
        // Most answers are to commands that carry no profile: one unlocked read settles that, so they cost
        // the device's hot path a single round trip. The state itself is read again under the host's lock.
        Optional<Long> host = jdbi.withHandle(h -> h.createQuery("""
                        SELECT d.host_id FROM devices d JOIN host_profiles hp ON hp.host_id = d.host_id
                        WHERE d.id = :d AND hp.command_uuid = :u""")
                .bind("d", id.deviceId()).bind("u", report.commandUuid()).mapTo(Long.class).findFirst());
        if (host.isEmpty()) {
            return;
        }
        jdbi.useTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Optional<String> enrollment = lockEnrolledHost(h, host.get());
            if (enrollment.isEmpty()) {
                return;
            }
            Optional<TrackedProfile> found = h.createQuery("SELECT " + HostProfileRows.COLUMNS
                            + " FROM host_profiles hp WHERE hp.host_id = :host AND hp.command_uuid = :u")
                    .bind("host", host.get()).bind("u", report.commandUuid())
                    .map((rs, ctx) -> HostProfileRows.read(rs, 1)).findFirst();
            if (found.isEmpty()) {
                return;
            }
            answered(h, host.get(), id.id(), found.get(), report);
            // The desired state may have moved on while the command was out (an edit, a delete, a target
            // change whose reconciliation had to wait for this answer): catch up now, before the device's
            // next command, so nothing overtakes a NotNow'd command and the answer never has the last word.
            reconcileLocked(h, host.get(), enrollment.get(), null, found.get().identifier());
        });
        // The device is connected right now and receives what was queued in this same exchange: no push.
    }

    /** Moves the state on the device's answer; NotNow changes nothing (the command stays queued). */
    private void answered(Handle h, long hostId, String enrollmentId, TrackedProfile t, CommandReport report) {
        HostProfileStateMachine.Transition tr = switch (report.status()) {
            case ACKNOWLEDGED -> machine.acknowledged(t.state(), report.commandUuid());
            case ERROR -> machine.error(t.state(), report.commandUuid(), ErrorChain.parse(report.raw()));
            case COMMAND_FORMAT_ERROR -> machine.commandFormatError(t.state(), report.commandUuid(), ErrorChain.parse(report.raw()));
            default -> null;
        };
        if (tr == null) {
            return;
        }
        Work w = new Work(h);
        HostReconciler.Change change = switch (tr.followUp()) {
            case FORGET -> new HostReconciler.Change(t.identifier(), null, null, false, false);
            case SEND_COMMAND -> new HostReconciler.Change(t.identifier(), new TrackedProfile(tr.state(), t.installedUuid()), null, true, false);
            case SEND_PROFILE_LIST, NONE -> new HostReconciler.Change(t.identifier(), new TrackedProfile(tr.state(),
                    tr.state().status() == ProfileStatus.VERIFYING ? tr.state().uuid() : t.installedUuid()), null, false, false);
        };
        w.apply(hostId, enrollmentId, List.of(change));
        if (tr.followUp() == HostProfileStateMachine.FollowUp.SEND_PROFILE_LIST) {
            w.profileList(hostId, enrollmentId);
        }
        w.flush();
    }

    /**
     * A device channel's first TokenUpdate since Authenticate (new enrollment, re-enrollment, identity
     * renewal): what the device holds is unknown, so ask it. Its ProfileList answer decides what to send.
     */
    void enrolled(EnrollmentId id) {
        if (!id.isDeviceChannel() || !managesProfiles()) {
            return;
        }
        hostOf(id.deviceId()).ifPresent(this::requestProfileList);
    }

    /**
     * Queues a ProfileList for the host (unless one is already waiting) and pushes it. Empty when the host
     * is not enrolled; else the CommandUUID of the waiting or new ProfileList.
     */
    Optional<String> requestProfileList(long hostId) {
        Work work = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Optional<String> enrollment = lockEnrolledHost(h, hostId);
            if (enrollment.isEmpty()) {
                return null;
            }
            Work w = new Work(h);
            w.profileList(hostId, enrollment.get());
            w.flush();
            return w;
        });
        if (work == null) {
            return Optional.empty();
        }
        push(work.enrollmentsToPush());
        return Optional.of(work.profileListCommand);
    }

    /**
     * Whether there is anything to reconcile: a stored profile, or a host still holding one the server
     * installed. A server used only as a command queue (the nanomdm way) then never sends ProfileList unasked.
     */
    boolean managesProfiles() {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM profiles) OR EXISTS (SELECT 1 FROM host_profiles)")
                .mapTo(Boolean.class).one());
    }

    /** Queues ProfileList for every enrolled host whose last request is older than {@code every}; returns how many. */
    int requestDueProfileLists(java.time.Duration every) {
        if (!managesProfiles()) {
            return 0;
        }
        long due = clock.millis() - every.toMillis();
        long cursor = 0;
        int requested = 0;
        while (true) {
            long from = cursor;
            Optional<HostRange> range = nextHosts(from);
            if (range.isEmpty()) {
                break;
            }
            long hi = range.get().hi();
            // As the profile sweep: find the due hosts without locks, then lock and re-check only those.
            Set<Long> dueHosts = jdbi.withHandle(h -> dueForProfileList(h, from, hi, due, null)).keySet();
            if (!dueHosts.isEmpty()) {
                Work w = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
                    List<Long> locked = lockHosts(h, dueHosts);
                    Work work = new Work(h);
                    dueForProfileList(h, from, hi, due, locked).forEach(work::profileListUnchecked);
                    work.flush();
                    return work;
                });
                push(w.enrollmentsToPush());
                requested += w.profileListsQueued;
            }
            cursor = hi;
        }
        return requested;
    }

    /** Enrolled hosts in (lo, hi] (or only those given) whose last ProfileList request is older than due and none waiting. */
    private static Map<Long, String> dueForProfileList(Handle h, long lo, long hi, long due, List<Long> only) {
        if (only != null && only.isEmpty()) {
            return Map.of();
        }
        Query q = h.createQuery("""
                SELECT h.id, h.device_id FROM hosts h JOIN enrollments e ON e.id = h.device_id AND e.enabled = TRUE
                LEFT JOIN host_profile_lists l ON l.host_id = h.id
                WHERE h.id > :lo AND h.id <= :hi AND (l.requested_at IS NULL OR l.requested_at < :due)
                  AND NOT EXISTS (SELECT 1 FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                                  WHERE q.enrollment_id = h.device_id AND q.pending = TRUE AND c.request_type = 'ProfileList')"""
                + (only == null ? "" : " AND h.id IN (<hosts>)"));
        if (only != null) {
            q.bindList("hosts", only);
        }
        Map<Long, String> out = new LinkedHashMap<>();
        q.bind("lo", lo).bind("hi", hi).bind("due", due).map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2))).list()
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private void markListed(Handle h, long hostId, Long requestedAt, Long reportedAt) {
        int n = h.createUpdate("UPDATE host_profile_lists SET requested_at = COALESCE(:req, requested_at), "
                        + "reported_at = COALESCE(:rep, reported_at) WHERE host_id = :h")
                .bind("req", requestedAt).bind("rep", reportedAt).bind("h", hostId).execute();
        if (n == 0) {
            h.createUpdate("INSERT INTO host_profile_lists (host_id, requested_at, reported_at) VALUES (:h, :req, :rep)")
                    .bind("req", requestedAt).bind("rep", reportedAt).bind("h", hostId).execute();
        }
    }

    private void push(Collection<String> enrollmentIds) {
        if (!enrollmentIds.isEmpty()) {
            try {
                pusher.accept(enrollmentIds);
            } catch (RuntimeException e) {
                LOG.warn("push after profile reconciliation failed: {}", e.getMessage());
            }
        }
    }

    /**
     * The writes of one transaction: host state first, then the commands. Commands with the same content
     * (InstallProfile of one PayloadUUID, RemoveProfile of one identifier, ProfileList) are one command
     * queued for many enrollments.
     */
    private final class Work {
        private final Handle h;
        private final long now = clock.millis();
        private final List<Object[]> upserts = new ArrayList<>();
        private final List<Object[]> deletes = new ArrayList<>();
        private final Map<String, String> commandByKey = new HashMap<>();
        private final Map<String, byte[]> commandBytes = new LinkedHashMap<>();
        private final Map<String, String> requestTypes = new HashMap<>();
        private final Map<String, List<String>> queue = new LinkedHashMap<>();
        private final Map<String, Optional<byte[]>> profileBytes = new HashMap<>();
        private final Set<Long> changedHosts = new HashSet<>();
        private final Set<String> toPush = new LinkedHashSet<>();
        int entriesQueued;
        int profileListsQueued;
        String profileListCommand;

        Work(Handle h) {
            this.h = h;
        }

        void apply(long hostId, String enrollmentId, List<HostReconciler.Change> changes) {
            for (HostReconciler.Change c : changes) {
                changedHosts.add(hostId);
                if (c.cancelCommand() != null) {
                    Canceled canceled = cancel(enrollmentId, c.cancelCommand());
                    if (canceled == Canceled.RUNNING) {
                        // Queued behind it, the next command could overtake it (a NotNow'd command waits for
                        // the next Idle) and be undone by it. Its answer reconciles this profile again.
                        continue;
                    }
                    if (canceled == Canceled.YES && c.forgetIfCanceled()) {
                        deletes.add(new Object[] {hostId, c.identifier()});
                        continue;
                    }
                }
                if (c.next() == null) {
                    deletes.add(new Object[] {hostId, c.identifier()});
                    continue;
                }
                HostProfileState state = c.next().state();
                if (c.send()) {
                    Optional<String> command = command(state);
                    if (command.isPresent()) {
                        state = machine.commandQueued(state, command.get()).state();
                        queue.computeIfAbsent(command.get(), k -> new ArrayList<>()).add(enrollmentId);
                        toPush.add(enrollmentId);
                    }
                }
                upserts.add(new Object[] {hostId, state, c.next().installedUuid()});
            }
        }

        /** The command for a state's operation, shared within this transaction; empty when the version moved on meanwhile. */
        private Optional<String> command(HostProfileState state) {
            String key = state.operation() == Operation.INSTALL ? "install:" + state.uuid() : "remove:" + state.identifier();
            String existing = commandByKey.get(key);
            if (existing != null) {
                return Optional.of(existing);
            }
            String uuid = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
            byte[] bytes;
            if (state.operation() == Operation.INSTALL) {
                Optional<byte[]> raw = profileBytes.computeIfAbsent(state.identifier() + "\n" + state.uuid(), k ->
                        h.createQuery("SELECT raw FROM profiles WHERE identifier = :id AND uuid = :u")
                                .bind("id", state.identifier()).bind("u", state.uuid()).mapTo(byte[].class).findOne());
                if (raw.isEmpty()) {
                    return Optional.empty(); // a newer upload's own reconciliation takes over
                }
                bytes = ProfileCommands.installProfile(uuid, raw.get());
                requestTypes.put(uuid, "InstallProfile");
            } else {
                bytes = ProfileCommands.removeProfile(uuid, state.identifier());
                requestTypes.put(uuid, "RemoveProfile");
            }
            commandByKey.put(key, uuid);
            commandBytes.put(uuid, bytes);
            return Optional.of(uuid);
        }

        /** Queues a ProfileList for the enrollment unless one is already waiting. */
        void profileList(long hostId, String enrollmentId) {
            Optional<String> waiting = h.createQuery("""
                    SELECT q.command_uuid FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                    WHERE q.enrollment_id = :e AND q.pending = TRUE AND c.request_type = 'ProfileList' ORDER BY q.id""")
                    .bind("e", enrollmentId).mapTo(String.class).findFirst();
            if (waiting.isPresent()) {
                profileListCommand = waiting.get();
                toPush.add(enrollmentId);
                return;
            }
            profileListUnchecked(hostId, enrollmentId);
        }

        void profileListUnchecked(long hostId, String enrollmentId) {
            String uuid = commandByKey.computeIfAbsent("profilelist", k -> {
                String u = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
                commandBytes.put(u, ProfileCommands.profileList(u));
                requestTypes.put(u, "ProfileList");
                return u;
            });
            profileListCommand = uuid;
            queue.computeIfAbsent(uuid, k -> new ArrayList<>()).add(enrollmentId);
            toPush.add(enrollmentId);
            markListed(h, hostId, now, null);
            profileListsQueued++;
        }

        /**
         * Takes the command out of the queue unless the device may be running it. A NotNow'd command the
         * device has not been given again since (as many deliveries as NotNows) is not running: the device
         * declined it and forgot it, so it can be cancelled like one never delivered.
         */
        private Canceled cancel(String enrollmentId, String commandUuid) {
            int n = h.createUpdate("""
                    UPDATE enrollment_queue SET pending = FALSE, status = :canceled, updated_at = :now
                    WHERE enrollment_id = :e AND command_uuid = :u AND pending = TRUE AND delivery_count = not_now_tally""")
                    .bind("canceled", QueueEntry.CANCELED).bind("now", now).bind("e", enrollmentId).bind("u", commandUuid)
                    .execute();
            if (n > 0) {
                return Canceled.YES;
            }
            boolean pending = h.createQuery("SELECT pending FROM enrollment_queue WHERE enrollment_id = :e AND command_uuid = :u")
                    .bind("e", enrollmentId).bind("u", commandUuid).mapTo(Boolean.class).findOne().orElse(false);
            return pending ? Canceled.RUNNING : Canceled.GONE;
        }

        /** State first, then the queue; all on the caller's transaction. */
        void flush() {
            if (!deletes.isEmpty()) {
                var batch = h.prepareBatch("DELETE FROM host_profiles WHERE host_id = :h AND identifier = :id");
                deletes.forEach(d -> batch.bind("h", d[0]).bind("id", d[1]).add());
                batch.execute();
            }
            if (!upserts.isEmpty()) {
                var batch = h.prepareBatch("""
                        INSERT INTO host_profiles (host_id, identifier, operation, status, uuid, installed_uuid, command_uuid,
                          attempts, detail, updated_at)
                        VALUES (:h, :id, :op, :status, :uuid, :installed, :cmd, :attempts, :detail, :now)
                        ON DUPLICATE KEY UPDATE operation = VALUES(operation), status = VALUES(status), uuid = VALUES(uuid),
                          installed_uuid = VALUES(installed_uuid), command_uuid = VALUES(command_uuid),
                          attempts = VALUES(attempts), detail = VALUES(detail), updated_at = VALUES(updated_at)""");
                for (Object[] u : upserts) {
                    HostProfileState s = (HostProfileState) u[1];
                    batch.bind("h", u[0]).bind("id", s.identifier()).bind("op", HostProfileRows.wire(s.operation()))
                            .bind("status", HostProfileRows.wire(s.status())).bind("uuid", s.uuid())
                            .bind("installed", (String) u[2]).bind("cmd", s.commandUuid()).bind("attempts", s.attempts())
                            .bind("detail", HostProfileRows.detail(s.detail())).bind("now", now).add();
                }
                batch.execute();
            }
            for (Map.Entry<String, List<String>> e : queue.entrySet()) {
                String uuid = e.getKey();
                h.createUpdate("INSERT INTO commands (command_uuid, request_type, command, created_at) VALUES (:u, :t, :c, :now)")
                        .bind("u", uuid).bind("t", requestTypes.get(uuid)).bind("c", commandBytes.get(uuid)).bind("now", now).execute();
                var batch = h.prepareBatch("""
                        INSERT INTO enrollment_queue (enrollment_id, command_uuid, pending, created_at, updated_at)
                        VALUES (:e, :u, TRUE, :now, :now)""");
                e.getValue().forEach(id -> batch.bind("e", id).bind("u", uuid).bind("now", now).add());
                batch.execute();
                entriesQueued += e.getValue().size();
            }
        }

        int hostsChanged() {
            return changedHosts.size();
        }

        Collection<String> enrollmentsToPush() {
            return toPush;
        }
    }
}

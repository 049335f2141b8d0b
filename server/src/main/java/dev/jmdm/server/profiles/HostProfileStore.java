package dev.jmdm.server.profiles;

import dev.jmdm.profiles.DesiredProfile;
import dev.jmdm.profiles.HostProfileState;
import dev.jmdm.profiles.TrackedProfile;
import dev.jmdm.server.storage.CommandStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Each host's profile state ({@code host_profiles}) and ProfileList bookkeeping ({@code host_profile_lists}),
 * and the transactions the reconciler works in.
 *
 * <p>Every write happens in a {@link Unit}: a transaction that first locked the rows of the hosts it
 * writes for ({@code SELECT … FOR UPDATE} on {@code hosts}, several in id order: the order every
 * transaction that locks several hosts uses). Its queue writes go through the command store's own
 * {@link CommandStore#within}, so state and queue commit together. Reads that decide whether a lock is
 * needed at all ({@link #divergentHosts}, {@link #dueHosts}) take none; {@link DivergenceQueries} holds them.
 */
final class HostProfileStore {
    private final Jdbi jdbi;
    private final CommandStore commands;

    HostProfileStore(Jdbi jdbi, CommandStore commands) {
        this.jdbi = jdbi;
        this.commands = commands;
    }

    /** A host's profile state to store; the row is keyed by (host, identifier). */
    record StateWrite(long hostId, HostProfileState state, String installedUuid) {
    }

    /** One host's row for one profile. */
    record HostProfile(long hostId, String identifier) {
    }

    /** The next batch of host ids after a cursor: how many, and the last. */
    record HostRange(int hosts, long hi) {
    }

    /** The next batch of at most {@code size} host ids after {@code cursor}; read without locks. */
    Optional<HostRange> nextHosts(long cursor, int size) {
        // Counted in the database: a sweep with nothing to do would otherwise spend most of its own CPU reading ids.
        HostRange range = jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*), MAX(id) FROM (SELECT id FROM hosts WHERE id > :c ORDER BY id LIMIT :n) batch")
                .bind("c", cursor).bind("n", size).map((rs, ctx) -> new HostRange(rs.getInt(1), rs.getLong(2))).one());
        return range.hosts() == 0 ? Optional.empty() : Optional.of(range);
    }

    /** Hosts in (lo, hi] with a (host, profile) pair to reconcile, {@code scope} narrowing the profiles (null: all); no lock. */
    Set<Long> divergentHosts(long lo, long hi, Set<String> scope) {
        return jdbi.withHandle(h -> DivergenceQueries.divergentHosts(h, lo, hi, scope));
    }

    /** Enrolled hosts in (lo, hi] due for a ProfileList (see {@link DivergenceQueries#dueForProfileList}); no lock. */
    Set<Long> dueHosts(long lo, long hi, long due) {
        return jdbi.withHandle(h -> DivergenceQueries.dueForProfileList(h, lo, hi, due, null)).keySet();
    }

    /** The host of a device channel. */
    Optional<Long> hostOf(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT host_id FROM devices WHERE id = :d")
                .bind("d", deviceId).mapTo(Long.class).findOne());
    }

    /** The device channel's host when one of its profiles waits for this command's answer; no lock. */
    Optional<Long> hostAwaiting(String deviceId, String commandUuid) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT d.host_id FROM devices d JOIN host_profiles hp ON hp.host_id = d.host_id
                        WHERE d.id = :d AND hp.command_uuid = :u""")
                .bind("d", deviceId).bind("u", commandUuid).mapTo(Long.class).findFirst());
    }

    /** Whether there is a stored profile, or a host still holding one the server installed. */
    boolean managesProfiles() {
        return jdbi.withHandle(h -> h.createQuery("SELECT EXISTS (SELECT 1 FROM profiles) OR EXISTS (SELECT 1 FROM host_profiles)")
                .mapTo(Boolean.class).one());
    }

    /** Runs {@code work} in one transaction holding the rows of those of {@code hostIds} that exist, locked in id order. */
    <T> T inLockedHosts(Collection<Long> hostIds, BiFunction<Unit, List<Long>, T> work) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            List<Long> locked = h.createQuery("SELECT id FROM hosts WHERE id IN (<ids>) ORDER BY id FOR UPDATE")
                    .bindList("ids", List.copyOf(hostIds)).mapTo(Long.class).list();
            return work.apply(new Unit(h), locked);
        });
    }

    /**
     * Runs {@code work} in one transaction holding the host's row, with its device channel's enrollment id;
     * empty (nothing run) when the host is gone or that channel is not enabled (checked out, or between
     * Authenticate and TokenUpdate). {@code work} may answer null.
     */
    <T> Optional<T> inEnrolledHost(long hostId, BiFunction<Unit, String, T> work) {
        return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            Optional<String> device = h.createQuery("SELECT device_id FROM hosts WHERE id = :id FOR UPDATE")
                    .bind("id", hostId).mapTo(String.class).findOne();
            if (device.isEmpty()) {
                return Optional.empty();
            }
            boolean enabled = h.createQuery("SELECT enabled FROM enrollments WHERE id = :e").bind("e", device.get())
                    .mapTo(Boolean.class).findOne().orElse(false);
            return enabled ? Optional.ofNullable(work.apply(new Unit(h), device.get())) : Optional.empty();
        });
    }

    /** One transaction holding host locks: what the reconciler reads and writes under them. */
    final class Unit {
        private final Handle h;

        private Unit(Handle h) {
            this.h = h;
        }

        /** The divergent (host, profile) pairs of the locked hosts in (lo, hi], read again under the lock. */
        Map<Long, DivergenceQueries.HostInput> divergent(long lo, long hi, Set<String> scope, List<Long> locked) {
            return DivergenceQueries.divergent(h, lo, hi, scope, locked);
        }

        /** The locked hosts in (lo, hi] still due for a ProfileList, with their device channel. */
        Map<Long, String> due(long lo, long hi, long due, List<Long> locked) {
            return DivergenceQueries.dueForProfileList(h, lo, hi, due, locked);
        }

        /** What the host's targets want, by identifier; {@code only}: one identifier, or null for all. */
        Map<String, DesiredProfile> desired(long hostId, String only) {
            Map<String, DesiredProfile> desired = new HashMap<>();
            Query q = h.createQuery("SELECT p.identifier, p.uuid, p.version FROM profiles p WHERE "
                    + DivergenceQueries.desired(":host", "p") + (only == null ? "" : " AND p.identifier = :only")).bind("host", hostId);
            if (only != null) {
                q.bind("only", only);
            }
            q.map((rs, ctx) -> new DesiredProfile(rs.getString(1), rs.getString(2), rs.getInt(3)))
                    .forEach(d -> desired.put(d.identifier(), d));
            return desired;
        }

        /** What the server tracks on the host, by identifier. */
        Map<String, TrackedProfile> tracked(long hostId) {
            Map<String, TrackedProfile> tracked = new HashMap<>();
            h.createQuery("SELECT " + HostProfileRows.COLUMNS + " FROM host_profiles hp WHERE hp.host_id = :host")
                    .bind("host", hostId).map((rs, ctx) -> HostProfileRows.read(rs, 1))
                    .forEach(t -> tracked.put(t.identifier(), t));
            return tracked;
        }

        /** The host's profile whose current attempt is this command. */
        Optional<TrackedProfile> trackedByCommand(long hostId, String commandUuid) {
            return h.createQuery("SELECT " + HostProfileRows.COLUMNS
                            + " FROM host_profiles hp WHERE hp.host_id = :host AND hp.command_uuid = :u")
                    .bind("host", hostId).bind("u", commandUuid)
                    .map((rs, ctx) -> HostProfileRows.read(rs, 1)).findFirst();
        }

        /** Identifiers of every stored profile. */
        Set<String> profileIdentifiers() {
            return new HashSet<>(h.createQuery("SELECT identifier FROM profiles").mapTo(String.class).list());
        }

        /** The stored bytes of a profile version; empty when a newer upload replaced it meanwhile. */
        Optional<byte[]> profileBytes(String identifier, String uuid) {
            return h.createQuery("SELECT raw FROM profiles WHERE identifier = :id AND uuid = :u")
                    .bind("id", identifier).bind("u", uuid).mapTo(byte[].class).findOne();
        }

        /** The CommandUUID of a ProfileList still waiting in the enrollment's queue. */
        Optional<String> waitingProfileList(String enrollmentId) {
            return h.createQuery("""
                    SELECT q.command_uuid FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                    WHERE q.enrollment_id = :e AND q.pending = TRUE AND c.request_type = 'ProfileList' ORDER BY q.id""")
                    .bind("e", enrollmentId).mapTo(String.class).findFirst();
        }

        /** Notes that a ProfileList was queued for the host at {@code at}. */
        void profileListRequested(long hostId, long at) {
            markListed(hostId, at, null);
        }

        /** Notes that the host answered a ProfileList at {@code at}. */
        void profileListReported(long hostId, long at) {
            markListed(hostId, null, at);
        }

        private void markListed(long hostId, Long requestedAt, Long reportedAt) {
            int n = h.createUpdate("UPDATE host_profile_lists SET requested_at = COALESCE(:req, requested_at), "
                            + "reported_at = COALESCE(:rep, reported_at) WHERE host_id = :h")
                    .bind("req", requestedAt).bind("rep", reportedAt).bind("h", hostId).execute();
            if (n == 0) {
                h.createUpdate("INSERT INTO host_profile_lists (host_id, requested_at, reported_at) VALUES (:h, :req, :rep)")
                        .bind("req", requestedAt).bind("rep", reportedAt).bind("h", hostId).execute();
            }
        }

        /** Deletes the forgotten rows, then stores the states. */
        void write(Collection<HostProfile> forget, Collection<StateWrite> states, long now) {
            if (!forget.isEmpty()) {
                var batch = h.prepareBatch("DELETE FROM host_profiles WHERE host_id = :h AND identifier = :id");
                forget.forEach(d -> batch.bind("h", d.hostId()).bind("id", d.identifier()).add());
                batch.execute();
            }
            if (!states.isEmpty()) {
                var batch = h.prepareBatch("""
                        INSERT INTO host_profiles (host_id, identifier, operation, status, uuid, installed_uuid, command_uuid,
                          attempts, detail, updated_at)
                        VALUES (:h, :id, :op, :status, :uuid, :installed, :cmd, :attempts, :detail, :now)
                        ON DUPLICATE KEY UPDATE operation = VALUES(operation), status = VALUES(status), uuid = VALUES(uuid),
                          installed_uuid = VALUES(installed_uuid), command_uuid = VALUES(command_uuid),
                          attempts = VALUES(attempts), detail = VALUES(detail), updated_at = VALUES(updated_at)""");
                for (StateWrite w : states) {
                    HostProfileState s = w.state();
                    batch.bind("h", w.hostId()).bind("id", s.identifier()).bind("op", HostProfileRows.wire(s.operation()))
                            .bind("status", HostProfileRows.wire(s.status())).bind("uuid", s.uuid())
                            .bind("installed", w.installedUuid()).bind("cmd", s.commandUuid()).bind("attempts", s.attempts())
                            .bind("detail", HostProfileRows.detail(s.detail())).bind("now", now).add();
                }
                batch.execute();
            }
        }

        /** The command queue's writes, on this transaction. */
        CommandStore.QueueWrites queue() {
            return commands.within(h);
        }
    }
}

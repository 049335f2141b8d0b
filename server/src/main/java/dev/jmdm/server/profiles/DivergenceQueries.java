package dev.jmdm.server.profiles;

import dev.jmdm.profiles.DesiredProfile;
import dev.jmdm.profiles.TrackedProfile;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * The set-based reads that find work: which (host, profile) pairs of a batch of hosts differ between
 * desired and tracked state, and which hosts are due for a ProfileList. A sweep with nothing to do reads
 * no rows. Run once without a lock to decide which hosts to lock, and again under the lock
 * ({@link HostProfileStore.Unit}), since another server may have done the work in between.
 */
final class DivergenceQueries {
    private DivergenceQueries() {
    }

    /** Whether profile p targets host h: (all, a group or the host) and neither an excluded group nor the host excluded. */
    static String desired(String host, String profile) {
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

    /**
     * Whether every enrolled host wants profile p: it targets all and excludes no host and no group (not even an
     * empty one). It depends on p alone, so a database evaluates it once per profile (MariaDB's subquery cache),
     * where {@link #desired} looks at targets once per (host, profile) pair.
     */
    static String wantedByAll(String profile) {
        return """
                (%1$s.target_all = TRUE
                  AND NOT EXISTS (SELECT 1 FROM profile_target_hosts ah WHERE ah.identifier = %1$s.identifier AND ah.excluded = TRUE)
                  AND NOT EXISTS (SELECT 1 FROM profile_target_groups ag WHERE ag.identifier = %1$s.identifier AND ag.excluded = TRUE))
                """.formatted(profile);
    }

    /** Pairs of an enrolled host and a profile whose tracked state is not an install of the current version under way or done. */
    private static final String UNSETTLED_PAIRS = """
            SELECT h.id, h.device_id, p.identifier, p.uuid, p.version, hp.identifier, hp.operation, hp.status, hp.uuid,
              hp.installed_uuid, hp.command_uuid, hp.attempts, hp.detail
            FROM hosts h JOIN enrollments e ON e.id = h.device_id AND e.enabled = TRUE
            CROSS JOIN profiles p
            LEFT JOIN host_profiles hp ON hp.host_id = h.id AND hp.identifier = p.identifier
            WHERE h.id > :lo AND h.id <= :hi AND (hp.host_id IS NULL OR hp.operation <> 'install' OR hp.uuid <> p.uuid
              OR (hp.status = 'pending' AND hp.command_uuid IS NULL)) AND """;
    /** Unsettled pairs whose profile the host's targets want: the desired side of divergence. */
    private static final String DIVERGENT_DESIRED = UNSETTLED_PAIRS + desired("h.id", "p");
    /**
     * The same for the profiles of {@code <everywhere>}, which every enrolled host wants: no per-host look at
     * targets. The condition is checked again here, so a profile that stopped being wanted everywhere after
     * {@link #wantedByAll(Handle, Set)} read it is left out rather than installed where it is now excluded.
     */
    private static final String DIVERGENT_DESIRED_EVERYWHERE = UNSETTLED_PAIRS + wantedByAll("p")
            + " AND p.identifier IN (<everywhere>)";
    private static final String DESIRED_SCOPE = " AND p.identifier IN (<scope>)";
    private static final String DESIRED_ELSEWHERE = " AND p.identifier NOT IN (<everywhere>)";

    private static final String DIVERGENT_TRACKED = """
            SELECT h.id, h.device_id, %s
            FROM hosts h JOIN enrollments e ON e.id = h.device_id AND e.enabled = TRUE
            JOIN host_profiles hp ON hp.host_id = h.id
            LEFT JOIN profiles p ON p.identifier = hp.identifier
            WHERE h.id > :lo AND h.id <= :hi AND (hp.operation = 'install' OR (hp.status = 'pending' AND hp.command_uuid IS NULL))
              AND (p.identifier IS NULL OR NOT (%s))""".formatted(HostProfileRows.COLUMNS, desired("h.id", "p"));
    private static final String TRACKED_SCOPE = " AND hp.identifier IN (<scope>)";
    private static final String TRACKED_ELSEWHERE = " AND hp.identifier NOT IN (<everywhere>)";

    /** What one host's reconciliation starts from: its device channel, and the differing pairs by identifier. */
    record HostInput(String enrollmentId, Map<String, DesiredProfile> desired, Map<String, TrackedProfile> tracked) {
        HostInput(String enrollmentId) {
            this(enrollmentId, new HashMap<>(), new HashMap<>());
        }
    }

    /** The profiles, of {@code scope} (null: of all), every enrolled host wants ({@link #wantedByAll(String)}): their current PayloadUUIDs. */
    static Map<String, String> wantedByAll(Handle h, Set<String> scope) {
        Query q = h.createQuery("SELECT p.identifier, p.uuid FROM profiles p WHERE " + wantedByAll("p")
                + (scope == null ? "" : DESIRED_SCOPE));
        if (scope != null) {
            q.bindList("scope", List.copyOf(scope));
        }
        Map<String, String> out = new HashMap<>();
        q.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * Enrolled hosts of (lo, hi] holding fewer than {@code :n} of the given (profile, version) pairs as an install
     * under way or done. The pairs are one string each, the identifier's length first so that no two pairs read
     * alike: one index range per host and no join per row, which halves a quiet sweep's database time.
     */
    private static final String SHORT_OF_CURRENT = """
            SELECT h.id FROM hosts h JOIN enrollments e ON e.id = h.device_id AND e.enabled = TRUE
            LEFT JOIN host_profiles hp ON hp.host_id = h.id
              AND CONCAT(CHAR_LENGTH(hp.identifier), ':', hp.identifier, hp.uuid) IN (<current>)
              AND hp.operation = 'install' AND (hp.status <> 'pending' OR hp.command_uuid IS NOT NULL)
            WHERE h.id > :lo AND h.id <= :hi GROUP BY h.id HAVING COUNT(hp.host_id) < :n""";

    private static String pair(String identifier, String uuid) {
        return identifier.codePointCount(0, identifier.length()) + ":" + identifier + uuid;
    }

    /**
     * The hosts of (lo, hi] with a (host, profile) pair to reconcile, {@code scope} narrowing the profiles (null:
     * all): what {@link #divergent} would return, read more cheaply, to decide which hosts to lock. For the
     * profiles every host wants, a host is counted when it lacks a settled install of one of their versions as
     * read just before. A profile edited in between makes hosts still on the old version look settled (the
     * edit's own sweep reaches them) and those already on the new one unsettled (the locked re-read, which
     * compares with the profile row itself, finds nothing to do).
     */
    static Set<Long> divergentHosts(Handle h, long lo, long hi, Set<String> scope) {
        Map<String, String> everywhere = wantedByAll(h, scope);
        Set<Long> hosts = new HashSet<>();
        if (!everywhere.isEmpty()) {
            List<String> current = everywhere.entrySet().stream().map(e -> pair(e.getKey(), e.getValue())).toList();
            hosts.addAll(h.createQuery(SHORT_OF_CURRENT).bindList("current", current).bind("n", current.size())
                    .bind("lo", lo).bind("hi", hi).mapTo(Long.class).list());
        }
        Map<Long, HostInput> inputs = new LinkedHashMap<>();
        divergentElsewhere(h, lo, hi, scope, everywhere.keySet(), null, inputs);
        hosts.addAll(inputs.keySet());
        return hosts;
    }

    /**
     * The (host, profile) pairs of hosts in (lo, hi] whose desired and tracked state differ, by host; {@code scope}
     * narrows the profiles (null: all), {@code only} the hosts (null: all of the range).
     *
     * <p>Profiles every enrolled host wants (most fleets' baseline) skip the per-pair look at targets: for them a
     * pair differs exactly when its state is not an install of the current version, and no tracked install of
     * them can be unwanted, so the tracked side leaves them out. This reads the same pairs as checking each
     * pair's targets, for any drift: a missing or stale state row, a host enrolled or re-enabled, a profile
     * edited, deleted, re-targeted or given an exclusion by another server. Only the classification is read
     * before the pairs (one statement each, as before): a profile that leaves the class in between is skipped by
     * this pass, never installed where it is excluded, and the change that moved it triggers its own sweep.
     */
    static Map<Long, HostInput> divergent(Handle h, long lo, long hi, Set<String> scope, List<Long> only) {
        Map<Long, HostInput> inputs = new LinkedHashMap<>();
        if (only != null && only.isEmpty()) {
            return inputs;
        }
        Set<String> everywhere = wantedByAll(h, scope).keySet();
        if (!everywhere.isEmpty()) {
            String hosts = only == null ? "" : " AND h.id IN (<hosts>)";
            Query q = scoped(h.createQuery(DIVERGENT_DESIRED_EVERYWHERE + hosts), null, only).bindList("everywhere", List.copyOf(everywhere));
            readDesired(q.bind("lo", lo).bind("hi", hi), inputs);
        }
        divergentElsewhere(h, lo, hi, scope, everywhere, only, inputs);
        return inputs;
    }

    /** The divergent pairs of the profiles outside {@code everywhere}: the rest of the scope or, in a full sweep, all (stored or not). */
    private static void divergentElsewhere(Handle h, long lo, long hi, Set<String> scope, Set<String> everywhere, List<Long> only,
            Map<Long, HostInput> inputs) {
        Set<String> rest = null;
        if (scope != null) {
            rest = new HashSet<>(scope);
            rest.removeAll(everywhere);
            if (rest.isEmpty()) {
                return;
            }
        }
        String hosts = only == null ? "" : " AND h.id IN (<hosts>)";
        String desiredRest = rest != null ? DESIRED_SCOPE : everywhere.isEmpty() ? "" : DESIRED_ELSEWHERE;
        String trackedRest = rest != null ? TRACKED_SCOPE : everywhere.isEmpty() ? "" : TRACKED_ELSEWHERE;
        readDesired(others(h.createQuery(DIVERGENT_DESIRED + hosts + desiredRest), rest, everywhere, only)
                .bind("lo", lo).bind("hi", hi), inputs);
        others(h.createQuery(DIVERGENT_TRACKED + hosts + trackedRest), rest, everywhere, only)
                .bind("lo", lo).bind("hi", hi).map((rs, ctx) -> {
                    String enrollment = rs.getString(2);
                    HostInput in = inputs.computeIfAbsent(rs.getLong(1), id -> new HostInput(enrollment));
                    TrackedProfile t = HostProfileRows.read(rs, 3);
                    in.tracked().put(t.identifier(), t);
                    return null;
                }).list();
    }

    /** Binds the hosts, and the rest of the scope or else the profiles to leave out. */
    private static Query others(Query q, Set<String> rest, Set<String> everywhere, List<Long> only) {
        scoped(q, rest, only);
        return rest == null && !everywhere.isEmpty() ? q.bindList("everywhere", List.copyOf(everywhere)) : q;
    }

    private static void readDesired(Query q, Map<Long, HostInput> inputs) {
        q.map((rs, ctx) -> {
            String enrollment = rs.getString(2);
            HostInput in = inputs.computeIfAbsent(rs.getLong(1), id -> new HostInput(enrollment));
            in.desired().put(rs.getString(3), new DesiredProfile(rs.getString(3), rs.getString(4), rs.getInt(5)));
            if (rs.getString(6) != null) {
                in.tracked().put(rs.getString(6), HostProfileRows.read(rs, 6));
            }
            return null;
        }).list();
    }

    private static Query scoped(Query q, Set<String> scope, List<Long> hosts) {
        if (hosts != null) {
            q.bindList("hosts", hosts);
        }
        return scope == null ? q : q.bindList("scope", List.copyOf(scope));
    }

    /**
     * Enrolled hosts in (lo, hi] (or only those given) whose last ProfileList request is older than {@code due}
     * and with none waiting in their queue, with their device channel.
     */
    static Map<Long, String> dueForProfileList(Handle h, long lo, long hi, long due, List<Long> only) {
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
}

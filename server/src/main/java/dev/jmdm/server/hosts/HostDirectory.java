package dev.jmdm.server.hosts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import dev.jmdm.server.storage.QueueEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads and forgets hosts: filtered, sorted, cursor-paged lists; a host's groups, channels and
 * command history. Writes only when a host is forgotten.
 */
final class HostDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "h.id, h.udid, h.serial_number, h.device_id, h.platform, h.product_name, "
            + "h.os_version, h.device_name, h.enrolled_at, h.created_at, h.updated_at, e.type, e.enabled, e.last_seen_at";
    private static final String FROM = " FROM hosts h LEFT JOIN enrollments e ON e.id = h.device_id";

    /**
     * Sort keys: the SQL expression and whether it is numeric and may be NULL. The hosts' own columns are sorted as
     * they are (NULL first ascending, last descending, as both engines order them) rather than folded with COALESCE,
     * so that an index (V24: each one with id after it) hands rows over in page order and a page reads about as many
     * index entries as it returns, even when a broad search or a filter is applied to the scan.
     */
    enum Sort {
        ID("h.id", true, false), SERIAL_NUMBER("h.serial_number", false, true), DEVICE_NAME("h.device_name", false, true),
        PLATFORM("h.platform", false, true), OS_VERSION("h.os_version", false, true),
        LAST_SEEN("e.last_seen_at", true, true), ENROLLED_AT("h.enrolled_at", true, true),
        CREATED_AT("h.created_at", true, false);

        final String expr;
        final boolean numeric;
        final boolean nullable;

        Sort(String expr, boolean numeric, boolean nullable) {
            this.expr = expr;
            this.numeric = numeric;
            this.nullable = nullable;
        }

        static Sort parse(String name) {
            for (Sort s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return s;
                }
            }
            throw new HttpError(400, "unknown sort '" + name + "'; use id, serial_number, device_name, platform, os_version, "
                    + "last_seen, enrolled_at or created_at, with - in front for descending");
        }

        Object value(HostView v) {
            HostRecord h = v.host();
            return switch (this) {
                case ID -> h.id();
                case SERIAL_NUMBER -> h.serialNumber();
                case DEVICE_NAME -> h.deviceName();
                case PLATFORM -> h.platform();
                case OS_VERSION -> h.osVersion();
                case LAST_SEEN -> v.lastSeenAt() == null ? 0L : v.lastSeenAt();
                case ENROLLED_AT -> h.enrolledAt();
                case CREATED_AT -> h.createdAt();
            };
        }

        /**
         * The rows after the cursor's (value, id) in this sort's order. NULLs come first ascending and last
         * descending; the redundant bound in front (expr >= value) is the index range both engines can seek to.
         */
        String after(boolean desc, boolean valueIsNull) {
            if (desc && nullable) {
                return valueIsNull ? " AND " + expr + " IS NULL AND h.id < :cid"
                        : " AND (" + expr + " < :cv OR (" + expr + " = :cv AND h.id < :cid) OR " + expr + " IS NULL)";
            }
            if (desc) {
                return " AND " + expr + " <= :cv AND (" + expr + " < :cv OR h.id < :cid)";
            }
            return valueIsNull ? " AND (" + expr + " IS NOT NULL OR h.id > :cid)"
                    : " AND " + expr + " >= :cv AND (" + expr + " > :cv OR h.id > :cid)";
        }
    }

    /**
     * List filters; null means no filter. policyResult (pass, fail, unknown) narrows policy to hosts with that
     * result; policy alone means hosts the policy has a result for.
     */
    record Filter(String platform, String osVersion, String status, String group, String search, String policy, String policyResult) {
    }

    record Page<T>(List<T> items, String nextCursor) {
    }

    private final Jdbi jdbi;
    private final HostStore hosts;
    private final Clock clock;
    private final StoredSecrets secrets;

    private volatile PolicyHosts policyHosts = (policy, result) -> List.of();

    void policyHostsFrom(PolicyHosts source) {
        policyHosts = source;
    }

    HostDirectory(Jdbi jdbi, HostStore hosts, Clock clock, StoredSecrets secrets) {
        this.jdbi = jdbi;
        this.hosts = hosts;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** The host a reference names (host id, UDID, serial, enrollment id), or 404. */
    HostView resolve(String ref) {
        HostRecord h = hosts.resolve(ref).orElseThrow(() -> new HttpError(404, "no host " + ref));
        return view(h.id()).orElseThrow(() -> new HttpError(404, "no host " + ref));
    }

    Optional<HostView> view(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + FROM + " WHERE h.id = :id")
                .bind("id", hostId).map(HostDirectory::map).findOne());
    }

    private static HostView map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        HostRecord r = HostStore.MAPPER.map(rs, ctx);
        return new HostView(r, rs.getString(12), (Boolean) rs.getObject(13, Boolean.class), rs.getObject(14, Long.class));
    }

    Page<HostView> list(Filter f, String sortParam, String cursor, int limit) {
        boolean desc = sortParam != null && sortParam.startsWith("-");
        Sort sort = sortParam == null ? Sort.ID : Sort.parse(desc ? sortParam.substring(1) : sortParam);
        String sortKey = (desc ? "-" : "") + sort.name().toLowerCase(Locale.ROOT);
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1=1");
        Map<String, Object> binds = new HashMap<>();
        if (f.platform() != null) {
            sql.append(" AND h.platform = :platform");
            binds.put("platform", f.platform().toLowerCase(Locale.ROOT));
        }
        if (f.osVersion() != null) {
            // "15" matches 15, 15.1, 15.1.2; "15.1" matches 15.1 and 15.1.x but not 15.10.
            sql.append(" AND (h.os_version = :os OR h.os_version LIKE :osPrefix ESCAPE '!')");
            binds.put("os", f.osVersion());
            binds.put("osPrefix", likeEscape(f.osVersion()) + ".%");
        }
        if (f.status() != null) {
            switch (f.status()) {
                case "pending" -> sql.append(" AND h.enrolled_at IS NULL");
                // COALESCE keeps the condition from rejecting the LEFT JOIN's NULLs, so the optimizer keeps reading
                // hosts in page order; "e.enabled = TRUE" let MariaDB turn it into an inner join driven by the
                // enrollments and sort every enrolled host for one page (782 ms at 100,000 hosts).
                case "enrolled" -> sql.append(" AND h.enrolled_at IS NOT NULL AND COALESCE(e.enabled, FALSE) = TRUE");
                case "unenrolled" -> sql.append(" AND h.enrolled_at IS NOT NULL AND (e.enabled IS NULL OR e.enabled = FALSE)");
                default -> throw new HttpError(400, "unknown status '" + f.status() + "'; use enrolled, pending or unenrolled");
            }
        }
        if (f.group() != null) {
            sql.append(" AND h.id IN (SELECT m.host_id FROM host_group_members m WHERE m.group_name = :group)");
            binds.put("group", f.group());
        }
        if (f.policyResult() != null && !List.of("pass", "fail", "unknown").contains(f.policyResult())) {
            throw new HttpError(400, "unknown policy_result '" + f.policyResult() + "'; use pass, fail or unknown");
        }
        if (f.policyResult() != null && f.policy() == null) {
            throw new HttpError(400, "policy_result needs policy=NAME");
        }
        if (f.policy() != null) {
            // The policies feature reads every host's packed results for this (docs/policies.md has the cost). The ids go
            // into the statement as numbers rather than parameters: there may be more than a prepared statement takes.
            List<Long> ids = policyHosts.hostIds(f.policy(), f.policyResult());
            if (ids.isEmpty()) {
                sql.append(" AND 1 = 0");
            } else {
                StringBuilder in = new StringBuilder(ids.size() * 8);
                ids.forEach(id -> in.append(in.isEmpty() ? "" : ",").append(id.longValue()));
                sql.append(" AND h.id IN (").append(in).append(')');
            }
        }
        if (f.search() != null && !f.search().isBlank()) {
            String q = likeEscape(f.search().trim().toLowerCase(Locale.ROOT)) + "%";
            List<Long> few = fewMatches(q);
            if (few != null && few.isEmpty()) {
                sql.append(" AND 1 = 0");
            } else if (few != null) {
                // A narrow prefix (a serial, a UDID, a name): its hosts, found by the three index ranges.
                sql.append(" AND h.id IN (<ids>)");
                binds.put("ids", few);
            } else {
                // A broad one: so many hosts match that reading in page order finds a page's worth soon.
                sql.append(" AND (h.device_name_lc LIKE :q ESCAPE '!' OR h.serial_number_lc LIKE :q ESCAPE '!'"
                        + " OR h.udid_lc LIKE :q ESCAPE '!')");
                binds.put("q", q);
            }
        }
        if (sort == Sort.LAST_SEEN) {
            return listByLastSeen(sql.toString(), binds, desc, sortKey, cursor, limit);
        }
        if (cursor != null) {
            Object[] c = decodeCursor(cursor, sortKey, sort);
            sql.append(sort.after(desc, c[0] == null));
            if (c[0] != null) {
                binds.put("cv", c[0]);
            }
            binds.put("cid", c[1]);
        }
        String dir = desc ? " DESC" : " ASC";
        sql.append(" ORDER BY ").append(sort.expr).append(dir).append(", h.id").append(dir).append(" LIMIT :limit");
        List<HostView> rows = query(sql.toString(), binds, limit + 1);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            HostView last = rows.get(limit - 1);
            next = encodeCursor(sortKey, sort.value(last), last.host().id());
        }
        return new Page<>(rows, next);
    }

    private List<HostView> query(String sql, Map<String, Object> binds, int limit) {
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql).bind("limit", limit);
            binds.forEach((k, v) -> {
                if (v instanceof List<?> list) {
                    q.bindList(k, list);
                } else {
                    q.bind(k, v);
                }
            });
            return q.map(HostDirectory::map).list();
        });
    }

    /**
     * The last_seen sorts, read in order from the enrollments' (last_seen_at, id) index (V29) rather than by sorting
     * every host: the time lives on the device channel, which every check-in updates, and copying it onto the host would
     * add a write to the hottest path. So the list has two parts: hosts with a device channel, by (last_seen_at, channel
     * id), and hosts without one (pre-registered, or authenticated but no TokenUpdate yet: last seen 0), by host id,
     * first ascending and last descending. The cursor says which part it stopped in: [sort, last_seen, channel id] in
     * the first, [sort, null, host id] in the second.
     *
     * @param filtered the list's SELECT over {@link #FROM} with its filters, ending in a condition
     */
    private Page<HostView> listByLastSeen(String filtered, Map<String, Object> binds, boolean desc, String sortKey, String cursor, int limit) {
        Object[] c = cursor == null ? null : decodeLastSeenCursor(cursor, sortKey);
        boolean cursorInUnseen = c != null && c[0] == null;
        String where = filtered.substring(filtered.indexOf(" WHERE ") + " WHERE ".length());
        String dir = desc ? " DESC" : " ASC";
        List<HostView> rows = new ArrayList<>();
        // Hosts with a device channel: the scan starts from the index, each row joined to its host by hosts.device_id
        // (unique), so a page reads about limit channels (more when a filter rejects some). The join order is fixed:
        // given the choice, both engines started from a filter's index on hosts (platform, enrolled_at) and sorted a
        // third to all of the fleet (H2 585 ms, MariaDB 190-580 ms at 100,000 hosts). H2 keeps an outer join's order;
        // MariaDB turns that outer join into an inner one and reorders it, so it gets STRAIGHT_JOIN.
        boolean seenPart = desc ? !cursorInUnseen : true;
        boolean unseenPart = desc ? true : c == null || cursorInUnseen;
        if (!desc && unseenPart) {
            rows.addAll(unseen(where, binds, c, dir, limit + 1));
        }
        if (seenPart && rows.size() <= limit) {
            Map<String, Object> b = new HashMap<>(binds);
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM enrollments e "
                    + (mysql() ? "STRAIGHT_JOIN" : "LEFT JOIN") + " hosts h ON h.device_id = e.id WHERE h.id IS NOT NULL AND " + where);
            if (c != null && c[0] != null) {
                sql.append(desc ? " AND e.last_seen_at <= :cv AND (e.last_seen_at < :cv OR e.id < :cid)"
                        : " AND e.last_seen_at >= :cv AND (e.last_seen_at > :cv OR e.id > :cid)");
                b.put("cv", c[0]);
                b.put("cid", c[1]);
            }
            sql.append(" ORDER BY e.last_seen_at").append(dir).append(", e.id").append(dir).append(" LIMIT :limit");
            rows.addAll(query(sql.toString(), b, limit + 1 - rows.size()));
        }
        if (desc && rows.size() <= limit) {
            rows.addAll(unseen(where, binds, cursorInUnseen ? c : null, dir, limit + 1 - rows.size()));
        }
        String next = null;
        if (rows.size() > limit) {
            rows = new ArrayList<>(rows.subList(0, limit));
            HostView last = rows.get(limit - 1);
            next = last.lastSeenAt() == null ? encodeCursor(sortKey, null, last.host().id())
                    : encodeCursor(sortKey, last.lastSeenAt(), last.host().deviceId());
        }
        return new Page<>(rows, next);
    }

    private volatile Boolean mysql;

    /** Whether the store is MySQL or MariaDB (not the embedded H2), asked once. */
    private boolean mysql() {
        Boolean m = mysql;
        if (m == null) {
            try {
                m = jdbi.withHandle(h -> !h.getConnection().getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2"));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            mysql = m;
        }
        return m;
    }

    /** Hosts without a device channel (last seen 0) in host id order, after the cursor's host id if it has one. */
    private List<HostView> unseen(String where, Map<String, Object> binds, Object[] c, String dir, int limit) {
        Map<String, Object> b = new HashMap<>(binds);
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE " + where + " AND e.id IS NULL");
        if (c != null && c[0] == null) {
            sql.append(dir.equals(" DESC") ? " AND h.id < :cid" : " AND h.id > :cid");
            b.put("cid", c[1]);
        }
        sql.append(" ORDER BY h.id").append(dir).append(" LIMIT :limit");
        return query(sql.toString(), b, limit);
    }

    private static Object[] decodeLastSeenCursor(String cursor, String sortKey) {
        try {
            var node = JSON.readTree(Base64.getUrlDecoder().decode(cursor));
            if (node.isArray() && node.size() == 3 && sortKey.equals(node.get(0).asText())) {
                var v = node.get(1);
                var id = node.get(2);
                if (v.isNull() && id.isIntegralNumber() && id.canConvertToLong()) {
                    return new Object[] {null, id.asLong()};
                }
                if (v.isIntegralNumber() && v.canConvertToLong() && id.isTextual()) {
                    return new Object[] {v.asLong(), id.asText()};
                }
            }
        } catch (Exception e) {
            // reported below
        }
        throw new HttpError(400, "cursor is not a next_cursor of this listing (same sort) ");
    }

    /** Beyond this many matching hosts, search filters the page's scan instead of naming the hosts. */
    private static final int FEW_MATCHES = 1000;

    /**
     * The hosts whose lower-cased name, serial or UDID (V22's generated columns, each indexed) starts with the
     * escaped LIKE prefix, when there are at most {@link #FEW_MATCHES}; null when there are more.
     */
    private List<Long> fewMatches(String prefix) {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        for (String col : List.of("device_name_lc", "serial_number_lc", "udid_lc")) {
            List<Long> found = jdbi.withHandle(h -> h.createQuery("SELECT id FROM hosts WHERE " + col + " LIKE :q ESCAPE '!' LIMIT :n")
                    .bind("q", prefix).bind("n", FEW_MATCHES + 1).mapTo(Long.class).list());
            ids.addAll(found);
            if (ids.size() > FEW_MATCHES) {
                return null;
            }
        }
        return new ArrayList<>(ids);
    }

    private static String likeEscape(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static String encodeCursor(String sortKey, Object value, Object id) {
        try {
            byte[] json = JSON.writeValueAsBytes(java.util.Arrays.asList(sortKey, value, id));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object[] decodeCursor(String cursor, String sortKey, Sort sort) {
        try {
            var node = JSON.readTree(Base64.getUrlDecoder().decode(cursor));
            if (node.isArray() && node.size() == 3 && sortKey.equals(node.get(0).asText())) {
                var v = node.get(1);
                var id = node.get(2);
                // A value of the wrong type would reach the SQL comparison, where H2 fails to convert it.
                boolean valueFits = v.isNull() ? sort.nullable : sort.numeric ? v.isIntegralNumber() && v.canConvertToLong() : v.isTextual();
                if (valueFits && id.isIntegralNumber() && id.canConvertToLong()) {
                    Object value = v.isNull() ? null : sort.numeric ? (Object) v.asLong() : v.asText();
                    return new Object[] {value, id.asLong()};
                }
            }
        } catch (Exception e) {
            // reported below
        }
        throw new HttpError(400, "cursor is not a next_cursor of this listing (same sort) ");
    }

    /** Group names per host, for a page of hosts. */
    Map<Long, List<String>> groups(List<Long> hostIds) {
        Map<Long, List<String>> out = new LinkedHashMap<>();
        if (hostIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> {
            Query q = h.createQuery("SELECT host_id, group_name FROM host_group_members WHERE host_id IN (<ids>) ORDER BY group_name");
            q.bindList("ids", hostIds);
            q.map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
                    .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        });
        return out;
    }

    /** ABM's word on these hosts' machines (dep_devices, written by the DEP sync), for hosts ABM assigned here. */
    Map<Long, HostAnswers.Ade> ade(List<Long> hostIds) {
        Map<Long, HostAnswers.Ade> out = new LinkedHashMap<>();
        if (hostIds.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT h.id, d.token_name, d.model, d.description, d.color, d.device_family, d.assigned_at, d.assigned_by,
                               d.profile_name, d.profile_status, d.disowned_at
                        FROM hosts h JOIN dep_devices d ON d.serial_number = h.serial_number WHERE h.id IN (<ids>)""")
                .bindList("ids", hostIds)
                .map((rs, ctx) -> Map.entry(rs.getLong(1), new HostAnswers.Ade(rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), ApiJson.time((Long) rs.getObject(7, Long.class)), rs.getString(8), rs.getString(9),
                        rs.getString(10), ApiJson.time((Long) rs.getObject(11, Long.class)))))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** Every channel of the host's devices (device channel first), for the detail view. */
    List<HostAnswers.Channel> channels(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT e.id, e.type, e.enabled, e.last_seen_at, e.user_short_name, e.created_at
                        FROM enrollments e WHERE e.device_id IN (SELECT d.id FROM devices d WHERE d.host_id = :h)
                        ORDER BY CASE WHEN e.id = e.device_id THEN 0 ELSE 1 END, e.id""")
                .bind("h", hostId)
                .map((rs, ctx) -> new HostAnswers.Channel(rs.getString(1), rs.getString(2), rs.getBoolean(3), ApiJson.time(rs.getLong(4)),
                        rs.getString(5), ApiJson.time(rs.getLong(6)))).list());
    }

    /** Whether the device channel has an UnlockToken (ClearPasscode needs it); opens nothing. */
    boolean hasUnlockToken(String deviceId) {
        return deviceId != null && jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM devices WHERE id = :d AND unlock_token IS NOT NULL")
                .bind("d", deviceId).mapTo(Integer.class).one()) > 0;
    }

    /**
     * The device channel's UnlockToken, opened.
     *
     * @throws dev.jmdm.server.secrets.UnreadableSecretException when it was sealed with another key or for another device
     */
    Optional<byte[]> unlockToken(String deviceId) {
        if (deviceId == null) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT unlock_token FROM devices WHERE id = :d AND unlock_token IS NOT NULL")
                .bind("d", deviceId).mapTo(byte[].class).findOne())
                .map(stored -> secrets.openBytes(SealedColumn.UNLOCK_TOKEN, deviceId, stored));
    }

    /** A queue entry of the host with its row id (the history cursor). */
    record HistoryEntry(long id, QueueEntry entry) {
    }

    /** The host's commands on all its channels, newest first, before the cursor (a queue row id). */
    List<HistoryEntry> history(long hostId, Long before, int limit) {
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("""
                    SELECT q.id, q.enrollment_id, q.command_uuid, c.request_type, q.pending, q.status, q.delivered_at,
                      q.delivery_count, q.not_now_at, q.not_now_tally, q.result_at, q.result, q.created_at
                    FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                    WHERE q.enrollment_id IN (SELECT e.id FROM enrollments e
                        WHERE e.device_id IN (SELECT d.id FROM devices d WHERE d.host_id = :h))"""
                    + (before == null ? "" : " AND q.id < :before") + " ORDER BY q.id DESC LIMIT :limit")
                    .bind("h", hostId).bind("limit", limit);
            if (before != null) {
                q.bind("before", before);
            }
            return q.map((rs, ctx) -> new HistoryEntry(rs.getLong(1), new QueueEntry(rs.getString(2), rs.getString(3),
                    rs.getString(4), rs.getBoolean(5), rs.getString(6), rs.getObject(7, Long.class), rs.getInt(8),
                    rs.getObject(9, Long.class), rs.getInt(10), rs.getObject(11, Long.class), rs.getBytes(12), rs.getLong(13))))
                    .list();
        });
    }

    /** Forgets a host: see {@link HostStore#forget}. */
    void forget(long hostId) {
        hosts.forget(hostId);
    }
}

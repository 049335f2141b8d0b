package dev.jmdm.server.hosts;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Who did what to which host, when: one row per admin action, never updated. */
final class AuditLog {
    /**
     * One entry.
     *
     * @param target what the action named (host serial or id, several hosts, a group)
     * @param detail a short JSON object with the action's parameters (never secrets other than a PIN reference)
     */
    record Entry(long id, String actor, String action, Long hostId, String target, String commandUuid, String detail, long at) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    void record(String actor, String action, Long hostId, String target, String commandUuid, Map<String, ?> detail) {
        String detailJson = detail == null || detail.isEmpty() ? null : ApiJson.write(detail);
        String t = cut(target, 1024);
        // A failed sign-in names whatever email was typed, of any length.
        String a = cut(actor, 255);
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO audit_log (actor, action, host_id, target, command_uuid, detail, created_at)
                VALUES (:actor, :action, :host, :target, :uuid, :detail, :now)""")
                .bind("actor", a).bind("action", action).bind("host", hostId).bind("target", t)
                .bind("uuid", commandUuid).bind("detail", detailJson).bind("now", clock.millis()).execute());
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** Who queued a command for a host, by the first audit entry naming it there. */
    java.util.Optional<String> actorOf(long hostId, String commandUuid) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT actor FROM audit_log WHERE host_id = :host AND command_uuid = :uuid ORDER BY id LIMIT 1""")
                .bind("host", hostId).bind("uuid", commandUuid).mapTo(String.class).findOne());
    }

    /** Newest first, before the cursor (an entry id); optionally one host's, one action's or one actor's entries. */
    List<Entry> list(Long hostId, String action, String actor, Long before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT id, actor, action, host_id, target, command_uuid, detail, created_at FROM audit_log WHERE 1=1");
        if (hostId != null) {
            sql.append(" AND host_id = :host");
        }
        if (action != null) {
            sql.append(" AND action = :action");
        }
        if (actor != null) {
            // Exact match, so the (actor, id) index of V22 serves it newest first.
            sql.append(" AND actor = :actor");
        }
        if (before != null) {
            sql.append(" AND id < :before");
        }
        sql.append(" ORDER BY id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", limit);
            if (hostId != null) {
                q.bind("host", hostId);
            }
            if (action != null) {
                q.bind("action", action);
            }
            if (actor != null) {
                q.bind("actor", actor);
            }
            if (before != null) {
                q.bind("before", before);
            }
            return q.map((rs, ctx) -> new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, Long.class),
                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8))).list();
        });
    }

    static HostAnswers.AuditEntry answer(Entry e) {
        return new HostAnswers.AuditEntry(e.id(), ApiJson.time(e.at()), e.actor(), e.action(), e.hostId(), e.target(), e.commandUuid(),
                e.detail() == null ? null : ApiJson.readMap(e.detail()));
    }
}

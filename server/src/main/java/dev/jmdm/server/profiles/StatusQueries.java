package dev.jmdm.server.profiles;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Reads of host_profiles for the status endpoints. */
final class StatusQueries {
    private final Jdbi jdbi;

    StatusQueries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    record HostRow(long hostId, String udid, String serial, String identifier, String operation, String status, String uuid,
            String installedUuid, String commandUuid, String detail, long updatedAt, String displayName, Integer version) {
    }

    private static final String SELECT = """
            SELECT h.id, h.udid, h.serial_number, hp.identifier, hp.operation, hp.status, hp.uuid, hp.installed_uuid,
              hp.command_uuid, hp.detail, hp.updated_at, p.display_name, v.version
            FROM host_profiles hp JOIN hosts h ON h.id = hp.host_id
            LEFT JOIN profiles p ON p.identifier = hp.identifier
            LEFT JOIN profile_versions v ON v.identifier = hp.identifier AND v.uuid = hp.uuid
            """;

    private static HostRow map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new HostRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getLong(11), rs.getString(12),
                rs.getObject(13, Integer.class));
    }

    /** Counts per status for one profile, every status present (0 when none). */
    Map<String, Integer> counts(String identifier) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String s : List.of("pending", "verifying", "verified", "failed")) {
            counts.put(s, 0);
        }
        jdbi.useHandle(h -> h.createQuery("SELECT status, COUNT(*) FROM host_profiles WHERE identifier = :id GROUP BY status")
                .bind("id", identifier).map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    boolean anyHost(String identifier) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM host_profiles WHERE identifier = :id LIMIT 1")
                .bind("id", identifier).mapTo(Integer.class).findOne().isPresent());
    }

    /** One profile's hosts in host id order after cursor; status null for all. */
    List<HostRow> hosts(String identifier, String status, long cursor, int limit) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE hp.identifier = :id AND hp.host_id > :c"
                        + (status == null ? "" : " AND hp.status = :s") + " ORDER BY hp.host_id LIMIT :n")
                .bind("id", identifier).bind("c", cursor).bind("s", status).bind("n", limit)
                .map((rs, ctx) -> map(rs)).list());
    }

    List<HostRow> profilesOf(long hostId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE hp.host_id = :h ORDER BY hp.identifier")
                .bind("h", hostId).map((rs, ctx) -> map(rs)).list());
    }
}

package dev.jmdm.server.storage;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * The tables that hang rows off a host by host_id, kept in one list so that forgetting a host
 * ({@link HostStore#forget}) and merging two hosts cannot miss one: a new table keyed by host_id, of
 * any feature, belongs in this list. The audit log is not here on purpose: it records what was
 * done to a host id and is never rewritten.
 */
public final class HostRows {
    /** A table and the columns that tell one host's rows apart (empty: one row per host). */
    public record Table(String name, List<String> keys) {
    }

    private static final List<Table> TABLES = List.of(
            new Table("host_inventory", List.of("source")),
            new Table("host_inventory_schedule", List.of()),
            new Table("host_pins", List.of("command_uuid")),
            // The profiles feature's per-host rows: group membership, profile state, ProfileList bookkeeping, targets.
            new Table("host_group_members", List.of("group_name")),
            new Table("host_profiles", List.of("identifier")),
            new Table("host_profile_lists", List.of()),
            new Table("profile_target_hosts", List.of("identifier", "excluded")),
            // The policies feature's packed results (V30); its counts follow through HostStore's forget and merge steps.
            new Table("host_policy_results", List.of()));

    private HostRows() {
    }

    /** Deletes every row of the host: its groups, inventory, PINs, profile state and the profile targets naming it. */
    static void delete(Handle h, long hostId) {
        for (Table t : TABLES) {
            h.createUpdate("DELETE FROM " + t.name() + " WHERE host_id = :h").bind("h", hostId).execute();
        }
    }

    /**
     * Moves every row of host from onto host into. Where both have a row with the same key, from's row
     * stays: it describes the device that is reporting now.
     */
    static void move(Handle h, long from, long into) {
        for (Table t : TABLES) {
            List<Map<String, Object>> keys = h.createQuery("SELECT " + (t.keys().isEmpty() ? "host_id" : String.join(", ", t.keys()))
                            + " FROM " + t.name() + " WHERE host_id = :h")
                    .bind("h", from).mapToMap().list();
            for (Map<String, Object> key : keys) {
                StringBuilder sql = new StringBuilder("DELETE FROM " + t.name() + " WHERE host_id = :into");
                t.keys().forEach(k -> sql.append(" AND ").append(k).append(" = :").append(k));
                Update delete = h.createUpdate(sql.toString()).bind("into", into);
                // mapToMap lower-cases the column labels on every engine.
                t.keys().forEach(k -> delete.bind(k, key.get(k.toLowerCase(java.util.Locale.ROOT))));
                delete.execute();
            }
            h.createUpdate("UPDATE " + t.name() + " SET host_id = :into WHERE host_id = :from")
                    .bind("into", into).bind("from", from).execute();
        }
    }
}

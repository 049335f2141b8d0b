package dev.jmdm.server.profiles;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Named groups of hosts (tables from V2). */
final class GroupStore {
    private final Jdbi jdbi;
    private final Clock clock;

    GroupStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    record Group(String name, int members, long createdAt, long updatedAt) {
    }

    /** Creates the group or replaces its members. */
    void replace(String name, Collection<Long> hostIds) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO host_groups (name, created_at, updated_at) VALUES (:n, :now, :now)
                    ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at)""").bind("n", name).bind("now", now).execute();
            h.createUpdate("DELETE FROM host_group_members WHERE group_name = :n").bind("n", name).execute();
            var batch = h.prepareBatch("INSERT INTO host_group_members (group_name, host_id) VALUES (:n, :h)");
            new java.util.LinkedHashSet<>(hostIds).forEach(id -> batch.bind("n", name).bind("h", id).add());
            if (batch.size() > 0) {
                batch.execute();
            }
        });
    }

    List<Group> list() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT g.name, (SELECT COUNT(*) FROM host_group_members m WHERE m.group_name = g.name), g.created_at, g.updated_at
                FROM host_groups g ORDER BY g.name""")
                .map((rs, ctx) -> new Group(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4))).list());
    }

    Optional<Group> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT g.name, (SELECT COUNT(*) FROM host_group_members m WHERE m.group_name = g.name), g.created_at, g.updated_at
                FROM host_groups g WHERE g.name = :n""")
                .bind("n", name).map((rs, ctx) -> new Group(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getLong(4))).findOne());
    }

    boolean exists(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM host_groups WHERE name = :n")
                .bind("n", name).mapTo(Integer.class).findOne().isPresent());
    }

    List<Long> members(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT host_id FROM host_group_members WHERE group_name = :n ORDER BY host_id")
                .bind("n", name).mapTo(Long.class).list());
    }

    /**
     * Deletes the group, its members and every profile's targets and exclusions naming it: a group created
     * later under the same name starts with no profiles.
     */
    boolean delete(String name) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM host_group_members WHERE group_name = :n").bind("n", name).execute();
            h.createUpdate("DELETE FROM profile_target_groups WHERE group_name = :n").bind("n", name).execute();
            return h.createUpdate("DELETE FROM host_groups WHERE name = :n").bind("n", name).execute() > 0;
        });
    }
}

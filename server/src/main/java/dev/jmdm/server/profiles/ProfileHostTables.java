package dev.jmdm.server.profiles;

import dev.jmdm.server.storage.HostRows;
import java.util.List;

/**
 * The profiles feature's tables that hold rows per host: the storage layer deletes them with a
 * forgotten host and moves them when two hosts merge ({@link HostRows}). A new table of this
 * package keyed by host_id belongs here.
 */
public final class ProfileHostTables {
    /** Each table with the columns that tell one host's rows apart. */
    public static final List<HostRows.Table> TABLES = List.of(
            new HostRows.Table("host_group_members", List.of("group_name")),
            new HostRows.Table("host_profiles", List.of("identifier")),
            new HostRows.Table("host_profile_lists", List.of()),
            new HostRows.Table("profile_target_hosts", List.of("identifier", "excluded")));

    private ProfileHostTables() {
    }
}

package dev.jmdm.server.profiles;

import dev.jmdm.profiles.HostProfileState;
import dev.jmdm.profiles.Operation;
import dev.jmdm.profiles.ProfileStatus;
import dev.jmdm.profiles.TrackedProfile;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/** host_profiles rows to and from {@link TrackedProfile}: operation and status are stored lower-case. */
final class HostProfileRows {
    static final int MAX_DETAIL = 2048;
    /** Columns a mapper reads, in order, after whatever the query selects first. */
    static final String COLUMNS = "hp.identifier, hp.operation, hp.status, hp.uuid, hp.installed_uuid, hp.command_uuid, hp.attempts, hp.detail";

    private HostProfileRows() {
    }

    static String wire(Operation op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    static String wire(ProfileStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** Reads COLUMNS starting at column {@code first}. */
    static TrackedProfile read(ResultSet rs, int first) throws SQLException {
        HostProfileState state = new HostProfileState(rs.getString(first),
                Operation.valueOf(rs.getString(first + 1).toUpperCase(Locale.ROOT)),
                ProfileStatus.valueOf(rs.getString(first + 2).toUpperCase(Locale.ROOT)),
                rs.getString(first + 3), rs.getString(first + 5), rs.getInt(first + 6), rs.getString(first + 7));
        return new TrackedProfile(state, rs.getString(first + 4));
    }

    static String detail(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL - 1) + "…";
    }
}

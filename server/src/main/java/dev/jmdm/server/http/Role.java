package dev.jmdm.server.http;

import java.util.Locale;

/**
 * What a signed-in user may do on the admin API, each role including the ones below it. API keys act as
 * {@link #ADMIN}.
 */
public enum Role {
    /** Reads only. */
    VIEWER,
    /** Day-to-day fleet work: actions, profiles, groups, commands, policies, enrollment links. */
    OPERATOR,
    /** Everything, including users and server-wide settings (push certificate, DEP tokens). */
    ADMIN;

    /** Whether this role may do what {@code needed} may. */
    public boolean covers(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The name on the wire and in the database. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code name} (admin, operator, viewer), or null. */
    public static Role parse(String name) {
        if (name == null) {
            return null;
        }
        for (Role r : values()) {
            if (r.wire().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        return null;
    }
}

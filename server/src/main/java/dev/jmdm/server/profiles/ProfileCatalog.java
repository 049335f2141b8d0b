package dev.jmdm.server.profiles;

import org.jdbi.v3.core.Jdbi;

/**
 * What other features ask of the profile and group tables (policies: validating a document's
 * references, remediation joining a host to a profile's targets), so their SQL stays in this package.
 */
public final class ProfileCatalog {
    private final Jdbi jdbi;

    public ProfileCatalog(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public boolean groupExists(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM host_groups WHERE name = :n")
                .bind("n", name).mapTo(Integer.class).one()) > 0;
    }

    public boolean profileExists(String identifier) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM profiles WHERE identifier = :i")
                .bind("i", identifier).mapTo(Integer.class).one()) > 0;
    }

    /** Adds the host to the profile's targets, so reconciliation installs it and keeps it installed. */
    public void addTargetHost(String identifier, long hostId) {
        jdbi.useHandle(h -> {
            boolean present = h.createQuery("""
                            SELECT COUNT(*) FROM profile_target_hosts WHERE identifier = :i AND excluded = FALSE AND host_id = :h""")
                    .bind("i", identifier).bind("h", hostId).mapTo(Integer.class).one() > 0;
            if (!present) {
                h.createUpdate("INSERT INTO profile_target_hosts (identifier, excluded, host_id) VALUES (:i, FALSE, :h)")
                        .bind("i", identifier).bind("h", hostId).execute();
            }
        });
    }

    /**
     * Where the host's install of the profile stands (PENDING, VERIFYING, VERIFIED, FAILED), empty when the reconciler
     * tracks no install of it for the host.
     */
    public java.util.Optional<String> installStatus(long hostId, String identifier) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT status FROM host_profiles WHERE host_id = :h AND identifier = :i AND operation = 'install'""")
                .bind("h", hostId).bind("i", identifier).mapTo(String.class).findOne());
    }
}

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
     * Where the host's install of the profile stands (pending, verifying, verified, failed) as learnt since
     * {@code since}: the state moved then, or a ProfileList the host answered then confirmed it. Empty when the
     * reconciler tracks no install of it for the host, or knows nothing newer: a state from before a wipe says
     * nothing of what the erased device holds now.
     */
    public java.util.Optional<String> installStatusSince(long hostId, String identifier, long since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT hp.status FROM host_profiles hp LEFT JOIN host_profile_lists l ON l.host_id = hp.host_id
                        WHERE hp.host_id = :h AND hp.identifier = :i AND hp.operation = 'install'
                          AND (hp.updated_at >= :since OR l.reported_at >= :since)""")
                .bind("h", hostId).bind("i", identifier).bind("since", since).mapTo(String.class).findOne());
    }
}

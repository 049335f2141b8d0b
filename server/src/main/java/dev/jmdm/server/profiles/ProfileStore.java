package dev.jmdm.server.profiles;

import dev.jmdm.profiles.ParsedProfile;
import dev.jmdm.profiles.ProfileValidationException;
import dev.jmdm.profiles.ProfileVersioner;
import dev.jmdm.profiles.StoredProfile;
import dev.jmdm.profiles.VersionedProfile;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** The versioned profile store and each profile's targets. */
final class ProfileStore {
    private final Jdbi jdbi;
    private final Clock clock;

    ProfileStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The latest version's metadata. */
    record Profile(String identifier, String uuid, int version, String displayName, String checksum, boolean signed,
            String signerSubject, boolean targetAll, long createdAt, long updatedAt) {
    }

    record Version(int version, String uuid, String checksum, int size, boolean uuidRewritten, long createdAt) {
    }

    record Targets(boolean all, List<String> groups, List<Long> hosts, List<String> excludeGroups, List<Long> excludeHosts) {
    }

    /** Raised for an upload that lost a race with another upload of the same identifier. */
    static final class ConcurrentUploadException extends RuntimeException {
        ConcurrentUploadException(Throwable cause) {
            super("another upload of this profile happened at the same moment; try again", cause);
        }
    }

    /**
     * Stores an upload as a new profile, an edit (next version) or nothing (unchanged), deciding under a
     * lock on the profile's row so concurrent uploads get consecutive versions.
     */
    VersionedProfile store(ParsedProfile upload) throws ProfileValidationException {
        try {
            return jdbi.inTransaction(h -> {
                Optional<StoredProfile> latest = latest(h, upload.identifier());
                VersionedProfile v;
                try {
                    v = ProfileVersioner.decide(upload, latest, name -> h.createQuery(
                                    "SELECT identifier FROM profiles WHERE display_name = :n")
                            .bind("n", name).mapTo(String.class).findOne());
                } catch (ProfileValidationException e) {
                    throw new Refused(e);
                }
                if (v.outcome() == VersionedProfile.Outcome.UNCHANGED) {
                    return v;
                }
                long now = clock.millis();
                if (v.outcome() == VersionedProfile.Outcome.CREATED) {
                    h.createUpdate("""
                            INSERT INTO profiles (identifier, uuid, version, display_name, checksum, signed, signer_subject, raw,
                              target_all, created_at, updated_at)
                            VALUES (:id, :uuid, :version, :name, :sum, :signed, :signer, :raw, FALSE, :now, :now)""")
                            .bind("id", v.identifier()).bind("uuid", v.uuid()).bind("version", v.version())
                            .bind("name", upload.displayName()).bind("sum", v.checksum()).bind("signed", upload.signed())
                            .bind("signer", upload.signerSubject()).bind("raw", v.bytes()).bind("now", now).execute();
                } else {
                    h.createUpdate("""
                            UPDATE profiles SET uuid = :uuid, version = :version, display_name = :name, checksum = :sum,
                              signed = :signed, signer_subject = :signer, raw = :raw, updated_at = :now WHERE identifier = :id""")
                            .bind("id", v.identifier()).bind("uuid", v.uuid()).bind("version", v.version())
                            .bind("name", upload.displayName()).bind("sum", v.checksum()).bind("signed", upload.signed())
                            .bind("signer", upload.signerSubject()).bind("raw", v.bytes()).bind("now", now).execute();
                }
                h.createUpdate("""
                        INSERT INTO profile_versions (identifier, version, uuid, checksum, size, uuid_rewritten, created_at)
                        VALUES (:id, :version, :uuid, :sum, :size, :rewritten, :now)""")
                        .bind("id", v.identifier()).bind("version", v.version()).bind("uuid", v.uuid())
                        .bind("sum", v.checksum()).bind("size", v.bytes().length).bind("rewritten", v.uuidRewritten())
                        .bind("now", now).execute();
                return v;
            });
        } catch (Refused e) {
            throw e.cause;
        } catch (UnableToExecuteStatementException e) {
            if (dev.jmdm.server.storage.Sql.isDuplicateKey(e)) {
                // Either the same identifier created twice at once, or a display name taken meanwhile.
                throw new ConcurrentUploadException(e);
            }
            throw e;
        }
    }

    private static final class Refused extends RuntimeException {
        final ProfileValidationException cause;

        Refused(ProfileValidationException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }

    private static Optional<StoredProfile> latest(Handle h, String identifier) {
        Optional<StoredProfile> row = h.createQuery("SELECT identifier, version, uuid, raw FROM profiles WHERE identifier = :id FOR UPDATE")
                .bind("id", identifier)
                .map((rs, ctx) -> new StoredProfile(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getBytes(4)))
                .findOne();
        if (row.isEmpty()) {
            return row;
        }
        Set<String> earlier = new HashSet<>(h.createQuery("SELECT uuid FROM profile_versions WHERE identifier = :id AND version < :v")
                .bind("id", identifier).bind("v", row.get().version()).mapTo(String.class).list());
        StoredProfile s = row.get();
        return Optional.of(new StoredProfile(s.identifier(), s.version(), s.uuid(), s.bytes(), earlier));
    }

    private static final String COLUMNS = "identifier, uuid, version, display_name, checksum, signed, signer_subject, target_all, created_at, updated_at";

    private static Profile map(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Profile(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5), rs.getBoolean(6),
                rs.getString(7), rs.getBoolean(8), rs.getLong(9), rs.getLong(10));
    }

    List<Profile> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM profiles ORDER BY identifier")
                .map((rs, ctx) -> map(rs)).list());
    }

    Optional<Profile> find(String identifier) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM profiles WHERE identifier = :id")
                .bind("id", identifier).map((rs, ctx) -> map(rs)).findOne());
    }

    Optional<byte[]> raw(String identifier) {
        return jdbi.withHandle(h -> h.createQuery("SELECT raw FROM profiles WHERE identifier = :id")
                .bind("id", identifier).mapTo(byte[].class).findOne());
    }

    List<Version> versions(String identifier) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT version, uuid, checksum, size, uuid_rewritten, created_at FROM profile_versions
                WHERE identifier = :id ORDER BY version""")
                .bind("id", identifier)
                .map((rs, ctx) -> new Version(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getBoolean(5), rs.getLong(6)))
                .list());
    }

    /** Deletes a profile, its history and its targets; hosts' state stays so the reconciler removes it. */
    boolean delete(String identifier) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("DELETE FROM profiles WHERE identifier = :id").bind("id", identifier).execute();
            h.createUpdate("DELETE FROM profile_versions WHERE identifier = :id").bind("id", identifier).execute();
            h.createUpdate("DELETE FROM profile_target_groups WHERE identifier = :id").bind("id", identifier).execute();
            h.createUpdate("DELETE FROM profile_target_hosts WHERE identifier = :id").bind("id", identifier).execute();
            return n > 0;
        });
    }

    Targets targets(String identifier) {
        return jdbi.withHandle(h -> {
            boolean all = h.createQuery("SELECT target_all FROM profiles WHERE identifier = :id").bind("id", identifier)
                    .mapTo(Boolean.class).findOne().orElse(false);
            return new Targets(all, groups(h, identifier, false), hosts(h, identifier, false),
                    groups(h, identifier, true), hosts(h, identifier, true));
        });
    }

    private static List<String> groups(Handle h, String identifier, boolean excluded) {
        return h.createQuery("SELECT group_name FROM profile_target_groups WHERE identifier = :id AND excluded = :x ORDER BY group_name")
                .bind("id", identifier).bind("x", excluded).mapTo(String.class).list();
    }

    private static List<Long> hosts(Handle h, String identifier, boolean excluded) {
        return h.createQuery("SELECT host_id FROM profile_target_hosts WHERE identifier = :id AND excluded = :x ORDER BY host_id")
                .bind("id", identifier).bind("x", excluded).mapTo(Long.class).list();
    }

    /** Replaces a profile's targets; false when the profile does not exist. */
    boolean replaceTargets(String identifier, Targets t) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE profiles SET target_all = :all, updated_at = :now WHERE identifier = :id")
                    .bind("all", t.all()).bind("now", clock.millis()).bind("id", identifier).execute();
            if (n == 0) {
                return false;
            }
            h.createUpdate("DELETE FROM profile_target_groups WHERE identifier = :id").bind("id", identifier).execute();
            h.createUpdate("DELETE FROM profile_target_hosts WHERE identifier = :id").bind("id", identifier).execute();
            var groups = h.prepareBatch("INSERT INTO profile_target_groups (identifier, excluded, group_name) VALUES (:id, :x, :g)");
            new java.util.LinkedHashSet<>(t.groups()).forEach(g -> groups.bind("id", identifier).bind("x", false).bind("g", g).add());
            new java.util.LinkedHashSet<>(t.excludeGroups()).forEach(g -> groups.bind("id", identifier).bind("x", true).bind("g", g).add());
            if (groups.size() > 0) {
                groups.execute();
            }
            var hosts = h.prepareBatch("INSERT INTO profile_target_hosts (identifier, excluded, host_id) VALUES (:id, :x, :h)");
            new java.util.LinkedHashSet<>(t.hosts()).forEach(x -> hosts.bind("id", identifier).bind("x", false).bind("h", x).add());
            new java.util.LinkedHashSet<>(t.excludeHosts()).forEach(x -> hosts.bind("id", identifier).bind("x", true).bind("h", x).add());
            if (hosts.size() > 0) {
                hosts.execute();
            }
            return true;
        });
    }
}

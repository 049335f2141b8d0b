package dev.jmdm.server.dep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** ADE profiles (dep_profiles) and the profile_uuid Apple gave each one per token (dep_profile_uuids). */
public final class DepProfileStore {
    /** A stored profile: body is the document Apple is sent (POST /profile). Times epoch ms. */
    public record Stored(String name, ObjectNode body, boolean isDefault, long createdAt, long updatedAt) {
        String sha256() {
            return DepProfileStore.sha256(body.toString());
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public DepProfileStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Stores a profile; when it is the default, no other is any more. */
    public Stored put(String name, ObjectNode body, boolean isDefault) {
        long now = clock.millis();
        boolean await = body.path("await_device_configured").asBoolean(false);
        jdbi.useTransaction(h -> {
            if (isDefault) {
                h.createUpdate("UPDATE dep_profiles SET is_default = FALSE WHERE is_default = TRUE AND name <> :n").bind("n", name).execute();
            }
            int updated = h.createUpdate("""
                    UPDATE dep_profiles SET body = :b, await_device_configured = :a, is_default = :d, updated_at = :now WHERE name = :n""")
                    .bind("b", body.toString()).bind("a", await).bind("d", isDefault).bind("now", now).bind("n", name).execute();
            if (updated == 0) {
                h.createUpdate("""
                        INSERT INTO dep_profiles (name, body, await_device_configured, is_default, created_at, updated_at)
                        VALUES (:n, :b, :a, :d, :now, :now)""")
                        .bind("b", body.toString()).bind("a", await).bind("d", isDefault).bind("now", now).bind("n", name).execute();
            }
        });
        return get(name).orElseThrow();
    }

    public Optional<Stored> get(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, body, is_default, created_at, updated_at FROM dep_profiles WHERE name = :n")
                .bind("n", name).map((rs, ctx) -> stored(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getLong(5)))
                .findOne());
    }

    public Optional<Stored> defaultProfile() {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT name, body, is_default, created_at, updated_at FROM dep_profiles WHERE is_default = TRUE ORDER BY name LIMIT 1""")
                .map((rs, ctx) -> stored(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getLong(5)))
                .findOne());
    }

    public List<Stored> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, body, is_default, created_at, updated_at FROM dep_profiles ORDER BY name")
                .map((rs, ctx) -> stored(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getLong(5)))
                .list());
    }

    public boolean delete(String name) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM dep_profile_uuids WHERE profile_name = :n").bind("n", name).execute();
            return h.createUpdate("DELETE FROM dep_profiles WHERE name = :n").bind("n", name).execute() > 0;
        });
    }

    /** The UUID Apple gave this version of the profile through this token; empty when not defined or changed since. */
    public Optional<String> uuid(Stored profile, String token) {
        String sha = profile.sha256();
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT profile_uuid FROM dep_profile_uuids WHERE profile_name = :p AND token_name = :t AND body_sha256 = :s""")
                .bind("p", profile.name()).bind("t", token).bind("s", sha).mapTo(String.class).findOne());
    }

    /** Each token's UUID of a profile (any version). */
    public java.util.Map<String, String> uuids(String profile) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT token_name, profile_uuid FROM dep_profile_uuids WHERE profile_name = :p")
                .bind("p", profile).map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    public void defined(Stored profile, String token, String uuid) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM dep_profile_uuids WHERE profile_name = :p AND token_name = :t")
                    .bind("p", profile.name()).bind("t", token).execute();
            h.createUpdate("""
                    INSERT INTO dep_profile_uuids (profile_name, token_name, profile_uuid, body_sha256, defined_at)
                    VALUES (:p, :t, :u, :s, :now)""")
                    .bind("p", profile.name()).bind("t", token).bind("u", uuid).bind("s", profile.sha256()).bind("now", now).execute();
        });
    }

    private static Stored stored(String name, String body, boolean isDefault, long created, long updated) {
        try {
            return new Stored(name, (ObjectNode) DepClient.MAPPER.readTree(body), isDefault, created, updated);
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("stored ADE profile " + name + " is unreadable", e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

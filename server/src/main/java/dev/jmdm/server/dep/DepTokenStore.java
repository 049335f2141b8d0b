package dev.jmdm.server.dep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.StoredSecrets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Server tokens (sealed), what GET /account said about them, each one's sync cursor and the lease that lets one
 * server at a time sync it: a conditional UPDATE of the token's row (the lease is free when it expired or was never
 * taken), so of several servers sharing a database exactly one takes it.
 */
public final class DepTokenStore {
    /** A token as lists show it: never its secrets. Times epoch ms. */
    public record TokenInfo(String name, Long accessTokenExpiry, String serverName, String serverUuid, String adminId, String orgName,
            String orgEmail, String orgPhone, String orgAddress, Long lastSyncAt, String lastSyncError, int devicesSeen,
            boolean cursorHeld, Long syncUntil, long createdAt, long updatedAt) {
    }

    private static final String INFO = """
            name, access_token_expiry, server_name, server_uuid, admin_id, org_name, org_email, org_phone, org_address, last_sync_at,
            last_sync_error, devices_seen, cursor_value, sync_until, created_at, updated_at""";

    private final Jdbi jdbi;
    private final StoredSecrets secrets;
    private final Clock clock;

    public DepTokenStore(Jdbi jdbi, StoredSecrets secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Stores a token under a name, replacing the secrets of one stored under it before (a renewed token). */
    public void put(String name, DepToken token) {
        String sealed = secrets.sealText(SealedColumn.DEP_TOKEN, name, json(token));
        Long expiry = token.accessTokenExpiry() == null ? null : token.accessTokenExpiry().toEpochMilli();
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("UPDATE dep_tokens SET secrets = :s, access_token_expiry = :e, updated_at = :now WHERE name = :n")
                    .bind("s", sealed).bind("e", expiry).bind("now", now).bind("n", name).execute();
            if (updated == 0) {
                h.createUpdate("""
                        INSERT INTO dep_tokens (name, secrets, access_token_expiry, devices_seen, created_at, updated_at)
                        VALUES (:n, :s, :e, 0, :now, :now)""")
                        .bind("s", sealed).bind("e", expiry).bind("now", now).bind("n", name).execute();
            }
        });
    }

    public Optional<DepToken> token(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT secrets FROM dep_tokens WHERE name = :n").bind("n", name)
                .mapTo(String.class).findOne())
                .map(s -> read(secrets.openText(SealedColumn.DEP_TOKEN, name, s)));
    }

    public List<TokenInfo> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + INFO + " FROM dep_tokens ORDER BY name").map(DepTokenStore::info).list());
    }

    public Optional<TokenInfo> info(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + INFO + " FROM dep_tokens WHERE name = :n").bind("n", name)
                .map(DepTokenStore::info).findOne());
    }

    public List<String> names() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM dep_tokens ORDER BY name").mapTo(String.class).list());
    }

    /** Forgets a token and the profile UUIDs defined through it; the devices it brought stay (ABM still assigns them here). */
    public boolean delete(String name) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM dep_profile_uuids WHERE token_name = :n").bind("n", name).execute();
            return h.createUpdate("DELETE FROM dep_tokens WHERE name = :n").bind("n", name).execute() > 0;
        });
    }

    public void account(String name, JsonNode account) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE dep_tokens SET server_name = :sn, server_uuid = :su, admin_id = :ai, org_name = :on, org_email = :oe,
                org_phone = :op, org_address = :oa WHERE name = :n""")
                .bind("sn", text(account, "server_name", 255)).bind("su", text(account, "server_uuid", 64))
                .bind("ai", text(account, "admin_id", 255)).bind("on", text(account, "org_name", 255))
                .bind("oe", text(account, "org_email", 255)).bind("op", text(account, "org_phone", 64))
                .bind("oa", text(account, "org_address", 1024)).bind("n", name).execute());
    }

    private static String text(JsonNode n, String field, int max) {
        String v = n.path(field).asText(null);
        return v == null || v.length() <= max ? v : v.substring(0, max);
    }

    public Optional<String> cursor(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT cursor_value FROM dep_tokens WHERE name = :n").bind("n", name)
                .mapTo(String.class).findOne());
    }

    /**
     * Takes the token's sync lease for a while, unless another server holds it.
     *
     * @return whether this owner holds it now
     */
    public boolean lease(String name, String owner, long until) {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE dep_tokens SET sync_owner = :o, sync_until = :u
                WHERE name = :n AND (sync_until IS NULL OR sync_until < :now OR sync_owner = :o)""")
                .bind("o", owner).bind("u", until).bind("n", name).bind("now", now).execute()) == 1;
    }

    /** Ends a sync: its cursor (null: fetch everything next time), outcome, and the lease given back. */
    public void finish(String name, String owner, String cursor, String error, Integer devicesSeen) {
        String c = cursor != null && cursor.length() > 1024 ? null : cursor;
        String e = error != null && error.length() > 1024 ? error.substring(0, 1024) : error;
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE dep_tokens SET cursor_value = CASE WHEN :err IS NULL THEN :c ELSE cursor_value END, last_sync_at = :now,
                last_sync_error = :err, devices_seen = COALESCE(:seen, devices_seen), sync_owner = NULL, sync_until = NULL
                WHERE name = :n AND sync_owner = :o""")
                .bind("c", c).bind("err", e).bind("seen", devicesSeen).bind("now", clock.millis()).bind("n", name).bind("o", owner)
                .execute());
    }

    /** Drops a cursor Apple refused, so that even a failed full fetch starts over next time. */
    public void clearCursor(String name) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE dep_tokens SET cursor_value = NULL WHERE name = :n").bind("n", name).execute());
    }

    private static TokenInfo info(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new TokenInfo(rs.getString(1), (Long) rs.getObject(2, Long.class), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), (Long) rs.getObject(10, Long.class), rs.getString(11),
                rs.getInt(12), rs.getString(13) != null, (Long) rs.getObject(14, Long.class), rs.getLong(15), rs.getLong(16));
    }

    private static String json(DepToken t) {
        try {
            var n = DepClient.MAPPER.createObjectNode().put("consumer_key", t.consumerKey()).put("consumer_secret", t.consumerSecret())
                    .put("access_token", t.accessToken()).put("access_secret", t.accessSecret());
            if (t.accessTokenExpiry() != null) {
                n.put("access_token_expiry", t.accessTokenExpiry().toString());
            }
            return DepClient.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DepToken read(String json) {
        try {
            return TokenFile.parseMessage("-----BEGIN MESSAGE-----\n" + json + "\n-----END MESSAGE-----");
        } catch (TokenFile.BadTokenFile e) {
            throw new IllegalStateException("a stored DEP token is unreadable", e);
        }
    }
}

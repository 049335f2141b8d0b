package dev.jmdm.server.storage;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.StoredSecrets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * Devices and their enrollment channels: what check-in messages write ({@link CheckinStore}), what pushing
 * reads and marks ({@link PushTargets}), and what the API lists.
 */
public final class EnrollmentStore implements CheckinStore, PushTargets {
    private static final String COLUMNS = """
            e.id, e.device_id, e.type, e.user_id, e.user_short_name, e.user_long_name, e.topic, e.push_magic,
            e.token_hex, e.enabled, e.token_update_tally, e.last_seen_at, e.created_at, d.serial_number""";
    private static final RowMapper<EnrollmentRecord> MAPPER = (rs, ctx) -> new EnrollmentRecord(
            rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
            rs.getString(7), rs.getString(8), rs.getString(9), rs.getBoolean(10), rs.getInt(11), rs.getLong(12),
            rs.getLong(13), rs.getString(14));

    private final Jdbi jdbi;
    private final Clock clock;
    private final StoredSecrets secrets;

    /** @param secrets seals the bootstrap and unlock tokens this store keeps */
    public EnrollmentStore(Jdbi jdbi, Clock clock, StoredSecrets secrets) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.secrets = secrets;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Stores an Authenticate inside the caller's transaction: keeps the device row (serial,
     * message), and since Authenticate means a fresh enrollment, disables every channel of the
     * device and resets its TokenUpdate tally until the next TokenUpdate.
     */
    void storeAuthenticate(Handle h, EnrollmentId id, CheckinMessage.Authenticate msg) {
        long now = clock.millis();
        h.createUpdate("""
                INSERT INTO devices (id, serial_number, authenticate, authenticate_at, created_at, updated_at)
                VALUES (:id, :serial, :raw, :now, :now, :now)
                ON DUPLICATE KEY UPDATE serial_number = VALUES(serial_number), authenticate = VALUES(authenticate),
                authenticate_at = VALUES(authenticate_at), updated_at = VALUES(updated_at)""")
                .bind("id", id.deviceId()).bind("serial", msg.serialNumber()).bind("raw", msg.raw()).bind("now", now)
                .execute();
        h.createUpdate("UPDATE enrollments SET enabled = FALSE, token_update_tally = 0, updated_at = :now WHERE device_id = :d")
                .bind("d", id.deviceId()).bind("now", now).execute();
    }

    /**
     * What a new enrollment of a known device must not inherit from the old one, inside Authenticate's
     * transaction: the secrets the device escrowed. A wiped or re-enrolled device makes a new UnlockToken
     * and bootstrap token; the old ones unlock nothing on it, and a ClearPasscode or GetBootstrapToken
     * built from them would hand out a stale secret. Queued commands are closed separately
     * ({@link CommandStore#clearDevice}). PINs stay: a Mac's wipe PIN is what unlocks it after the erase.
     */
    void clearEscrowedSecrets(Handle h, String deviceId) {
        // Plain NULLs, so this works whatever form (sealed or not) the columns hold their values in.
        h.createUpdate("""
                UPDATE devices SET bootstrap_token = NULL, bootstrap_token_at = NULL, unlock_token = NULL, unlock_token_at = NULL
                WHERE id = :d""")
                .bind("d", deviceId).execute();
    }

    /** Whether the device has Authenticated and was not forgotten since. */
    @Override
    public boolean deviceKnown(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM devices WHERE id = :d").bind("d", deviceId)
                .mapTo(Integer.class).one()) > 0;
    }

    /**
     * Stores a TokenUpdate: creates or refreshes the channel, enables it, counts the tally.
     * Returns the tally after this update (1 means the first TokenUpdate since Authenticate).
     */
    @Override
    public int storeTokenUpdate(EnrollmentId id, CheckinMessage.TokenUpdate msg) {
        long now = clock.millis();
        var e = msg.enrollment();
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                    INSERT INTO enrollments (id, device_id, type, user_id, user_short_name, user_long_name, topic,
                      push_magic, token_hex, enabled, token_update_tally, last_seen_at, created_at, updated_at)
                    VALUES (:id, :device, :type, :uid, :short, :long, :topic, :magic, :token, TRUE, 1, :now, :now, :now)
                    ON DUPLICATE KEY UPDATE type = VALUES(type), user_id = VALUES(user_id),
                      user_short_name = VALUES(user_short_name), user_long_name = VALUES(user_long_name),
                      topic = VALUES(topic), push_magic = VALUES(push_magic), token_hex = VALUES(token_hex),
                      enabled = TRUE, token_update_tally = token_update_tally + 1, last_seen_at = VALUES(last_seen_at),
                      token_invalid = FALSE, token_invalid_reason = NULL, repush_count = 0, updated_at = VALUES(updated_at)""")
                    .bind("id", id.id()).bind("device", id.deviceId()).bind("type", id.type().label())
                    .bind("uid", id.type().isUserChannel() ? firstNonNull(e.userId(), e.enrollmentUserId()) : null)
                    .bind("short", e.userShortName()).bind("long", e.userLongName())
                    .bind("topic", msg.topic()).bind("magic", msg.pushMagic()).bind("token", msg.tokenHex())
                    .bind("now", now).execute();
            if (msg.unlockToken() != null && id.isDeviceChannel()) {
                h.createUpdate("UPDATE devices SET unlock_token = :t, unlock_token_at = :now, updated_at = :now WHERE id = :d")
                        .bind("t", secrets.sealBytes(SealedColumn.UNLOCK_TOKEN, id.deviceId(), msg.unlockToken())).bind("now", now).bind("d", id.deviceId()).execute();
            }
            return h.createQuery("SELECT token_update_tally FROM enrollments WHERE id = :id")
                    .bind("id", id.id()).mapTo(Integer.class).one();
        });
    }

    /** CheckOut: the channel (and, for a device channel, its user channels) stops receiving pushes. */
    @Override
    public void disable(EnrollmentId id) {
        long now = clock.millis();
        jdbi.useHandle(h -> {
            if (id.isDeviceChannel()) {
                h.createUpdate("UPDATE enrollments SET enabled = FALSE, updated_at = :now WHERE device_id = :d")
                        .bind("d", id.deviceId()).bind("now", now).execute();
            } else {
                h.createUpdate("UPDATE enrollments SET enabled = FALSE, updated_at = :now WHERE id = :id")
                        .bind("id", id.id()).bind("now", now).execute();
            }
        });
    }

    @Override
    public void touch(String enrollmentId) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE enrollments SET last_seen_at = :now, repush_count = 0 WHERE id = :id")
                .bind("id", enrollmentId).bind("now", clock.millis()).execute());
    }

    @Override
    public List<PushInfo> pushInfo(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT id, topic, token_hex, push_magic, enabled, token_invalid, token_invalid_reason "
                        + "FROM enrollments WHERE id IN (" + Sql.placeholders("p", ids) + ")")
                .bindMap(HostStore.indexed("p", ids))
                .map((rs, ctx) -> new PushInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                        rs.getBoolean(6), rs.getString(7)))
                .list());
    }

    /**
     * APNs said the token is gone: stop pushing until the device's next TokenUpdate. Only while the
     * stored token is still the one pushed: a TokenUpdate that arrived meanwhile brought a good one.
     * Returns whether the enrollment was marked.
     */
    @Override
    public boolean markTokenInvalid(String id, String pushedTokenHex, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE enrollments SET token_invalid = TRUE, token_invalid_reason = :r, updated_at = :now"
                        + " WHERE id = :id AND token_hex = :token")
                .bind("r", reason).bind("now", clock.millis()).bind("id", id).bind("token", pushedTokenHex).execute()) == 1;
    }

    @Override
    public void recordPushed(Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE enrollments SET last_push_at = :now WHERE id IN (" + Sql.placeholders("p", ids) + ")")
                .bindMap(HostStore.indexed("p", ids)).bind("now", clock.millis()).execute());
    }

    /** Backoff stops doubling after this many re-pushes (base × 1024). */
    static final int MAX_BACKOFF_DOUBLINGS = 10;

    /**
     * Claims up to limit enrollments that wait for a re-push: enabled, token valid, with pending
     * commands, silent since before silentSince, and not pushed within their backoff (base × 2^count,
     * capped). The backoff is judged in SQL so the limit counts only due rows: filtered afterwards,
     * a batch of silent enrollments still in backoff would hide due ones behind them for ever.
     * Each claim is an UPDATE guarded by the old last_push_at, so two servers sweeping at once never
     * both push one enrollment.
     */
    @Override
    public List<String> claimRepush(long silentSince, long baseBackoffMillis, int limit) {
        long now = clock.millis();
        return jdbi.withHandle(h -> {
            // POWER gives a DOUBLE on both engines; exact here: epoch millis plus base × 1024 stay far below 2^53.
            List<Map.Entry<String, Long>> due = h.createQuery(
                            "SELECT e.id, e.last_push_at FROM enrollments e"
                            + " WHERE e.enabled = TRUE AND e.token_invalid = FALSE AND e.last_seen_at < :silent"
                            + " AND (e.last_push_at IS NULL"
                            + " OR e.last_push_at + :base * POWER(2, LEAST(e.repush_count, :cap)) <= :now)"
                            + " AND EXISTS (SELECT 1 FROM enrollment_queue q WHERE q.enrollment_id = e.id AND q.pending = TRUE)"
                            + " ORDER BY e.last_seen_at, e.id LIMIT :limit")
                    .bind("silent", silentSince).bind("base", baseBackoffMillis).bind("cap", MAX_BACKOFF_DOUBLINGS)
                    .bind("now", now).bind("limit", limit)
                    .map((rs, ctx) -> {
                        Long last = rs.getObject(2, Long.class);
                        return Map.entry(rs.getString(1), last == null ? -1L : last);
                    })
                    .list();
            List<String> claimed = new java.util.ArrayList<>();
            for (Map.Entry<String, Long> c : due) {
                int n = h.createUpdate("UPDATE enrollments SET last_push_at = :now, repush_count = repush_count + 1"
                                + " WHERE id = :id AND COALESCE(last_push_at, -1) = :old")
                        .bind("now", now).bind("id", c.getKey()).bind("old", c.getValue()).execute();
                if (n == 1) {
                    claimed.add(c.getKey());
                }
            }
            return claimed;
        });
    }

    @Override
    public void storeBootstrapToken(String deviceId, byte[] token) {
        long now = clock.millis();
        byte[] value = token == null || token.length == 0 ? null : secrets.sealBytes(SealedColumn.BOOTSTRAP_TOKEN, deviceId, token);
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE devices SET bootstrap_token = :t, bootstrap_token_at = :at, updated_at = :now WHERE id = :d""")
                .bind("t", value).bind("at", value == null ? null : now).bind("now", now).bind("d", deviceId).execute());
    }

    @Override
    public Optional<byte[]> bootstrapToken(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT bootstrap_token FROM devices WHERE id = :d AND bootstrap_token IS NOT NULL")
                .bind("d", deviceId).mapTo(byte[].class).findOne())
                .map(stored -> secrets.openBytes(SealedColumn.BOOTSTRAP_TOKEN, deviceId, stored));
    }

    public Optional<EnrollmentRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM enrollments e LEFT JOIN devices d ON d.id = e.device_id WHERE e.id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /** The subset of ids that name stored enrollments. */
    public Set<String> existing(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT id FROM enrollments WHERE id IN (" + Sql.placeholders("p", ids) + ")");
            int i = 0;
            for (String id : ids) {
                q.bind("p" + i++, id);
            }
            return q.mapTo(String.class).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        });
    }

    public List<EnrollmentRecord> findAll(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT " + COLUMNS + " FROM enrollments e LEFT JOIN devices d ON d.id = e.device_id WHERE e.id IN ("
                    + Sql.placeholders("p", ids) + ")");
            int i = 0;
            for (String id : ids) {
                q.bind("p" + i++, id);
            }
            return q.map(MAPPER).list();
        });
    }

    /**
     * A page of enrollments in id order, after the cursor (the last id of the previous page).
     * With deviceId set, only that device's channels.
     */
    public List<EnrollmentRecord> list(String deviceId, String cursor, int limit) {
        return jdbi.withHandle(h -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM enrollments e LEFT JOIN devices d ON d.id = e.device_id WHERE 1=1");
            if (deviceId != null) {
                sql.append(" AND (e.device_id = :device OR e.id = :device)");
            }
            if (cursor != null) {
                sql.append(" AND e.id > :cursor");
            }
            sql.append(" ORDER BY e.id LIMIT :limit");
            Query q = h.createQuery(sql.toString()).bind("limit", limit);
            if (deviceId != null) {
                q.bind("device", deviceId);
            }
            if (cursor != null) {
                q.bind("cursor", cursor);
            }
            return q.map(MAPPER).list();
        });
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}

package dev.jmdm.server.hosts;

import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.secrets.UnreadableSecretException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** PINs generated for macOS DeviceLock and EraseDevice, kept (sealed) so admins can unlock the Mac later. */
final class PinStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @param pin null when it cannot be opened, and then error says why */
    record Pin(String commandUuid, String requestType, String pin, String error, String actor, long createdAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final StoredSecrets secrets;

    PinStore(Jdbi jdbi, Clock clock, StoredSecrets secrets) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** Six random digits, as Find My and the Mac's lock screen take them. */
    static String generate() {
        return String.format("%06d", RANDOM.nextInt(1_000_000));
    }

    void store(long hostId, String commandUuid, String requestType, String pin, String actor) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO host_pins (command_uuid, host_id, request_type, pin, actor, created_at)
                VALUES (:u, :h, :t, :p, :a, :now)""")
                .bind("u", commandUuid).bind("h", hostId).bind("t", requestType).bind("p", secrets.sealText(SealedColumn.PIN, commandUuid, pin)).bind("a", actor)
                .bind("now", clock.millis()).execute());
    }

    List<Pin> forHost(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT command_uuid, request_type, pin, actor, created_at FROM host_pins
                        WHERE host_id = :h ORDER BY created_at DESC""")
                .bind("h", hostId)
                .map((rs, ctx) -> opened(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)))
                .list());
    }

    /** One PIN that does not open (another key) does not hide the others. */
    private Pin opened(String commandUuid, String requestType, String stored, String actor, long createdAt) {
        try {
            return new Pin(commandUuid, requestType, secrets.openText(SealedColumn.PIN, commandUuid, stored), null, actor, createdAt);
        } catch (UnreadableSecretException e) {
            return new Pin(commandUuid, requestType, null, e.getMessage(), actor, createdAt);
        }
    }
}

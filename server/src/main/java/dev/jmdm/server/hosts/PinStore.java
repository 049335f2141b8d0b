package dev.jmdm.server.hosts;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** PINs generated for macOS DeviceLock and EraseDevice, kept so admins can unlock the Mac later. */
final class PinStore {
    private static final SecureRandom RANDOM = new SecureRandom();

    record Pin(String commandUuid, String requestType, String pin, String actor, long createdAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    PinStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Six random digits, as Find My and the Mac's lock screen take them. */
    static String generate() {
        return String.format("%06d", RANDOM.nextInt(1_000_000));
    }

    void store(long hostId, String commandUuid, String requestType, String pin, String actor) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO host_pins (command_uuid, host_id, request_type, pin, actor, created_at)
                VALUES (:u, :h, :t, :p, :a, :now)""")
                .bind("u", commandUuid).bind("h", hostId).bind("t", requestType).bind("p", pin).bind("a", actor)
                .bind("now", clock.millis()).execute());
    }

    List<Pin> forHost(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT command_uuid, request_type, pin, actor, created_at FROM host_pins
                        WHERE host_id = :h ORDER BY created_at DESC""")
                .bind("h", hostId)
                .map((rs, ctx) -> new Pin(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)))
                .list());
    }
}

package dev.jmdm.server.dep;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The rows of dep_devices the sync writes (AssignedDevices reads them for Setup Assistant enrollment). */
public final class DepDeviceStore {
    /** A device as the API lists it. Times epoch ms. */
    public record Row(String serialNumber, String tokenName, String model, String description, String color, String deviceFamily,
            String os, String assetTag, Long assignedAt, String assignedBy, String profileName, String profileUuid, String profileStatus,
            Long disownedAt, long updatedAt) {
    }

    private static final String COLUMNS = """
            serial_number, token_name, model, description, color, device_family, os, asset_tag, assigned_at, assigned_by, profile_name,
            profile_uuid, profile_status, disowned_at, updated_at""";

    private final Jdbi jdbi;
    private final Clock clock;

    public DepDeviceStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Stores devices Apple lists as assigned to this server (clearing an earlier disown); returns the serials that were
     * not assigned here before (new, or back after a disown), which become pending hosts.
     */
    public Set<String> upsert(String token, Collection<DepDevice> devices) {
        if (devices.isEmpty()) {
            return Set.of();
        }
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            Set<String> before = active(h, devices.stream().map(DepDevice::serialNumber).toList());
            PreparedBatch batch = h.prepareBatch("""
                    INSERT INTO dep_devices (serial_number, token_name, model, description, color, device_family, os, asset_tag,
                        assigned_at, assigned_by, profile_status, disowned_at, updated_at)
                    VALUES (:serial, :token, :model, :description, :color, :family, :os, :asset, :assigned, :by, :status, NULL, :now)
                    ON DUPLICATE KEY UPDATE token_name = VALUES(token_name), model = VALUES(model), description = VALUES(description),
                        color = VALUES(color), device_family = VALUES(device_family), os = VALUES(os), asset_tag = VALUES(asset_tag),
                        assigned_at = VALUES(assigned_at), assigned_by = VALUES(assigned_by), profile_status = VALUES(profile_status),
                        disowned_at = NULL, updated_at = VALUES(updated_at)""");
            for (DepDevice d : devices) {
                batch.bind("serial", cut(d.serialNumber(), 64)).bind("token", token).bind("model", cut(d.model(), 255))
                        .bind("description", cut(d.description(), 255)).bind("color", cut(d.color(), 64))
                        .bind("family", cut(d.deviceFamily(), 64)).bind("os", cut(d.os(), 64)).bind("asset", cut(d.assetTag(), 255))
                        .bind("assigned", time(d.deviceAssignedDate())).bind("by", cut(d.deviceAssignedBy(), 255))
                        .bind("status", cut(d.profileStatus(), 32)).bind("now", now).add();
            }
            batch.execute();
            Set<String> fresh = new HashSet<>();
            for (DepDevice d : devices) {
                if (!before.contains(d.serialNumber())) {
                    fresh.add(d.serialNumber());
                }
            }
            return fresh;
        });
    }

    private static Set<String> active(Handle h, List<String> serials) {
        return new HashSet<>(h.createQuery("SELECT serial_number FROM dep_devices WHERE disowned_at IS NULL AND serial_number IN (<s>)")
                .bindList("s", serials).mapTo(String.class).list());
    }

    /** Marks devices this token's ABM server no longer has; returns those that were not marked yet. */
    public List<String> disown(String token, Collection<String> serials) {
        if (serials.isEmpty()) {
            return List.of();
        }
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            List<String> marked = h.createQuery("""
                    SELECT serial_number FROM dep_devices WHERE token_name = :t AND disowned_at IS NULL AND serial_number IN (<s>)""")
                    .bind("t", token).bindList("s", List.copyOf(serials)).mapTo(String.class).list();
            if (!marked.isEmpty()) {
                h.createUpdate("UPDATE dep_devices SET disowned_at = :now, updated_at = :now WHERE token_name = :t AND serial_number IN (<s>)")
                        .bind("now", now).bind("t", token).bindList("s", marked).execute();
            }
            return marked;
        });
    }

    /** After a complete fetch: this token's devices the fetch did not list are no longer assigned here. */
    public List<String> disownAllBut(String token, Set<String> listed) {
        List<String> ours = jdbi.withHandle(h -> h.createQuery(
                "SELECT serial_number FROM dep_devices WHERE token_name = :t AND disowned_at IS NULL")
                .bind("t", token).mapTo(String.class).list());
        List<String> gone = ours.stream().filter(s -> !listed.contains(s)).toList();
        return gone.isEmpty() ? List.of() : disown(token, gone);
    }

    /** Serials of this token's devices that have no ADE profile yet. */
    public List<String> withoutProfile(String token) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT serial_number FROM dep_devices WHERE token_name = :t AND disowned_at IS NULL AND profile_name IS NULL
                ORDER BY serial_number""")
                .bind("t", token).mapTo(String.class).list());
    }

    /** Serials of this token's devices assigned a profile (to assign them its new definition). */
    public List<String> withProfile(String token, String profile) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT serial_number FROM dep_devices WHERE token_name = :t AND disowned_at IS NULL AND profile_name = :p
                ORDER BY serial_number""")
                .bind("t", token).bind("p", profile).mapTo(String.class).list());
    }

    public long countWithProfile(String profile) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM dep_devices WHERE disowned_at IS NULL AND profile_name = :p")
                .bind("p", profile).mapTo(Long.class).one());
    }

    /** Records a profile Apple accepted for devices. */
    public void assigned(Collection<String> serials, String profile, String profileUuid) {
        if (serials.isEmpty()) {
            return;
        }
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE dep_devices SET profile_name = :p, profile_uuid = :u, profile_status = 'assigned', updated_at = :now
                WHERE serial_number IN (<s>)""")
                .bind("p", profile).bind("u", profileUuid).bind("now", now).bindList("s", List.copyOf(serials)).execute());
    }

    /** The token each of these serials belongs to (active devices only). */
    public java.util.Map<String, String> tokens(Collection<String> serials) {
        if (serials.isEmpty()) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                SELECT serial_number, token_name FROM dep_devices WHERE disowned_at IS NULL AND serial_number IN (<s>)""")
                .bindList("s", List.copyOf(serials)).map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** Devices, by serial number after the given one, at most limit; token null: all. */
    public List<Row> list(String token, String after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dep_devices WHERE serial_number > :after"
                        + (token == null ? "" : " AND token_name = :t") + " ORDER BY serial_number LIMIT :limit")
                .bind("after", after == null ? "" : after).bind("t", token).bind("limit", limit)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), (Long) rs.getObject(9, Long.class), rs.getString(10), rs.getString(11),
                        rs.getString(12), rs.getString(13), (Long) rs.getObject(14, Long.class), rs.getLong(15)))
                .list());
    }

    /** Hosts of these serials that never enrolled: pre-registered only, so they can go when ABM gives the device up. */
    public List<Long> pendingHosts(Collection<String> serials) {
        if (serials.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT id FROM hosts WHERE enrolled_at IS NULL AND device_id IS NULL AND serial_number IN (<s>)""")
                .bindList("s", List.copyOf(serials)).mapTo(Long.class).list());
    }

    static Long time(String iso) {
        if (iso == null || iso.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(iso.trim()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String cut(String v, int max) {
        return v == null || v.length() <= max ? v : v.substring(0, max);
    }
}

package dev.jmdm.server.policies;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jmdm.policies.Facts;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Reads hosts' facts for the rule language and their stored policy results, a batch of hosts in three
 * queries: the host rows with their device channel; the parsed inventory (host_inventory), the tracked
 * profile status (host_profiles) and group membership in one UNION; their packed results (host_policy_results). The fact names are those of {@link dev.jmdm.policies.FactCatalog}.
 */
class HostFactsReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final double HOUR_MS = 3_600_000.0;

    private final Clock clock;

    HostFactsReader(Clock clock) {
        this.clock = clock;
    }

    /** The hosts that exist, in the order asked, and their stored results by host id. */
    record Read(List<HostSnapshot> hosts, Map<Long, HostResults> stored) {
    }

    /**
     * Snapshots of the given hosts and their stored results (the entries of the policies known accepts): {@link
     * #read(Handle, List)}, then the packed rows. One query for the results rather than a branch of the facts'
     * UNION: H2 answered that UNION several times slower than the two queries (docs/benchmarks.md).
     */
    Read read(Handle h, List<Long> hostIds, java.util.function.IntPredicate known) {
        List<HostSnapshot> hosts = read(h, hostIds);
        Map<Long, HostResults> stored = new HashMap<>();
        if (hostIds.isEmpty()) {
            return new Read(hosts, stored);
        }
        Set<Long> wanted = new HashSet<>(hostIds);
        for (HostResults r : HostResults.range(h, java.util.Collections.min(hostIds), java.util.Collections.max(hostIds), Integer.MAX_VALUE, known)) {
            if (wanted.contains(r.hostId())) {
                stored.put(r.hostId(), r);
            }
        }
        return new Read(hosts, stored);
    }

    /**
     * Snapshots of the given hosts that exist, in the order given, in two queries: the host rows, then their
     * inventory, profile status and groups in one UNION. The hosts are selected by the range of their ids
     * (a full evaluation's batches are consecutive ids; one range scan per table beats a long IN list), or by
     * their ids when they are few in a wide range (a page of a rare result: a range would read every host).
     */
    List<HostSnapshot> read(Handle h, List<Long> hostIds) {
        if (hostIds.isEmpty()) {
            return List.of();
        }
        Set<Long> wanted = new HashSet<>(hostIds);
        long lo = java.util.Collections.min(hostIds);
        long hi = java.util.Collections.max(hostIds);
        boolean sparse = hi - lo + 1 > 4L * hostIds.size() + 100;
        java.util.function.Function<String, String> in = col -> sparse ? col + " IN (<ids>)" : col + " >= :lo AND " + col + " <= :hi";
        List<Long> ids = List.copyOf(wanted);
        Map<Long, Map<String, Object>> facts = new HashMap<>();
        Map<Long, String> platforms = new HashMap<>();
        long now = clock.millis();
        range(h.createQuery("""
                        SELECT h.id, h.platform, h.serial_number, h.device_name, h.enrolled_at, e.enabled, e.last_seen_at
                        FROM hosts h LEFT JOIN enrollments e ON e.id = h.device_id WHERE """ + " " + in.apply("h.id")), sparse, lo, hi, ids)
                .map((rs, ctx) -> {
                    long id = rs.getLong(1);
                    if (!wanted.contains(id)) {
                        return id;
                    }
                    Map<String, Object> f = new HashMap<>();
                    put(f, "host.platform", rs.getString(2));
                    put(f, "device.serial_number", rs.getString(3));
                    put(f, "device.device_name", rs.getString(4));
                    Long enrolledAt = rs.getObject(5, Long.class);
                    Boolean enabled = rs.getObject(6, Boolean.class);
                    Long lastSeen = rs.getObject(7, Long.class);
                    f.put("host.enrolled", enrolledAt != null && Boolean.TRUE.equals(enabled));
                    put(f, "host.enrolled_at", enrolledAt);
                    put(f, "host.last_seen_at", lastSeen);
                    if (lastSeen != null) {
                        f.put("host.last_seen_age_hours", Math.max(0, now - lastSeen) / HOUR_MS);
                    }
                    platforms.put(id, rs.getString(2));
                    facts.put(id, f);
                    return id;
                }).list();
        Map<Long, Map<String, String>> apps = new HashMap<>();
        Map<Long, Map<String, String>> profiles = new HashMap<>();
        Map<Long, Set<String>> groups = new HashMap<>();
        range(h.createQuery("SELECT host_id, 'i', source, facts FROM host_inventory WHERE " + in.apply("host_id")
                        + " UNION ALL SELECT host_id, 'p', identifier, status FROM host_profiles WHERE " + in.apply("host_id")
                        + " AND operation = 'install' UNION ALL SELECT host_id, 'g', group_name, NULL FROM host_group_members WHERE "
                        + in.apply("host_id")), sparse, lo, hi, ids)
                .map((rs, ctx) -> {
                    long id = rs.getLong(1);
                    Map<String, Object> f = facts.get(id);
                    if (f == null) {
                        return 0;
                    }
                    switch (rs.getString(2)) {
                        case "i" -> {
                            switch (rs.getString(3)) {
                                case "device" -> device(parse(rs.getString(4)), f);
                                case "security" -> security(parse(rs.getString(4)), f);
                                case "apps" -> apps.put(id, apps(rs.getString(4)));
                                default -> {
                                }
                            }
                        }
                        case "p" -> profiles.computeIfAbsent(id, k -> new HashMap<>()).put(rs.getString(3), rs.getString(4));
                        default -> groups.computeIfAbsent(id, k -> new HashSet<>()).add(rs.getString(3));
                    }
                    return 0;
                }).list();
        List<HostSnapshot> out = new ArrayList<>();
        for (long id : hostIds) {
            Map<String, Object> f = facts.get(id);
            if (f != null) {
                out.add(new HostSnapshot(id, platforms.get(id), groups.getOrDefault(id, Set.of()),
                        Facts.of(f, apps.get(id), profiles.getOrDefault(id, Map.of()))));
            }
        }
        return out;
    }

    private static org.jdbi.v3.core.statement.Query range(org.jdbi.v3.core.statement.Query q, boolean sparse, long lo, long hi, List<Long> ids) {
        return sparse ? q.defineList("ids", ids) : q.bind("lo", lo).bind("hi", hi);
    }

    private static void device(Map<String, Object> d, Map<String, Object> f) {
        put(f, "device.os_version", at(d, "os", "version"));
        put(f, "device.build_version", at(d, "os", "build"));
        put(f, "device.model", at(d, "hardware", "model"));
        put(f, "device.model_name", at(d, "hardware", "model_name"));
        put(f, "device.product_name", at(d, "hardware", "product_name"));
        put(f, "device.supervised", at(d, "management", "supervised"));
        put(f, "device.capacity_gb", at(d, "storage", "capacity_gb"));
        put(f, "device.available_capacity_gb", at(d, "storage", "available_gb"));
        put(f, "device.battery_percent", at(d, "battery", "percent"));
        put(f, "device.activation_lock_enabled", at(d, "management", "activation_lock_enabled"));
        put(f, "device.find_my_enabled", at(d, "management", "find_my_enabled"));
        // The host row already names these; the device's own answer is fresher.
        put(f, "device.serial_number", d.get("serial_number"));
        put(f, "device.device_name", d.get("device_name"));
        // SecurityInfo is the better source; DeviceInformation's answer stands in until one arrives.
        if (d.get("sip_enabled") != null) {
            f.putIfAbsent("security.sip_enabled", d.get("sip_enabled"));
        }
    }

    private static void security(Map<String, Object> s, Map<String, Object> f) {
        put(f, "security.filevault_enabled", at(s, "filevault", "enabled"));
        put(f, "security.sip_enabled", s.get("sip_enabled"));
        put(f, "security.firewall_enabled", at(s, "firewall", "enabled"));
        put(f, "security.passcode_present", s.get("passcode_present"));
        put(f, "security.passcode_compliant", s.get("passcode_compliant"));
        put(f, "security.secure_boot_level", at(s, "secure_boot", "level"));
        put(f, "security.recovery_lock_enabled", s.get("recovery_lock_enabled"));
    }

    /**
     * Identifier → version of the apps answer, read with the streaming parser: an app list is the largest
     * inventory document, and a full evaluation reads one per host, so no tree of it is built.
     */
    static Map<String, String> apps(String json) {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = JSON.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken t = p.nextToken();
                if (!field.equals("apps") || t != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    String id = null;
                    String shortVersion = null;
                    String version = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.getCurrentName();
                        JsonToken v = p.nextToken();
                        if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                            switch (name) {
                                case "identifier" -> id = v == JsonToken.VALUE_STRING ? p.getText() : null;
                                case "short_version" -> shortVersion = p.getText();
                                case "version" -> version = p.getText();
                                default -> {
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    if (id != null) {
                        out.put(id, shortVersion != null ? shortVersion : version);
                    }
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static Object at(Map<String, Object> m, String section, String key) {
        return m.get(section) instanceof Map<?, ?> s ? s.get(key) : null;
    }

    private static void put(Map<String, Object> f, String name, Object value) {
        if (value != null) {
            f.put(name, value);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (IOException e) {
            return Map.of();
        }
    }
}

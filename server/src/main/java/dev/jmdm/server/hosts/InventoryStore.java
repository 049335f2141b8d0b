package dev.jmdm.server.hosts;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.jmdm.server.protocol.Limits;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import dev.jmdm.server.storage.Sql;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inventory facts per host and source, and the refresh schedule. Due hosts are claimed with a
 * conditional UPDATE (the row's old next_refresh_at must still be there), so several servers
 * sweeping one database never queue the same host twice; no in-process locks.
 */
final class InventoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryStore.class);
    /** Request types whose answers are inventory. */
    static final List<String> REQUEST_TYPES = List.of("DeviceInformation", "SecurityInfo", "InstalledApplicationList");

    /** Stored facts of one source. */
    record Stored(String source, Map<String, Object> facts, String commandUuid, long collectedAt) {
    }

    /** A host's schedule row. */
    record Schedule(long nextRefreshAt, Long lastRequestedAt, String lastFailure, Long lastFailureAt) {
    }

    /** A claimed host and its device channel (null when it has none to ask). */
    record Due(long hostId, String deviceId) {
    }

    private final Jdbi jdbi;
    private final HostStore hosts;
    private final Clock clock;
    private final List<InventoryListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    InventoryStore(Jdbi jdbi, HostStore hosts, Clock clock) {
        this.jdbi = jdbi;
        this.hosts = hosts;
        this.clock = clock;
    }

    void addListener(InventoryListener listener) {
        listeners.add(listener);
    }

    /** The query whose answer fills a source. */
    static String requestTypeOf(String source) {
        return switch (source) {
            case InventoryParser.DEVICE -> "DeviceInformation";
            case InventoryParser.SECURITY -> "SecurityInfo";
            case InventoryParser.APPS -> "InstalledApplicationList";
            default -> throw new IllegalArgumentException("unknown inventory source " + source);
        };
    }

    /**
     * The host's device's answer, exactly as it sent it, to the command that filled a source. One
     * command may have gone to many hosts, so the answer is looked up on this host's channels only.
     */
    Optional<byte[]> rawAnswer(long hostId, String commandUuid) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT q.result FROM enrollment_queue q
                        WHERE q.command_uuid = :u AND q.result IS NOT NULL
                          AND q.enrollment_id IN (SELECT d.id FROM devices d WHERE d.host_id = :h)
                        ORDER BY q.id DESC LIMIT 1""")
                .bind("u", commandUuid).bind("h", hostId).mapTo(byte[].class).findOne());
    }

    Optional<Long> hostOfDevice(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT host_id FROM devices WHERE id = :d AND host_id IS NOT NULL")
                .bind("d", deviceId).mapTo(Long.class).findOne());
    }

    /**
     * Stores one source's facts, merged over what was there (a partial DeviceInformation keeps the rest).
     * A DeviceInformation answer may name the host's serial number for the first time, which can merge
     * the host into one pre-registered with it; the facts land on the host that stands.
     */
    void store(long reportingHostId, InventoryParser.Parsed parsed, String commandUuid) {
        store(reportingHostId, parsed, commandUuid, AppListQuery.FULL);
    }

    /**
     * As above; apps answers go by what their command asked. A filtered one updates the apps it names and
     * leaves command_uuid and collected_at at the last full list, so the raw view and the age stay those
     * of a complete list.
     */
    void store(long reportingHostId, InventoryParser.Parsed parsed, String commandUuid, AppListQuery appQuery) {
        long now = clock.millis();
        // The serial (and a merge it brings) commits first, on its own: facts that fail to store after it
        // leave a host that is whole, and the next answer stores them on the host that stands.
        long hostId = InventoryParser.DEVICE.equals(parsed.source())
                ? hosts.reportSerial(reportingHostId, fitting(parsed.facts().get("serial_number"), Limits.SERIAL_NUMBER,
                        "SerialNumber", reportingHostId))
                : reportingHostId;
        jdbi.useTransaction(h -> {
            Optional<String> old = h.createQuery("SELECT facts FROM host_inventory WHERE host_id = :h AND source = :s")
                    .bind("h", hostId).bind("s", parsed.source()).mapTo(String.class).findOne();
            boolean apps = InventoryParser.APPS.equals(parsed.source());
            if (apps && !appQuery.full() && old.isPresent()) {
                h.createUpdate("UPDATE host_inventory SET facts = :f WHERE host_id = :h AND source = :s")
                        .bind("f", ApiJson.write(appQuery.applyTo(ApiJson.readMap(old.get()), parsed.facts())))
                        .bind("h", hostId).bind("s", parsed.source()).execute();
                return;
            }
            Map<String, Object> facts = old.isPresent() && !apps
                    ? InventoryParser.merge(ApiJson.readMap(old.get()), parsed.facts()) : parsed.facts();
            h.createUpdate("""
                    INSERT INTO host_inventory (host_id, source, facts, command_uuid, collected_at)
                    VALUES (:h, :s, :f, :u, :now)
                    ON DUPLICATE KEY UPDATE facts = VALUES(facts), command_uuid = VALUES(command_uuid),
                      collected_at = VALUES(collected_at)""")
                    .bind("h", hostId).bind("s", parsed.source()).bind("f", ApiJson.write(facts)).bind("u", commandUuid)
                    .bind("now", now).execute();
            // Only an answer to the query that failed clears its failure: apps arriving do not make a
            // failed SecurityInfo look fresh.
            h.createUpdate("""
                    UPDATE host_inventory_schedule SET last_failure = NULL, last_failure_at = NULL
                    WHERE host_id = :h AND last_failure LIKE :type""")
                    .bind("h", hostId).bind("type", "% to " + requestTypeOf(parsed.source()) + "%").execute();
            if (InventoryParser.DEVICE.equals(parsed.source())) {
                refreshHostSummary(h, hostId, parsed.facts());
            }
        });
        listeners.forEach(l -> l.inventoryChanged(hostId));
    }

    /**
     * Keeps the host's list columns (OS version, name, model) as fresh as its last DeviceInformation,
     * and fills in a platform the host does not have yet (it enrolled without a ProductName).
     */
    @SuppressWarnings("unchecked")
    private void refreshHostSummary(Handle h, long hostId, Map<String, Object> facts) {
        String os = fitting(facts.get("os") instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("version") : null,
                Limits.OS_VERSION, "OSVersion", hostId);
        String product = fitting(facts.get("hardware") instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("product_name") : null,
                Limits.PRODUCT_NAME, "ProductName", hostId);
        String name = fitting(facts.get("device_name"), Limits.DEVICE_NAME, "DeviceName", hostId);
        if (os == null && product == null && name == null) {
            return;
        }
        h.createUpdate("""
                UPDATE hosts SET os_version = COALESCE(:os, os_version), product_name = COALESCE(:product, product_name),
                  platform = COALESCE(platform, :platform), device_name = COALESCE(:name, device_name), updated_at = :now
                WHERE id = :h""")
                .bind("os", os).bind("product", product).bind("platform", HostRecord.platformOf(product))
                .bind("name", name).bind("now", clock.millis()).bind("h", hostId).execute();
    }

    /**
     * A reported value for a hosts column, or null (the column keeps what it has) when it is longer than the
     * column holds: the rest of the answer is still stored, and the full value stays in the inventory facts.
     */
    private static String fitting(Object value, int max, String field, long hostId) {
        if (!(value instanceof String s)) {
            return null;
        }
        if (s.length() > max) { // UTF-16 units, as Limits counts them
            LOG.warn("inventory of host {}: {} is longer than {} characters; the host list keeps its previous value", hostId,
                    field, max);
            return null;
        }
        return s;
    }

    Map<String, Stored> facts(long hostId) {
        Map<String, Stored> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT source, facts, command_uuid, collected_at FROM host_inventory WHERE host_id = :h")
                .bind("h", hostId)
                .map((rs, ctx) -> new Stored(rs.getString(1), ApiJson.readMap(rs.getString(2)), rs.getString(3), rs.getLong(4)))
                .forEach(s -> out.put(s.source(), s)));
        return out;
    }

    Optional<Schedule> schedule(long hostId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT next_refresh_at, last_requested_at, last_failure, last_failure_at FROM host_inventory_schedule WHERE host_id = :h")
                .bind("h", hostId)
                .map((rs, ctx) -> new Schedule(rs.getLong(1), rs.getObject(2, Long.class), rs.getString(3), rs.getObject(4, Long.class)))
                .findOne());
    }

    /** Records that the queries were just queued for the host and when they are due next. */
    void requested(long hostId, long nextRefreshAt) {
        long now = clock.millis();
        jdbi.useHandle(h -> {
            int n = h.createUpdate("UPDATE host_inventory_schedule SET next_refresh_at = :next, last_requested_at = :now WHERE host_id = :h")
                    .bind("next", nextRefreshAt).bind("now", now).bind("h", hostId).execute();
            if (n == 0) {
                try {
                    h.createUpdate("""
                            INSERT INTO host_inventory_schedule (host_id, next_refresh_at, last_requested_at)
                            VALUES (:h, :next, :now)""")
                            .bind("h", hostId).bind("next", nextRefreshAt).bind("now", now).execute();
                } catch (UnableToExecuteStatementException e) {
                    if (!Sql.isDuplicateKey(e)) {
                        throw e;
                    }
                    // Another server inserted it at the same moment: its schedule stands.
                }
            }
        });
    }

    /** An inventory query was answered with Error or NotNow: the facts stay, the failure is shown. */
    void failed(long hostId, String failure) {
        jdbi.useHandle(h -> h.createUpdate(
                        "UPDATE host_inventory_schedule SET last_failure = :f, last_failure_at = :now WHERE host_id = :h")
                .bind("f", clipped(failure, 1024)).bind("now", clock.millis())
                .bind("h", hostId).execute());
    }

    /** At most max UTF-16 units (so at most max characters), never ending in half a surrogate pair. */
    static String clipped(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    /**
     * Claims up to limit hosts whose inventory is due, moving each one's next_refresh_at to
     * nextAt(hostId). A row is claimed only if no other server moved it first.
     */
    List<Due> claimDue(int limit, java.util.function.LongUnaryOperator nextAt) {
        long now = clock.millis();
        return jdbi.withHandle(h -> {
            List<long[]> candidates = h.createQuery("""
                            SELECT host_id, next_refresh_at FROM host_inventory_schedule
                            WHERE next_refresh_at <= :now ORDER BY next_refresh_at LIMIT :limit""")
                    .bind("now", now).bind("limit", limit)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
            List<Due> claimed = new ArrayList<>();
            for (long[] c : candidates) {
                int n = h.createUpdate("""
                                UPDATE host_inventory_schedule SET next_refresh_at = :next, last_requested_at = :now
                                WHERE host_id = :h AND next_refresh_at = :old""")
                        .bind("next", nextAt.applyAsLong(c[0])).bind("now", now).bind("h", c[0]).bind("old", c[1]).execute();
                if (n == 1) {
                    String device = h.createQuery("""
                                    SELECT h.device_id FROM hosts h JOIN enrollments e ON e.id = h.device_id
                                    WHERE h.id = :h AND e.enabled = TRUE""")
                            .bind("h", c[0]).mapTo(String.class).findOne().orElse(null);
                    claimed.add(new Due(c[0], device));
                }
            }
            return claimed;
        });
    }

    /**
     * Gives enrolled hosts without a schedule row (enrolled before this feature, or whose first
     * request failed) one, due at firstAt(hostId). Returns how many were added.
     */
    int backfill(int limit, java.util.function.LongUnaryOperator firstAt) {
        return jdbi.withHandle(h -> {
            List<Long> missing = h.createQuery("""
                            SELECT h.id FROM hosts h WHERE h.enrolled_at IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM host_inventory_schedule s WHERE s.host_id = h.id) LIMIT :limit""")
                    .bind("limit", limit).mapTo(Long.class).list();
            int added = 0;
            for (long id : missing) {
                try {
                    added += h.createUpdate("INSERT INTO host_inventory_schedule (host_id, next_refresh_at) VALUES (:h, :next)")
                            .bind("h", id).bind("next", firstAt.applyAsLong(id)).execute();
                } catch (UnableToExecuteStatementException e) {
                    if (!Sql.isDuplicateKey(e)) {
                        throw e;
                    }
                    // another server added it
                }
            }
            return added;
        });
    }

    /** Whether inventory queries still wait in the channel's queue (then a sweep does not pile more on). */
    boolean inventoryPending(String enrollmentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM enrollment_queue q JOIN commands c ON c.command_uuid = q.command_uuid
                        WHERE q.enrollment_id = :e AND q.pending = TRUE AND c.request_type IN (<types>)""")
                .bind("e", enrollmentId).bindList("types", REQUEST_TYPES).mapTo(Integer.class).one()) > 0;
    }

    /** The request type of a stored command, if it is one of the inventory queries. */
    Optional<String> inventoryRequestType(String commandUuid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT request_type FROM commands WHERE command_uuid = :u")
                .bind("u", commandUuid).mapTo(String.class).findOne()).filter(REQUEST_TYPES::contains);
    }
}

package dev.jmdm.server.storage;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.EnrollmentId;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts and their link to enrollments. A host is found by serial number (a host pre-registered by
 * serial is claimed by its first enrollment), then by UDID, then by device channel id (User
 * Enrollment has neither UDID nor serial), and created otherwise.
 *
 * <p>The serial number names the machine. When a device reports one (in Authenticate or in a
 * DeviceInformation answer) that another host already holds, the two hosts are one machine and
 * are merged: the host holding the serial stays (its id, serial, groups and profile targets, what
 * an admin set up), and the reporting host's enrollment, inventory, profile state and PINs move
 * onto it before the reporting host is deleted.
 */
public final class HostStore {
    private static final Logger LOG = LoggerFactory.getLogger(HostStore.class);
    static final String COLUMNS = "h.id, h.udid, h.serial_number, h.device_id, h.platform, h.product_name, h.os_version, "
            + "h.device_name, h.enrolled_at, h.created_at, h.updated_at";
    public static final RowMapper<HostRecord> MAPPER = (rs, ctx) -> new HostRecord(rs.getLong(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, Long.class),
            rs.getLong(10), rs.getLong(11));

    private final Jdbi jdbi;
    private final Clock clock;
    /** What other stores do, in the same transaction, when a host is forgotten (the SCEP store revokes its certificates). */
    private final List<ForgetStep> forgetSteps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<MergeStep> mergeSteps = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A store's part in forgetting a host: runs inside {@link #forget}'s transaction, before the host's devices go. */
    @FunctionalInterface
    public interface ForgetStep {
        void forgetting(Handle h, long hostId, long now);
    }

    /** A feature's part of merging two hosts, in the merge's transaction, before from's rows move onto into. */
    public interface MergeStep {
        void merging(Handle h, long from, long into);
    }

    public HostStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Finds or creates the host of an authenticating device and links the device to it, inside
     * the Authenticate transaction. Returns the host id.
     */
    long attach(Handle h, EnrollmentId id, CheckinMessage.Authenticate msg) {
        String udid = msg.enrollment().udid();
        String serial = msg.serialNumber();
        long now = clock.millis();
        try {
            Optional<Long> found = findForEnrollment(h, udid, serial, id.deviceId());
            long hostId;
            if (found.isPresent()) {
                hostId = found.get();
                h.createUpdate("""
                        UPDATE hosts SET udid = COALESCE(:udid, udid), serial_number = COALESCE(:serial, serial_number),
                          device_id = :device, platform = COALESCE(:platform, platform),
                          product_name = COALESCE(:product, product_name), os_version = COALESCE(:os, os_version),
                          device_name = COALESCE(:name, device_name), enrolled_at = :now, updated_at = :now
                        WHERE id = :id""")
                        .bind("udid", udid).bind("serial", serial).bind("device", id.deviceId())
                        .bind("platform", HostRecord.platformOf(msg.productName())).bind("product", msg.productName())
                        .bind("os", msg.osVersion()).bind("name", msg.deviceName()).bind("now", now).bind("id", hostId)
                        .execute();
            } else {
                hostId = h.createUpdate("""
                        INSERT INTO hosts (udid, serial_number, device_id, platform, product_name, os_version, device_name,
                          enrolled_at, created_at, updated_at)
                        VALUES (:udid, :serial, :device, :platform, :product, :os, :name, :now, :now, :now)""")
                        .bind("udid", udid).bind("serial", serial).bind("device", id.deviceId())
                        .bind("platform", HostRecord.platformOf(msg.productName())).bind("product", msg.productName())
                        .bind("os", msg.osVersion()).bind("name", msg.deviceName()).bind("now", now)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            }
            h.createUpdate("UPDATE devices SET host_id = :host WHERE id = :device")
                    .bind("host", hostId).bind("device", id.deviceId()).execute();
            return hostId;
        } catch (UnableToExecuteStatementException e) {
            if (Sql.isDuplicateKey(e)) {
                throw new ConcurrentEnrollmentException(e);
            }
            throw e;
        }
    }

    /**
     * Another enrollment of the same machine created or claimed its host at the same moment. The
     * caller retries its whole transaction: under MySQL's repeatable read a retry inside the same
     * transaction would not see the winner's row.
     */
    public static final class ConcurrentEnrollmentException extends RuntimeException {
        ConcurrentEnrollmentException(Throwable cause) {
            super("a concurrent enrollment of the same host won; retry", cause);
        }
    }

    /** The host an enrollment belongs to; other hosts it was known by before are merged into it. */
    private Optional<Long> findForEnrollment(Handle h, String udid, String serial, String deviceId) {
        // One round trip for the three ways a host may already be known (Authenticate's hot path); a null
        // serial or UDID matches nothing, as "= NULL" never does.
        Long[] ids = h.createQuery("""
                SELECT (SELECT id FROM hosts WHERE serial_number = :serial), (SELECT id FROM hosts WHERE udid = :udid),
                       (SELECT id FROM hosts WHERE device_id = :device)""")
                .bind("serial", serial).bind("udid", udid).bind("device", deviceId)
                .map((rs, ctx) -> new Long[] {rs.getObject(1, Long.class), rs.getObject(2, Long.class), rs.getObject(3, Long.class)})
                .one();
        Optional<Long> bySerial = Optional.ofNullable(ids[0]);
        Optional<Long> byUdid = Optional.ofNullable(ids[1]);
        Optional<Long> byDevice = Optional.ofNullable(ids[2]);
        Optional<Long> found = bySerial.or(() -> byUdid).or(() -> byDevice);
        for (Optional<Long> other : List.of(byUdid, byDevice)) {
            if (other.isPresent() && !other.equals(found) && find(h, other.get()).isPresent()) {
                merge(h, other.get(), found.get());
            }
        }
        return found;
    }

    private static Optional<Long> hostWhere(Handle h, String column, String value) {
        return h.createQuery("SELECT id FROM hosts WHERE " + column + " = :v").bind("v", value).mapTo(Long.class).findOne();
    }

    /**
     * A host's device reported its serial number in an inventory answer: a host without one gets it,
     * and if another host already holds it the two are merged (one transaction). Returns the id of the
     * host that stands.
     */
    public long reportSerial(long hostId, String serial) {
        if (serial == null || serial.isBlank()) {
            return hostId;
        }
        return jdbi.inTransaction(h -> {
            Optional<HostRecord> host = find(h, hostId);
            if (host.isEmpty() || host.get().serialNumber() != null) {
                return hostId;
            }
            Optional<Long> holder = hostWhere(h, "serial_number", serial);
            if (holder.isPresent()) {
                merge(h, hostId, holder.get());
                return holder.get();
            }
            h.createUpdate("UPDATE hosts SET serial_number = :s, updated_at = :now WHERE id = :id")
                    .bind("s", serial).bind("now", clock.millis()).bind("id", hostId).execute();
            return hostId;
        });
    }

    /**
     * Forgets a host. Its pending commands are closed as Cleared (their rows and answers stay in the
     * command views), and its devices, channels and certificate bindings are deleted, so the server
     * knows the device no more than one that never enrolled: a later TokenUpdate or command poll is
     * refused, and an Authenticate makes it a new, visible host. Its rows in other tables go too
     * ({@link HostRows}). The device itself is told nothing.
     */
    /** Adds a step to {@link #forget}; wiring only, before the server serves requests. */
    public void onForget(ForgetStep step) {
        forgetSteps.add(step);
    }

    /** Adds a step to merging two hosts; wiring only, before the server serves requests. */
    public void onMerge(MergeStep step) {
        mergeSteps.add(step);
    }

    public void forget(long hostId) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            // Host row first, as the profile reconciler locks it before the host's queue and profile rows.
            h.createQuery("SELECT id FROM hosts WHERE id = :h FOR UPDATE").bind("h", hostId).mapTo(Long.class).findOne();
            h.createUpdate("""
                    UPDATE enrollment_queue SET pending = FALSE, status = :cleared, updated_at = :now
                    WHERE pending = TRUE AND enrollment_id IN (SELECT e.id FROM enrollments e
                        WHERE e.device_id IN (SELECT d.id FROM devices d WHERE d.host_id = :h))""")
                    .bind("cleared", QueueEntry.CLEARED).bind("now", now).bind("h", hostId).execute();
            for (ForgetStep step : forgetSteps) {
                step.forgetting(h, hostId, now);
            }
            for (String table : List.of("enrollments", "cert_bindings", "cert_rebind_grants")) {
                h.createUpdate("DELETE FROM " + table + " WHERE device_id IN (SELECT d.id FROM devices d WHERE d.host_id = :h)")
                        .bind("h", hostId).execute();
            }
            h.createUpdate("DELETE FROM devices WHERE host_id = :h").bind("h", hostId).execute();
            HostRows.delete(h, hostId);
            h.createUpdate("DELETE FROM hosts WHERE id = :h").bind("h", hostId).execute();
        });
    }

    /**
     * Merges host from into host into, inside the caller's transaction: from's rows and devices move,
     * from is deleted, and what from knew of the device (UDID, enrollment, model, OS) wins over into's.
     */
    private void merge(Handle h, long from, long into) {
        // Both host rows first, in id order, before their profile and other rows move: the order the profile
        // reconciler locks in, so a merge and a reconciliation wait for each other instead of deadlocking.
        h.createQuery("SELECT id FROM hosts WHERE id IN (:a, :b) ORDER BY id FOR UPDATE").bind("a", from).bind("b", into)
                .mapTo(Long.class).list();
        HostRecord f = find(h, from).orElseThrow();
        for (MergeStep step : mergeSteps) {
            step.merging(h, from, into);
        }
        HostRows.move(h, from, into);
        h.createUpdate("UPDATE devices SET host_id = :into WHERE host_id = :from").bind("into", into).bind("from", from).execute();
        // Deleted first: the unique UDID and device id can only move once from no longer holds them.
        h.createUpdate("DELETE FROM hosts WHERE id = :from").bind("from", from).execute();
        h.createUpdate("""
                UPDATE hosts SET udid = COALESCE(:udid, udid), device_id = COALESCE(:device, device_id),
                  platform = COALESCE(:platform, platform), product_name = COALESCE(:product, product_name),
                  os_version = COALESCE(:os, os_version), device_name = COALESCE(:name, device_name),
                  enrolled_at = COALESCE(:enrolled, enrolled_at), updated_at = :now
                WHERE id = :into""")
                .bind("udid", f.udid()).bind("device", f.deviceId()).bind("platform", f.platform())
                .bind("product", f.productName()).bind("os", f.osVersion()).bind("name", f.deviceName())
                .bind("enrolled", f.enrolledAt()).bind("now", clock.millis()).bind("into", into).execute();
        LOG.info("merged host {} into host {} (serial {})", from, into, f.serialNumber());
    }

    /**
     * The host a reference names: a host id, a UDID, a serial number, or an enrollment id (device
     * or user channel). Empty when nothing matches.
     */
    public Optional<HostRecord> resolve(String ref) {
        return jdbi.withHandle(h -> resolve(h, ref));
    }

    private static Optional<HostRecord> resolve(Handle h, String ref) {
        if (ref == null || ref.isBlank()) {
            return Optional.empty();
        }
        if (ref.chars().allMatch(Character::isDigit) && ref.length() < 19) {
            Optional<HostRecord> byId = h.createQuery("SELECT " + COLUMNS + " FROM hosts h WHERE h.id = :v")
                    .bind("v", Long.parseLong(ref)).map(MAPPER).findOne();
            if (byId.isPresent()) {
                return byId;
            }
        }
        Optional<HostRecord> direct = h.createQuery("SELECT " + COLUMNS
                        + " FROM hosts h WHERE h.udid = :v OR h.serial_number = :v OR h.device_id = :v ORDER BY h.id LIMIT 1")
                .bind("v", ref).map(MAPPER).findOne();
        if (direct.isPresent()) {
            return direct;
        }
        return h.createQuery("SELECT " + COLUMNS
                        + " FROM enrollments e JOIN devices d ON d.id = e.device_id JOIN hosts h ON h.id = d.host_id WHERE e.id = :v")
                .bind("v", ref).map(MAPPER).findOne();
    }

    public Optional<HostRecord> find(long hostId) {
        return jdbi.withHandle(h -> find(h, hostId));
    }

    private static Optional<HostRecord> find(Handle h, long hostId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM hosts h WHERE h.id = :v").bind("v", hostId).map(MAPPER).findOne();
    }

    /** Hosts for serial numbers, creating "pending enrollment" hosts for serials not seen yet. */
    public List<HostRecord> preRegister(Collection<String> serials) {
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            for (String serial : serials) {
                try {
                    h.createUpdate("INSERT INTO hosts (serial_number, created_at, updated_at) VALUES (:s, :now, :now)")
                            .bind("s", serial).bind("now", now).execute();
                } catch (UnableToExecuteStatementException e) {
                    if (!Sql.isDuplicateKey(e)) {
                        throw e;
                    }
                }
            }
            return h.createQuery("SELECT " + COLUMNS + " FROM hosts h WHERE h.serial_number IN (" + Sql.placeholders("s", serials) + ")")
                    .bindMap(indexed("s", serials)).map(MAPPER).list();
        });
    }

    /**
     * Records the UDID a device proved before it enrolls (Setup Assistant's signed MachineInfo) on the host that has
     * its serial number, unless that host already has one. When another host holds the UDID nothing changes here:
     * the device's Authenticate merges the two.
     */
    public void noteUdid(String serial, String udid) {
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                    UPDATE hosts SET udid = :u, updated_at = :now WHERE serial_number = :s AND udid IS NULL""")
                    .bind("u", udid).bind("s", serial).bind("now", clock.millis()).execute());
        } catch (UnableToExecuteStatementException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
        }
    }

    /** The host an enrollment (device or user channel) belongs to; an enrollment id is never read as a host id. */
    public Optional<Long> hostOfEnrollment(String enrollmentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT d.host_id FROM enrollments e JOIN devices d ON d.id = e.device_id
                        WHERE e.id = :e AND d.host_id IS NOT NULL""")
                .bind("e", enrollmentId).mapTo(Long.class).findOne());
    }

    /** The enrollment ids (device channel first, then user channels) of a host. */
    public List<String> enrollmentIds(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT e.id FROM enrollments e JOIN devices d ON d.id = e.device_id
                WHERE d.host_id = :host ORDER BY CASE WHEN e.id = e.device_id THEN 0 ELSE 1 END, e.id""")
                .bind("host", hostId).mapTo(String.class).list());
    }

    static java.util.Map<String, Object> indexed(String prefix, Collection<?> values) {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        int i = 0;
        for (Object v : values) {
            m.put(prefix + i++, v);
        }
        return m;
    }
}

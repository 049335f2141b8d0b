package dev.jmdm.server.storage;

import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Which identity certificate (by SHA-256) each device channel authenticates with. */
public final class CertBindingStore {
    private final Jdbi jdbi;
    private final Clock clock;

    public CertBindingStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** What a request's certificate is bound to, and when its enrollment was last seen. */
    public record Lookup(String boundDeviceId, Long enrollmentLastSeen) {
    }

    /**
     * One round trip for the hot path: the device the certificate is bound to (null when none)
     * and the enrollment's last-seen time (null when the enrollment does not exist yet).
     */
    public Lookup lookup(String certSha256, String enrollmentId) {
        // Two scalar subqueries, so the last-seen time comes back even when the certificate is unbound.
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT (SELECT device_id FROM cert_bindings WHERE cert_sha256 = :sha),
                       (SELECT last_seen_at FROM enrollments WHERE id = :enrollment)""")
                .bind("sha", certSha256).bind("enrollment", enrollmentId)
                .map((rs, ctx) -> new Lookup(rs.getString(1), rs.getObject(2, Long.class)))
                .one());
    }

    /** Whether any certificate is bound to the device. */
    public boolean hasBinding(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM cert_bindings WHERE device_id = :d")
                .bind("d", deviceId).mapTo(Integer.class).findOne().isPresent());
    }

    public Optional<String> boundCertificate(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT cert_sha256 FROM cert_bindings WHERE device_id = :d")
                .bind("d", deviceId).mapTo(String.class).findOne());
    }

    /**
     * Binds the certificate to the device, replacing the device's previous certificate. Refuses
     * (returns the other device's id) when the certificate is already bound to another device;
     * the unique index makes two racing claims of one certificate end with one winner.
     */
    public Optional<String> bind(Handle h, String deviceId, String certSha256, long notAfter) {
        Optional<String> other = h.createQuery("SELECT device_id FROM cert_bindings WHERE cert_sha256 = :sha")
                .bind("sha", certSha256).mapTo(String.class).findOne().filter(d -> !d.equals(deviceId));
        if (other.isPresent()) {
            return other;
        }
        try {
            h.createUpdate("""
                    INSERT INTO cert_bindings (device_id, cert_sha256, not_after, bound_at)
                    VALUES (:d, :sha, :na, :now)
                    ON DUPLICATE KEY UPDATE cert_sha256 = VALUES(cert_sha256), not_after = VALUES(not_after),
                    bound_at = VALUES(bound_at)""")
                    .bind("d", deviceId).bind("sha", certSha256).bind("na", notAfter).bind("now", clock.millis())
                    .execute();
        } catch (UnableToExecuteStatementException e) {
            if (Sql.isDuplicateKey(e)) {
                return Optional.of("another device");
            }
            throw e;
        }
        return Optional.empty();
    }

    public Optional<String> bind(String deviceId, String certSha256, long notAfter) {
        return jdbi.inTransaction(h -> bind(h, deviceId, certSha256, notAfter));
    }
}

package dev.jmdm.server.storage;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
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

    /**
     * What a request's certificate is bound to, when its enrollment was last seen, whether the device has
     * Authenticated (a TokenUpdate needs that, and asks in the same round trip), and whether the device has a Setup
     * Assistant enrollment its check-ins still move along (ADE's steps run only then).
     */
    public record Lookup(String boundDeviceId, Long enrollmentLastSeen, boolean deviceStored, boolean setupPending) {
    }

    /**
     * One round trip for the hot path: the device the certificate is bound to (null when none), the
     * enrollment's last-seen time (null when the enrollment does not exist yet), whether the device's row exists and
     * whether its Setup Assistant enrollment is {@code enrolling} (its first TokenUpdate marks it enrolled) or
     * {@code running} with a step waiting (its answers move the steps on): what ADE's check-in steps act on, read
     * from {@code ade_enrollments} as they would read it.
     */
    public Lookup lookup(String certSha256, String enrollmentId, String deviceId) {
        // Scalar subqueries, so the last-seen time comes back even when the certificate is unbound.
        // The setup flag reads the state ADE's steps would read, not how the certificate was issued: an ADE device's
        // identity comes from this server's SCEP with a challenge bound to it, but a renewal's certificate is not
        // marked ADE, another server sharing the database may have handed out the profile, and a device whose setup
        // ended would pay for ADE on every answer for good. The state is right in every case, for every server on
        // the database, and only devices in the middle of Setup Assistant pay (one index read here, no round trip).
        // No race with the request's own step: a run moves to its next step before queueing what that step waits
        // for, so the answer that ends a step is always read after the move.
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT (SELECT device_id FROM cert_bindings WHERE cert_sha256 = :sha),
                       (SELECT last_seen_at FROM enrollments WHERE id = :enrollment),
                       (SELECT COUNT(*) FROM devices WHERE id = :device),
                       (SELECT COUNT(*) FROM ade_enrollments WHERE udid = :device
                          AND (setup_state = 'enrolling' OR setup_state = 'running' AND setup_waiting IS NOT NULL))""")
                .bind("sha", certSha256).bind("enrollment", enrollmentId).bind("device", deviceId)
                .map((rs, ctx) -> new Lookup(rs.getString(1), rs.getObject(2, Long.class), rs.getLong(3) > 0, rs.getLong(4) > 0))
                .one());
    }

    /** Runs the decisions of one request against the tables here in one transaction. */
    public <T> T inBindingTransaction(Function<BindingTransaction, T> work) {
        return jdbi.inTransaction(h -> work.apply(on(h)));
    }

    /**
     * The JDBI transaction a {@link BindingTransaction} of this store runs in, for another store whose rows must
     * commit or roll back with the binding decision (the SCEP store's issued certificates). Stores only: services
     * see the interface.
     */
    public static Handle handleOf(BindingTransaction tx) {
        if (tx instanceof OnHandle on) {
            return on.h;
        }
        throw new IllegalArgumentException("not a binding transaction of this store: " + tx.getClass().getName());
    }

    /** A {@link BindingTransaction} that knows its handle, so {@link #handleOf} can give it to another store. */
    private abstract static class OnHandle implements BindingTransaction {
        final Handle h;

        OnHandle(Handle h) {
            this.h = h;
        }
    }

    /**
     * The binding tables as seen inside the transaction h. The binding, grant and first-stored time of a device are
     * read together, in one round trip, the first time any of them is asked for (an Authenticate asks for all three),
     * and read again after this transaction changed them.
     */
    BindingTransaction on(Handle h) {
        return new OnHandle(h) {
            private String seenDevice;
            private DeviceView seen;

            private DeviceView view(String deviceId) {
                if (!deviceId.equals(seenDevice)) {
                    seen = CertBindingStore.this.view(h, deviceId);
                    seenDevice = deviceId;
                }
                return seen;
            }

            @Override
            public Optional<Binding> binding(String deviceId) {
                return view(deviceId).binding();
            }

            @Override
            public Optional<Grant> grant(String deviceId) {
                return view(deviceId).grant();
            }

            @Override
            public Optional<Long> firstStored(String deviceId) {
                return view(deviceId).firstStored();
            }

            @Override
            public Optional<String> bind(String deviceId, String certSha256, long notAfter, String replacing) {
                boolean hadGrant = view(deviceId).grant().isPresent();
                seenDevice = null;
                return CertBindingStore.this.bind(h, deviceId, certSha256, notAfter, replacing, hadGrant);
            }

            @Override
            public void dropGrant(String deviceId) {
                boolean seenNone = deviceId.equals(seenDevice) && seen.grant().isEmpty();
                seenDevice = null;
                if (!seenNone) {
                    CertBindingStore.this.dropGrant(h, deviceId);
                }
            }
        };
    }

    /** A device's binding, grant and first-stored time as one transaction saw them. */
    private record DeviceView(Optional<Binding> binding, Optional<Grant> grant, Optional<Long> firstStored) {
    }

    private DeviceView view(Handle h, String deviceId) {
        // FROM a one-row table so that the row comes back when the device has no binding and no grant.
        return h.createQuery("""
                SELECT b.cert_sha256, b.not_after, b.bound_at, g.reason, g.granted_by, g.granted_at, g.expires_at,
                  (SELECT MIN(t) FROM (
                     SELECT created_at AS t FROM devices WHERE id = :d
                     UNION ALL SELECT created_at AS t FROM enrollments WHERE device_id = :d) stored)
                FROM (SELECT 1 AS one) x
                LEFT JOIN cert_bindings b ON b.device_id = :d
                LEFT JOIN cert_rebind_grants g ON g.device_id = :d""")
                .bind("d", deviceId)
                .map((rs, ctx) -> new DeviceView(
                        rs.getString(1) == null ? Optional.empty() : Optional.of(new Binding(rs.getString(1), rs.getLong(2), rs.getLong(3))),
                        rs.getString(4) == null ? Optional.empty()
                                : Optional.of(new Grant(rs.getString(4), rs.getString(5), rs.getLong(6), rs.getObject(7, Long.class))),
                        Optional.ofNullable(rs.getObject(8, Long.class))))
                .one();
    }

    /** The certificate a device is bound to. */
    public record Binding(String certSha256, long notAfter, long boundAt) {
    }

    /**
     * A permission to bind a new certificate with the next Authenticate.
     *
     * @param expiresAt null: until spent
     */
    public record Grant(String reason, String grantedBy, long grantedAt, Long expiresAt) {
        public boolean activeAt(long now) {
            return expiresAt == null || expiresAt > now;
        }
    }

    Optional<Binding> binding(Handle h, String deviceId) {
        return h.createQuery("SELECT cert_sha256, not_after, bound_at FROM cert_bindings WHERE device_id = :d")
                .bind("d", deviceId).map((rs, ctx) -> new Binding(rs.getString(1), rs.getLong(2), rs.getLong(3))).findOne();
    }

    public Optional<Binding> binding(String deviceId) {
        return jdbi.withHandle(h -> binding(h, deviceId));
    }

    Optional<Grant> grant(Handle h, String deviceId) {
        return h.createQuery("SELECT reason, granted_by, granted_at, expires_at FROM cert_rebind_grants WHERE device_id = :d")
                .bind("d", deviceId)
                .map((rs, ctx) -> new Grant(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getObject(4, Long.class)))
                .findOne();
    }

    public Optional<Grant> grant(String deviceId) {
        return jdbi.withHandle(h -> grant(h, deviceId));
    }

    /** The device an enrollment id (or a device's own id) belongs to, when this server stores it. */
    public Optional<String> deviceOf(String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT device_id FROM enrollments WHERE id = :id
                UNION SELECT id FROM devices WHERE id = :id
                UNION SELECT device_id FROM cert_bindings WHERE device_id = :id""")
                .bind("id", id).mapTo(String.class).findFirst());
    }

    /**
     * Whether this server stores anything of the device: its Authenticate, a channel or a binding.
     * Off the hot path: asked only when a request is about to be refused.
     */
    public boolean knowsDevice(String deviceId) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT (SELECT COUNT(*) FROM devices WHERE id = :d) + (SELECT COUNT(*) FROM enrollments WHERE device_id = :d)
                     + (SELECT COUNT(*) FROM cert_bindings WHERE device_id = :d)""")
                .bind("d", deviceId).mapTo(Long.class).one()) > 0;
    }

    /**
     * When this server first stored anything of the device (its Authenticate or one of its
     * channels), or empty when it has never heard of it.
     */
    Optional<Long> firstStored(Handle h, String deviceId) {
        return h.createQuery("""
                SELECT MIN(t) FROM (
                  SELECT created_at AS t FROM devices WHERE id = :d
                  UNION ALL SELECT created_at AS t FROM enrollments WHERE device_id = :d) stored""")
                .bind("d", deviceId).mapTo(Long.class).findOne();
    }

    public Optional<Long> firstStored(String deviceId) {
        return jdbi.withHandle(h -> firstStored(h, deviceId));
    }

    /**
     * Removes the device's binding (its certificate stops speaking for it at once) and lets its
     * next Authenticate bind a new one. Returns the certificate that was bound, if any.
     */
    public Optional<String> release(String deviceId, String reason, String by) {
        return jdbi.inTransaction(h -> {
            Optional<String> was = binding(h, deviceId).map(Binding::certSha256);
            h.createUpdate("DELETE FROM cert_bindings WHERE device_id = :d").bind("d", deviceId).execute();
            putGrant(h, deviceId, reason, by, null);
            return was;
        });
    }

    /** Lets the device's next Authenticate before expiresAt bind a new certificate; the bound one keeps working meanwhile. */
    public void allowRebind(String deviceId, String reason, String by, long expiresAt) {
        jdbi.useTransaction(h -> putGrant(h, deviceId, reason, by, expiresAt));
    }

    /** Drops the device's grant if it is still the one given for this reason (an unspent grant whose cause went away). */
    public boolean dropGrant(String deviceId, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM cert_rebind_grants WHERE device_id = :d AND reason = :r")
                .bind("d", deviceId).bind("r", reason).execute()) > 0;
    }

    /** Drops a grant unspent: what a migrated Authenticate does, since the device keeps its old identity. */
    void dropGrant(Handle h, String deviceId) {
        h.createUpdate("DELETE FROM cert_rebind_grants WHERE device_id = :d").bind("d", deviceId).execute();
    }

    private void putGrant(Handle h, String deviceId, String reason, String by, Long expiresAt) {
        h.createUpdate("""
                INSERT INTO cert_rebind_grants (device_id, reason, granted_by, granted_at, expires_at)
                VALUES (:d, :reason, :by, :now, :exp)
                ON DUPLICATE KEY UPDATE reason = VALUES(reason), granted_by = VALUES(granted_by),
                granted_at = VALUES(granted_at), expires_at = VALUES(expires_at)""")
                .bind("d", deviceId).bind("reason", reason).bind("by", by).bind("now", clock.millis()).bind("exp", expiresAt)
                .execute();
    }

    /**
     * Binds the certificate to the device in place of {@code replacing}, the certificate the
     * caller saw bound (null: it saw none), and spends the device's re-bind grant; whether it may
     * is the caller's decision. Refuses (returns the other device's id) when the certificate is
     * already bound to another device. When the binding changed since the caller read it (a
     * racing Authenticate or claim won), throws {@link HostStore.ConcurrentEnrollmentException}:
     * the caller retries with a fresh view, so a race never replaces a binding it did not see. hadGrant: the
     * caller saw a grant to spend in this transaction (none seen: no DELETE to run).
     */
    Optional<String> bind(Handle h, String deviceId, String certSha256, long notAfter, String replacing, boolean hadGrant) {
        Optional<String> other = h.createQuery("SELECT device_id FROM cert_bindings WHERE cert_sha256 = :sha")
                .bind("sha", certSha256).mapTo(String.class).findOne().filter(d -> !d.equals(deviceId));
        if (other.isPresent()) {
            return other;
        }
        try {
            if (replacing == null) {
                h.createUpdate("""
                        INSERT INTO cert_bindings (device_id, cert_sha256, not_after, bound_at)
                        VALUES (:d, :sha, :na, :now)""")
                        .bind("d", deviceId).bind("sha", certSha256).bind("na", notAfter).bind("now", clock.millis())
                        .execute();
            } else {
                int changed = h.createUpdate("""
                        UPDATE cert_bindings SET cert_sha256 = :sha, not_after = :na, bound_at = :now
                        WHERE device_id = :d AND cert_sha256 = :old""")
                        .bind("d", deviceId).bind("sha", certSha256).bind("na", notAfter).bind("now", clock.millis())
                        .bind("old", replacing).execute();
                if (changed == 0) {
                    throw new HostStore.ConcurrentEnrollmentException(null);
                }
            }
        } catch (UnableToExecuteStatementException e) {
            if (Sql.isDuplicateKey(e)) {
                throw new HostStore.ConcurrentEnrollmentException(e);
            }
            throw e;
        }
        if (hadGrant) {
            dropGrant(h, deviceId);
        }
        return Optional.empty();
    }
}

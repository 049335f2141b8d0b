package dev.jmdm.server.storage;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** APNs push certificates by topic. The key column holds whatever the caller gives (encrypted at rest by the caller). */
public final class PushCertStore {
    private final Jdbi jdbi;
    private final Clock clock;

    public PushCertStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public record StoredPushCert(String topic, String certPem, String keyPem, long notAfter, long updatedAt) {
    }

    public void store(String topic, String certPem, String keyPem, long notAfter) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO push_certs (topic, cert_pem, key_pem, not_after, updated_at) VALUES (:t, :c, :k, :na, :now)
                ON DUPLICATE KEY UPDATE cert_pem = VALUES(cert_pem), key_pem = VALUES(key_pem), not_after = VALUES(not_after),
                updated_at = VALUES(updated_at)""")
                .bind("t", topic).bind("c", certPem).bind("k", keyPem).bind("na", notAfter).bind("now", clock.millis())
                .execute());
    }

    public Optional<StoredPushCert> find(String topic) {
        return jdbi.withHandle(h -> h.createQuery("SELECT topic, cert_pem, key_pem, not_after, updated_at FROM push_certs WHERE topic = :t")
                .bind("t", topic)
                .map((rs, ctx) -> new StoredPushCert(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)))
                .findOne());
    }

    /** Each topic's last upload time: a cheap look for changes made through other servers. */
    public java.util.Map<String, Long> versions() {
        return jdbi.withHandle(h -> h.createQuery("SELECT topic, updated_at FROM push_certs")
                .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getLong(2)))
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
    }

    public List<StoredPushCert> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT topic, cert_pem, key_pem, not_after, updated_at FROM push_certs ORDER BY topic")
                .map((rs, ctx) -> new StoredPushCert(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)))
                .list());
    }

    /**
     * How many devices (device channels and their users counted once) use each push topic among enabled enrollments:
     * what a certificate for another topic would cut off. A full scan of enrollments, run only when a certificate
     * for a topic not stored yet is uploaded.
     */
    public java.util.Map<String, Long> devicesByTopic() {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT topic, COUNT(DISTINCT device_id) FROM enrollments WHERE enabled = TRUE GROUP BY topic ORDER BY topic")
                .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getLong(2)))
                .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue,
                        (a, b) -> a, java.util.LinkedHashMap::new)));
    }
}

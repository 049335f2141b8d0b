package dev.jmdm.server.scep;

import dev.jmdm.server.device.IssuedIdentities;
import java.util.List;
import java.util.Optional;
import dev.jmdm.server.storage.BindingTransaction;
import dev.jmdm.server.storage.CertBindingStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Every certificate the SCEP server issued, and the device each one came to speak for. */
public final class IssuedCertificateStore implements IssuedIdentities {
    /** A row of {@code scep_certificates}. */
    record Row(String serial, String certSha256, String subject, long notBefore, long notAfter, long issuedAt, String messageType,
            String transactionId, String linkId, String forDevice, String adeDevice, String renewsSha256, String udid, Long revokedAt,
            String challengeSha256) {
    }

    private static final String COLUMNS = "serial, cert_sha256, subject, not_before, not_after, issued_at, message_type, "
            + "transaction_id, link_id, for_device, ade_device, renews_sha256, udid, revoked_at, challenge_sha256";

    private final Jdbi jdbi;

    IssuedCertificateStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Inserts the row with the certificate itself ({@code der}), which a resent request is answered with. */
    void insert(Handle h, Row r, byte[] der) {
        h.createUpdate("INSERT INTO scep_certificates (" + COLUMNS + ", cert_der) VALUES (:serial, :sha, :subject, :nb, :na, :at, :type, "
                        + ":tx, :link, :forDevice, :ade, :renews, :udid, NULL, :challenge, :der)")
                .bind("serial", r.serial()).bind("sha", r.certSha256()).bind("subject", r.subject()).bind("nb", r.notBefore())
                .bind("na", r.notAfter()).bind("at", r.issuedAt()).bind("type", r.messageType()).bind("tx", r.transactionId())
                .bind("link", r.linkId()).bind("forDevice", r.forDevice()).bind("ade", r.adeDevice()).bind("renews", r.renewsSha256())
                .bind("udid", r.udid()).bind("challenge", r.challengeSha256()).bind("der", der).execute();
    }

    /** Spends a challenge inside the transaction that records the certificate it allows. */
    @FunctionalInterface
    interface Spend {
        ScepChallenges.Grant spend(Handle h) throws ScepChallenges.Refused;
    }

    /**
     * Records a new certificate allowed by a challenge, spending the challenge in the same transaction: a refusal
     * or a failure to record spends nothing.
     *
     * @param row the certificate's row, given what the challenge was minted for
     */
    void recordSpending(Spend spend, java.util.function.Function<ScepChallenges.Grant, Row> row, byte[] der) throws ScepChallenges.Refused {
        try {
            jdbi.useTransaction(h -> {
                ScepChallenges.Grant grant;
                try {
                    grant = spend.spend(h);
                } catch (ScepChallenges.Refused e) {
                    throw new RefusalCarrier(e);
                }
                insert(h, row.apply(grant), der);
            });
        } catch (RefusalCarrier e) {
            throw e.refused;
        }
    }

    /** Carries a refused challenge out of the transaction, which it rolls back. */
    private static final class RefusalCarrier extends RuntimeException {
        final ScepChallenges.Refused refused;

        RefusalCarrier(ScepChallenges.Refused refused) {
            super(refused.getMessage(), null, false, false);
            this.refused = refused;
        }
    }

    /** Records a renewal's certificate (no challenge: the RenewalReq was signed by the certificate it renews). */
    void record(Row r, byte[] der) {
        jdbi.useHandle(h -> insert(h, r, der));
    }

    /**
     * The certificates (DER) a resent request may be answered with: issued under this transactionID by the same
     * kind of request, neither revoked nor expired, and allowed by the same one-time challenge (a PKCSReq) or
     * renewing the same certificate (a RenewalReq). The caller compares their keys with the request's. Rows
     * recorded before their certificate was kept (V23) have none and are never sent again.
     */
    List<byte[]> issuedUnder(String transactionId, String messageType, String challengeSha256, String renewsSha256, long now) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT cert_der FROM scep_certificates
                WHERE transaction_id = :tx AND message_type = :type AND revoked_at IS NULL AND not_after > :now
                  AND cert_der IS NOT NULL AND (challenge_sha256 = :challenge OR renews_sha256 = :renews)
                ORDER BY issued_at""")
                .bind("tx", transactionId).bind("type", messageType).bind("now", now).bind("challenge", challengeSha256)
                .bind("renews", renewsSha256).mapTo(byte[].class).list());
    }

    /** A bound, unrevoked certificate issued here that ends within the renewal window and has no renewal queued. */
    record DueRenewal(String serial, String udid, long notAfter) {
    }

    /** Up to {@code batch} certificates ending after now and by {@code dueBy}, soonest first. */
    List<DueRenewal> dueForRenewal(long now, long dueBy, int batch) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT c.serial, c.udid, c.not_after FROM scep_certificates c
                JOIN cert_bindings b ON b.cert_sha256 = c.cert_sha256 AND b.device_id = c.udid
                WHERE c.revoked_at IS NULL AND c.renewal_queued_at IS NULL AND c.not_after <= :due AND c.not_after > :now
                ORDER BY c.not_after LIMIT :batch""")
                .bind("due", dueBy).bind("now", now).bind("batch", batch)
                .map((rs, ctx) -> new DueRenewal(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
    }

    /** Claims a certificate's renewal for this server; false when another server claimed it first. */
    boolean claimRenewal(String serial, long now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE scep_certificates SET renewal_queued_at = :now WHERE serial = :s AND renewal_queued_at IS NULL""")
                .bind("now", now).bind("s", serial).execute()) == 1;
    }

    Optional<Row> bySha256(String sha256) {
        return jdbi.withHandle(h -> bySha256(h, sha256));
    }

    private static Optional<Row> bySha256(Handle h, String sha256) {
        return h.createQuery("SELECT " + COLUMNS + " FROM scep_certificates WHERE cert_sha256 = :sha").bind("sha", sha256)
                .map(IssuedCertificateStore::map).findOne();
    }

    /** The certificates of every device channel of a host, newest first. */
    List<Row> forHost(long hostId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM scep_certificates "
                        + "WHERE udid IN (SELECT d.id FROM devices d WHERE d.host_id = :h) ORDER BY issued_at DESC, serial")
                .bind("h", hostId).map(IssuedCertificateStore::map).list());
    }

    @Override
    public Optional<Issued> find(BindingTransaction tx, String certSha256) {
        Handle h = CertBindingStore.handleOf(tx);
        return bySha256(h, certSha256).map(r -> new Issued(r.certSha256(), r.linkId(), r.forDevice(), r.adeDevice(), r.renewsSha256(),
                r.udid(), r.revokedAt() != null));
    }

    @Override
    public void attach(BindingTransaction tx, String certSha256, String deviceId) {
        Handle h = CertBindingStore.handleOf(tx);
        h.createUpdate("UPDATE scep_certificates SET udid = :d WHERE cert_sha256 = :sha AND udid IS NULL")
                .bind("d", deviceId).bind("sha", certSha256).execute();
    }

    /**
     * Revokes, inside the caller's transaction, every certificate issued here to a device of the host (the ones it
     * authenticated with, and the one still bound to it): forgetting a host must not leave an identity that could
     * enroll it again as if nothing happened. Runs before the host's devices and bindings are deleted.
     */
    public static void revokeForHost(Handle h, long hostId, long now) {
        h.createUpdate("""
                UPDATE scep_certificates SET revoked_at = :now
                WHERE revoked_at IS NULL AND (udid IN (SELECT d.id FROM devices d WHERE d.host_id = :h)
                   OR cert_sha256 IN (SELECT b.cert_sha256 FROM cert_bindings b
                                      WHERE b.device_id IN (SELECT d.id FROM devices d WHERE d.host_id = :h)))""")
                .bind("now", now).bind("h", hostId).execute();
    }

    private static Row map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                rs.getObject(14, Long.class), rs.getString(15));
    }
}

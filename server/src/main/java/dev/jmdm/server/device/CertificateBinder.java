package dev.jmdm.server.device;

import dev.jmdm.server.protocol.EnrollmentId;
import dev.jmdm.server.storage.BindingTransaction;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.HostStore;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which certificate speaks for which device. User channels are checked against their
 * device's binding: a user channel rides on the device's identity.
 *
 * <p>Any certificate that chains to a trusted CA is not proof of being a particular device: the
 * open {@code /mdm/enroll} hands one to whoever asks, and a UDID is no secret. So a device that
 * is bound to a certificate still valid keeps it, and an Authenticate naming that device with
 * another certificate is refused (nanomdm likewise refuses a certificate that does not match
 * its enrollment). A new certificate may take over an existing device only when
 * <ul>
 * <li>the bound certificate has expired (it can no longer speak for anyone);</li>
 * <li>the new certificate was issued by this server's SCEP through the enrollment link the bound certificate
 * came from, for this device (a renewal, or the device's Setup Assistant enrollment: a challenge bound to the UDID
 * of a MachineInfo Apple signed), or as the renewal of the bound certificate, and no other device has used it
 * ({@link IssuedIdentities}): a wiped device that installs a new profile from its link, or that Setup Assistant
 * enrolls again, comes back by itself, while another link's certificate is no claim on it. A certificate minted for
 * one device never speaks for another, known or not. A revoked one (its host was deleted) is refused as unknown;</li>
 * <li>the device holds a re-bind grant: it checked out with its bound certificate (the profile
 * was removed; re-enrolling is next), an admin released the binding, or an admin opened a
 * renewal window;</li>
 * <li>the device was stored without any certificate (moved in through /migration) and the
 * certificate could be the one it had before: not issued by this server's own enrollment CA, and
 * issued no later than the device arrived here. Such a first claim is allowed on any request.</li>
 * </ul>
 * A device this server has never stored is bound by its first Authenticate. Refusals are
 * {@link DeviceAuthException} (403) and a WARN naming the enrollment and the certificate; only a
 * request naming a device this server does not know at all, with a certificate bound to no other
 * device, is told to unenroll ({@link DeviceAuthException#unrecognized}).
 */
public final class CertificateBinder {
    /** What an accepted Authenticate did to the device's binding. */
    public enum Bind {
        /** The certificate was already the device's: the same enrollment continues. */
        SAME,
        /** A device with no binding yet: never seen, or moved in through /migration. */
        FIRST,
        /** An admin's renewal window: the same enrollment with a new identity. */
        RENEWED,
        /**
         * A new enrollment of a known device: after CheckOut, an admin release, a wipe this server
         * sent, or the bound certificate's expiry. Nothing of the old enrollment may carry over.
         */
        NEW_ENROLLMENT
    }

    private static final Logger LOG = LoggerFactory.getLogger(CertificateBinder.class);
    private static final int CLAIM_ATTEMPTS = 3;
    /** The grant reason of an admin's renewal window, the one re-bind that continues the same enrollment. */
    public static final String RENEWAL = "renewal";

    private final CertBindingStore bindings;
    private final X509Certificate enrollmentCa;
    private final Clock clock;
    private final IssuedIdentities issued;

    /**
     * @param enrollmentCa the CA that issues the identities in {@code /mdm/enroll} profiles, or null when the server
     *        issues none; its certificates never claim a migrated device
     */
    public CertificateBinder(CertBindingStore bindings, X509Certificate enrollmentCa, Clock clock) {
        this(bindings, enrollmentCa, clock, IssuedIdentities.NONE);
    }

    /**
     * @param issued what this server's SCEP issued: such a certificate minted for an enrollment link, for this
     *        device, or as the renewal of its bound certificate re-binds the device with no admin step (a wiped
     *        device comes back by itself); a revoked one is refused as an unknown identity
     */
    public CertificateBinder(CertBindingStore bindings, X509Certificate enrollmentCa, Clock clock, IssuedIdentities issued) {
        this.bindings = bindings;
        this.enrollmentCa = enrollmentCa;
        this.clock = clock;
        this.issued = issued;
    }

    /**
     * Returns what the one look-up found (the enrollment's last-seen time, null when it has no row yet, and whether
     * the device has Authenticated) after checking that the request's certificate is the device's, binding it when
     * this is a migrated device's first claim.
     */
    public CertBindingStore.Lookup authorize(EnrollmentId id, RequestIdentity identity) {
        for (int attempt = 1; ; attempt++) {
            CertBindingStore.Lookup found = bindings.lookup(identity.certSha256(), id.id(), id.deviceId());
            if (id.deviceId().equals(found.boundDeviceId())) {
                return found;
            }
            if (found.boundDeviceId() != null) {
                throw refuse(id, identity, "certificate is bound to another device");
            }
            if (found.enrollmentLastSeen() == null) {
                break;
            }
            try {
                String refusal = claimMigrated(id, identity);
                if (refusal != null) {
                    throw refuse(id, identity, refusal);
                }
                LOG.info("bound certificate {} to {} on its first request (moved in without a certificate)",
                        identity.certSha256(), id.deviceId());
                return found;
            } catch (HostStore.ConcurrentEnrollmentException e) {
                // Two first requests of one device at once: the next look finds the winner's binding.
                if (attempt >= CLAIM_ATTEMPTS) {
                    throw e;
                }
            }
        }
        if (!bindings.knowsDevice(id.deviceId())) {
            // Never enrolled, or its host was deleted: Apple's way to make such a device unenroll.
            LOG.warn("refused certificate {} for enrollment {}: unknown device, told to unenroll", identity.certSha256(), id.id());
            throw DeviceAuthException.unrecognized("enrollment " + id.id() + " is unknown to this server; the device must enroll again");
        }
        throw refuse(id, identity, "certificate is not bound to enrollment " + id.id() + "; the device must Authenticate first");
    }

    /** Binds the certificate to a device moved in without one, or says why it may not. */
    private String claimMigrated(EnrollmentId id, RequestIdentity identity) {
        return bindings.inBindingTransaction(tx -> {
            long now = clock.millis();
            if (tx.binding(id.deviceId()).isPresent()) {
                return "certificate is not bound to enrollment " + id.id() + ", which is bound to another certificate";
            }
            if (tx.grant(id.deviceId()).filter(g -> g.activeAt(now)).isPresent()) {
                return "device " + id.deviceId() + " was released or checked out; it must Authenticate first";
            }
            Optional<Long> arrived = tx.firstStored(id.deviceId());
            String refusal = arrived.isEmpty() ? "the device must Authenticate first" : migratedClaimRefusal(identity, arrived.get());
            if (refusal != null) {
                return refusal;
            }
            return tx.bind(id.deviceId(), identity.certSha256(), identity.notAfterMillis(), null)
                    .map(other -> "certificate is bound to another device").orElse(null);
        });
    }

    /**
     * Binds the Authenticate's certificate to its device inside the store's transaction, or
     * throws when the policy above refuses it (the store then rolls back, so nothing is stored).
     * A racing Authenticate that changed the binding first ends this one with
     * {@link HostStore.ConcurrentEnrollmentException}, which the store retries.
     */
    public Bind bindOnAuthenticate(BindingTransaction tx, EnrollmentId id, RequestIdentity identity) {
        String device = id.deviceId();
        long now = clock.millis();
        Optional<IssuedIdentities.Issued> ours = issued.find(tx, identity.certSha256());
        if (ours.isPresent() && ours.get().revoked()) {
            LOG.warn("refused certificate {} for enrollment {}: revoked (its host was deleted), told to unenroll",
                    identity.certSha256(), id.id());
            throw DeviceAuthException.unrecognized("the certificate was revoked by this server; the device must enroll again");
        }
        if (ours.isPresent() && ours.get().boundElsewhere(device)) {
            throw refuse(id, identity, "the certificate was issued here for device " + ours.get().forDevice()
                    + (ours.get().adeDevice() == null ? "" : " (ADE serial " + ours.get().adeDevice() + ")") + ", not for " + device);
        }
        Optional<CertBindingStore.Binding> bound = tx.binding(device);
        if (bound.isPresent() && bound.get().certSha256().equals(identity.certSha256())) {
            return Bind.SAME;
        }
        Optional<CertBindingStore.Grant> grant = tx.grant(device).filter(g -> g.activeAt(now));
        String rebind;
        Bind outcome;
        if (bound.isPresent() && bound.get().notAfter() <= now) {
            rebind = "the bound certificate " + bound.get().certSha256() + " has expired";
            outcome = Bind.NEW_ENROLLMENT;
        } else if (grant.isPresent()) {
            rebind = "re-bind grant (" + grant.get().reason() + (grant.get().grantedBy() == null ? "" : " by " + grant.get().grantedBy()) + ")";
            outcome = RENEWAL.equals(grant.get().reason()) ? Bind.RENEWED : Bind.NEW_ENROLLMENT;
        } else if (bound.isPresent() && ours.filter(i -> i.mayRebind(device, bound.get().certSha256(), linkOf(tx, bound.get()))).isPresent()) {
            boolean renewal = ours.get().renews(device, bound.get().certSha256());
            rebind = "issued here by SCEP " + (renewal ? "to renew the bound certificate"
                    : ours.get().adeDevice() != null ? "for this device's Setup Assistant enrollment (ADE serial " + ours.get().adeDevice() + ")"
                    : "for enrollment link " + ours.get().linkId());
            outcome = renewal ? Bind.RENEWED : Bind.NEW_ENROLLMENT;
        } else if (bound.isPresent()) {
            throw refuse(id, identity, "enrollment " + id.id() + " is bound to another certificate that is still valid;"
                    + " an admin must release it (DELETE /v1/enrollments/" + device + "/certificate) or open a renewal first");
        } else {
            Optional<Long> arrived = tx.firstStored(device);
            String refusal = arrived.isEmpty() ? null : migratedClaimRefusal(identity, arrived.get());
            if (refusal != null) {
                throw refuse(id, identity, refusal);
            }
            rebind = null;
            outcome = Bind.FIRST;
        }
        String replacing = bound.map(CertBindingStore.Binding::certSha256).orElse(null);
        if (tx.bind(device, identity.certSha256(), identity.notAfterMillis(), replacing).isPresent()) {
            throw refuse(id, identity, "certificate is already bound to another device");
        }
        if (ours.isPresent()) {
            issued.attach(tx, identity.certSha256(), device);
        }
        if (rebind != null) {
            LOG.info("re-bound {} to certificate {}: {}", device, identity.certSha256(), rebind);
        }
        return outcome;
    }

    /** The enrollment link the bound certificate was issued through by this server's SCEP, or null. */
    private String linkOf(BindingTransaction tx, CertBindingStore.Binding binding) {
        return issued.find(tx, binding.certSha256()).map(IssuedIdentities.Issued::linkId).orElse(null);
    }

    /** Why the certificate may not be a migrated device's old one, or null when it may. */
    private String migratedClaimRefusal(RequestIdentity identity, long arrivedAt) {
        if (enrollmentCa != null && issuedBy(identity.certificate(), enrollmentCa)) {
            return "device was moved in without a certificate, and this server's enrollment CA cannot have issued the one it had";
        }
        if (identity.notBeforeMillis() > arrivedAt) {
            return "device was moved in without a certificate, and this certificate is newer than the move";
        }
        return null;
    }

    private static boolean issuedBy(X509Certificate cert, X509Certificate ca) {
        if (!cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            cert.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static DeviceAuthException refuse(EnrollmentId id, RequestIdentity identity, String why) {
        LOG.warn("refused certificate {} for enrollment {}: {}", identity.certSha256(), id.id(), why);
        return new DeviceAuthException(why);
    }
}

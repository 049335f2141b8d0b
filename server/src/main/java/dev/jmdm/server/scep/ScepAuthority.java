package dev.jmdm.server.scep;

import dev.jmdm.server.identity.CertificateFingerprint;
import dev.jmdm.server.tls.PemIdentity;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides a PKCSReq or RenewalReq and answers it with a CertRep. A PKCSReq needs a valid challenge: one minted
 * for a profile (spent by this request) or the admin's static one. A RenewalReq is signed by a certificate this
 * server issued that is neither expired nor revoked, and inherits whom that one was for. The challenge is spent
 * and the certificate recorded in one transaction, so a refusal issues and spends nothing. A request sent again
 * because its answer was lost is answered with the certificate it already got ({@link #issuedBefore}).
 */
final class ScepAuthority {
    private static final Logger LOG = LoggerFactory.getLogger(ScepAuthority.class);
    static final int MIN_RSA_BITS = 2048;
    /** The column's width; a subject longer than this is no device's name. */
    static final int MAX_SUBJECT = 1024;

    private final PemIdentity ca;
    private final ScepChallenges challenges;
    private final IssuedCertificateStore issued;
    private final CertRepEncoder encoder;
    private final Duration validity;
    private final Clock clock;

    ScepAuthority(PemIdentity ca, ScepChallenges challenges, IssuedCertificateStore issued, Duration validity, Clock clock) {
        this.ca = ca;
        this.challenges = challenges;
        this.issued = issued;
        this.encoder = new CertRepEncoder(ca);
        this.validity = validity;
        this.clock = clock;
    }

    /** The CertRep for the request. */
    byte[] answer(PkiRequest request) {
        if (request.failure() != null) {
            return refuse(request, request.failure(), request.failureText());
        }
        PKCS10CertificationRequest csr = request.csr();
        String problem = csrProblem(csr);
        if (problem != null) {
            return refuse(request, problem.startsWith("the request's signature") ? ScepAttributes.FailInfo.BAD_MESSAGE_CHECK
                    : ScepAttributes.FailInfo.BAD_REQUEST, problem);
        }
        Optional<IssuedCertificateStore.Row> renews = Optional.empty();
        String type = request.type() == ScepAttributes.MessageType.RENEWAL_REQ ? "RenewalReq" : "PKCSReq";
        if (request.type() == ScepAttributes.MessageType.RENEWAL_REQ) {
            renews = renewable(request.signer());
            if (renews.isEmpty()) {
                return refuse(request, ScepAttributes.FailInfo.BAD_MESSAGE_CHECK,
                        "a RenewalReq must be signed by a current certificate this server issued");
            }
            Optional<X509Certificate> earlier = issuedBefore(request, type, null, renews.get().certSha256());
            if (earlier.isPresent()) {
                return resend(request, earlier.get());
            }
        }
        X509Certificate cert;
        byte[] der;
        try {
            PublicKey key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
            cert = DeviceCertificates.issue(ca, key, csr.getSubject(), clock.instant(), validity);
            der = cert.getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            return refuse(request, ScepAttributes.FailInfo.BAD_ALG, "the request's public key cannot be read: " + e.getMessage());
        }
        if (cert.getSubjectX500Principal().getName().length() > MAX_SUBJECT) {
            return refuse(request, ScepAttributes.FailInfo.BAD_REQUEST, "the request's subject is longer than " + MAX_SUBJECT + " characters");
        }
        String sha = CertificateFingerprint.sha256Hex(cert);
        Optional<IssuedCertificateStore.Row> renewed = renews;
        java.util.function.BiFunction<ScepChallenges.Grant, String, IssuedCertificateStore.Row> row = (grant, challengeSha) ->
                new IssuedCertificateStore.Row(cert.getSerialNumber().toString(16), sha, cert.getSubjectX500Principal().getName(),
                        cert.getNotBefore().getTime(), cert.getNotAfter().getTime(), clock.millis(), type, request.transactionId(),
                        grant.linkId(), grant.forDevice(), grant.adeDevice(), renewed.map(IssuedCertificateStore.Row::certSha256).orElse(null),
                        renewed.map(IssuedCertificateStore.Row::udid).orElse(null), null, challengeSha);
        if (renews.isPresent()) {
            // A renewal continues the enrollment the signing certificate was issued for.
            IssuedCertificateStore.Row old = renews.get();
            issued.record(row.apply(new ScepChallenges.Grant(null, old.linkId(), old.forDevice(), old.adeDevice()), null), der);
        } else {
            String challenge = null;
            try {
                challenge = challenge(csr);
                String challengeSha = ScepChallenges.sha256(challenge);
                // The static challenge is never spent, so no retransmission needs its hash: better not to keep one of the admin's secret.
                issued.recordSpending(challenges.spender(challenge),
                        grant -> row.apply(grant, ScepChallenges.STATIC.equals(grant.purpose()) ? null : challengeSha), der);
            } catch (ScepChallenges.Refused e) {
                if (e.spent) {
                    Optional<X509Certificate> earlier = issuedBefore(request, type, ScepChallenges.sha256(challenge), null);
                    if (earlier.isPresent()) {
                        return resend(request, earlier.get());
                    }
                }
                return refuse(request, ScepAttributes.FailInfo.BAD_REQUEST, e.getMessage());
            }
        }
        LOG.info("SCEP {} {}: issued certificate {} ({}) until {}", request.type(), request.transactionId(), sha,
                cert.getSubjectX500Principal().getName(), cert.getNotAfter().toInstant());
        return encoder.success(request, cert);
    }

    /**
     * The certificate already issued for this request when it is a retransmission (RFC 8894: a client that got no
     * answer sends the request again under the same transactionID): same transactionID, same public key, and the
     * same challenge (PKCSReq) or the same signing certificate (RenewalReq). Anything else is a new request.
     */
    private Optional<X509Certificate> issuedBefore(PkiRequest request, String type, String challengeSha, String renewsSha) {
        byte[] key;
        try {
            // Through JCA, as the certificate's key was: one encoding on both sides.
            key = new JcaPKCS10CertificationRequest(request.csr()).getPublicKey().getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            return Optional.empty();
        }
        for (byte[] der : issued.issuedUnder(request.transactionId(), type, challengeSha, renewsSha, clock.millis())) {
            try {
                X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(der));
                if (java.util.Arrays.equals(cert.getPublicKey().getEncoded(), key)) {
                    return Optional.of(cert);
                }
            } catch (java.security.cert.CertificateException e) {
                LOG.warn("SCEP {}: a stored certificate does not parse: {}", request.transactionId(), e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Answers a retransmission with the certificate its first sending got: a new CertRep for this nonce, nothing issued. */
    private byte[] resend(PkiRequest request, X509Certificate cert) {
        LOG.info("SCEP {} {} resent: answered again with certificate {} ({}), nothing issued", request.type(), request.transactionId(),
                CertificateFingerprint.sha256Hex(cert), cert.getSubjectX500Principal().getName());
        return encoder.success(request, cert);
    }

    private byte[] refuse(PkiRequest request, ScepAttributes.FailInfo info, String why) {
        LOG.warn("SCEP {} {} refused ({}): {}", request.type() == null ? "request" : request.type(), request.transactionId(), info, why);
        return encoder.failure(request, info, why);
    }

    /** Proof of possession, key strength and subject; null when the request is acceptable. */
    private static String csrProblem(PKCS10CertificationRequest csr) {
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(csr);
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                return "the request's signature does not verify with its own key";
            }
            PublicKey key = jca.getPublicKey();
            if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                return "an RSA key of " + rsa.getModulus().bitLength() + " bits is too short; use at least " + MIN_RSA_BITS;
            }
            if (!"RSA".equals(key.getAlgorithm()) && !"EC".equals(key.getAlgorithm())) {
                return "a " + key.getAlgorithm() + " key is not supported; use RSA or EC";
            }
        } catch (Exception e) {
            return "the request's signature does not verify: " + e.getMessage();
        }
        X500Name subject = csr.getSubject();
        if (subject.getRDNs().length == 0) {
            return "the request has an empty subject; name the device (e.g. CN=%HardwareUUID%)";
        }
        if (subject.toString().length() > MAX_SUBJECT) {
            return "the request's subject is longer than " + MAX_SUBJECT + " characters";
        }
        return null;
    }

    /** The request's challengePassword attribute (PKCS#9), or null. */
    private static String challenge(PKCS10CertificationRequest csr) throws ScepChallenges.Refused {
        var attributes = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_challengePassword);
        if (attributes.length != 1 || attributes[0].getAttrValues().size() != 1) {
            throw new ScepChallenges.Refused("the request carries no challengePassword");
        }
        ASN1Encodable value = attributes[0].getAttrValues().getObjectAt(0);
        if (!(value instanceof ASN1String s)) {
            throw new ScepChallenges.Refused("the challengePassword is not a string");
        }
        return s.getString();
    }

    /** The stored row of a RenewalReq's signer when it is a current, unrevoked certificate issued by this CA. */
    private Optional<IssuedCertificateStore.Row> renewable(X509CertificateHolder signer) {
        try {
            X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(signer);
            cert.verify(ca.certificate().getPublicKey());
            cert.checkValidity(java.util.Date.from(clock.instant()));
            return issued.bySha256(CertificateFingerprint.sha256Hex(cert)).filter(r -> r.revokedAt() == null);
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}

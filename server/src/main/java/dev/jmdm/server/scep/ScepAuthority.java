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
 * and the certificate recorded in one transaction, so a refusal issues and spends nothing.
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
        if (request.type() == ScepAttributes.MessageType.RENEWAL_REQ) {
            renews = renewable(request.signer());
            if (renews.isEmpty()) {
                return refuse(request, ScepAttributes.FailInfo.BAD_MESSAGE_CHECK,
                        "a RenewalReq must be signed by a current certificate this server issued");
            }
        }
        X509Certificate cert;
        try {
            PublicKey key = new JcaPKCS10CertificationRequest(csr).getPublicKey();
            cert = DeviceCertificates.issue(ca, key, csr.getSubject(), clock.instant(), validity);
        } catch (java.security.GeneralSecurityException e) {
            return refuse(request, ScepAttributes.FailInfo.BAD_ALG, "the request's public key cannot be read: " + e.getMessage());
        }
        if (cert.getSubjectX500Principal().getName().length() > MAX_SUBJECT) {
            return refuse(request, ScepAttributes.FailInfo.BAD_REQUEST, "the request's subject is longer than " + MAX_SUBJECT + " characters");
        }
        String sha = CertificateFingerprint.sha256Hex(cert);
        Optional<IssuedCertificateStore.Row> renewed = renews;
        java.util.function.Function<ScepChallenges.Grant, IssuedCertificateStore.Row> row = grant -> new IssuedCertificateStore.Row(
                cert.getSerialNumber().toString(16), sha, cert.getSubjectX500Principal().getName(), cert.getNotBefore().getTime(),
                cert.getNotAfter().getTime(), clock.millis(),
                request.type() == ScepAttributes.MessageType.RENEWAL_REQ ? "RenewalReq" : "PKCSReq", request.transactionId(),
                grant.linkId(), grant.forDevice(), grant.adeDevice(), renewed.map(IssuedCertificateStore.Row::certSha256).orElse(null),
                renewed.map(IssuedCertificateStore.Row::udid).orElse(null), null);
        if (renews.isPresent()) {
            // A renewal continues the enrollment the signing certificate was issued for.
            IssuedCertificateStore.Row old = renews.get();
            issued.record(row.apply(new ScepChallenges.Grant(null, old.linkId(), old.forDevice(), old.adeDevice())));
        } else {
            try {
                issued.recordSpending(challenges.spender(challenge(csr)), row);
            } catch (ScepChallenges.Refused e) {
                return refuse(request, ScepAttributes.FailInfo.BAD_REQUEST, e.getMessage());
            }
        }
        LOG.info("SCEP {} {}: issued certificate {} ({}) until {}", request.type(), request.transactionId(), sha,
                cert.getSubjectX500Principal().getName(), cert.getNotAfter().toInstant());
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

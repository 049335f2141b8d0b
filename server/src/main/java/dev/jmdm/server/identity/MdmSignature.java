package dev.jmdm.server.identity;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * The {@code Mdm-Signature} header: base64 of a detached CMS SignedData over the exact request body, with the
 * device's identity certificate inside. Apple sends it when the enrollment profile sets {@code SignMessage}; see
 * <a href="https://developer.apple.com/documentation/devicemanagement/implementing-device-management">Apple's MDM
 * documentation</a>.
 *
 * <p>Real devices encode it in BER with indefinite lengths and, on older systems, sign with SHA-1 and no signed
 * attributes; both are accepted. This proves only that the signer holds the certificate's key and signed this
 * body; whether to trust the certificate is {@link DeviceCertificateValidator}'s job.
 */
final class MdmSignature {
    /** Digests devices use (SHA-1 on older systems); MD5 and MD2 are refused. */
    private static final Set<String> ACCEPTED_DIGESTS = Set.of(
            OIWObjectIdentifiers.idSHA1.getId(),
            NISTObjectIdentifiers.id_sha224.getId(),
            NISTObjectIdentifiers.id_sha256.getId(),
            NISTObjectIdentifiers.id_sha384.getId(),
            NISTObjectIdentifiers.id_sha512.getId());
    private static final Set<String> REFUSED_SIGNATURE_ALGORITHMS = Set.of(
            PKCSObjectIdentifiers.md2WithRSAEncryption.getId(),
            PKCSObjectIdentifiers.md5WithRSAEncryption.getId());

    /**
     * The signer's certificate and the other certificates the CMS carried (intermediates, for chain building).
     */
    record Signed(X509Certificate signer, List<X509Certificate> otherCertificates) {
        Signed {
            otherCertificates = List.copyOf(otherCertificates);
        }
    }

    private MdmSignature() {
    }

    /**
     * Checks that {@code headerValue} is a CMS signature over exactly {@code body} by the certificate it carries.
     *
     * @throws IdentityException when the header is not base64, not CMS SignedData, has no single signer, lacks the
     *         signer's certificate, or its signature does not cover this body
     */
    static Signed verify(String headerValue, byte[] body) {
        CMSSignedData cms = parse(headerValue, body == null ? new byte[0] : body);
        try {
            return check(cms);
        } catch (IdentityException e) {
            throw e;
        } catch (RuntimeException e) {
            // BouncyCastle decodes signer infos and certificates lazily, so a malformed one surfaces only here, as any of
            // several runtime exceptions. It is the client's bad header, not a server fault.
            // The answer names no BouncyCastle class; the cause stays attached for debugging.
            throw new IdentityException("Mdm-Signature is not well-formed CMS SignedData (a malformed signer info or certificate)", e);
        }
    }

    private static Signed check(CMSSignedData cms) {
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            throw new IdentityException("Mdm-Signature has no signer");
        }
        if (signers.size() > 1) {
            // Devices sign with one identity; with several we could not say which one is the device.
            throw new IdentityException("Mdm-Signature has " + signers.size() + " signers, expected one");
        }
        SignerInformation signer = signers.iterator().next();
        if (!ACCEPTED_DIGESTS.contains(signer.getDigestAlgOID())
                || REFUSED_SIGNATURE_ALGORITHMS.contains(signer.getEncryptionAlgOID())) {
            throw new IdentityException("Mdm-Signature uses a digest we do not accept (" + signer.getDigestAlgOID()
                    + " / " + signer.getEncryptionAlgOID() + ")");
        }

        @SuppressWarnings("unchecked")
        Store<X509CertificateHolder> store = cms.getCertificates();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new IdentityException("Mdm-Signature does not include the signer's certificate");
        }
        X509CertificateHolder signerHolder = matches.iterator().next();
        X509Certificate signerCert = toX509(signerHolder);

        boolean valid;
        try {
            valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(X509Certificates.PROVIDER).build(signerCert));
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            throw new IdentityException("Mdm-Signature does not verify (" + describe(signerCert) + "): " + e.getMessage(), e);
        }
        if (!valid) {
            throw new IdentityException("Mdm-Signature does not verify over the request body (" + describe(signerCert) + ")");
        }

        List<X509Certificate> others = new ArrayList<>();
        for (X509CertificateHolder holder : store.getMatches(null)) {
            if (!holder.equals(signerHolder)) {
                others.add(toX509(holder));
            }
        }
        return new Signed(signerCert, others);
    }

    private static CMSSignedData parse(String headerValue, byte[] body) {
        if (headerValue == null || headerValue.isBlank()) {
            throw new IdentityException("Mdm-Signature is empty");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(headerValue.strip());
        } catch (IllegalArgumentException e) {
            throw new IdentityException("Mdm-Signature is not valid base64: " + e.getMessage(), e);
        }
        if (der.length == 0 || der[0] != 0x30) {
            throw new IdentityException("Mdm-Signature is not CMS (no ASN.1 SEQUENCE)");
        }
        try {
            // The body we were sent is the signed content, whatever (if anything) the CMS encapsulates.
            CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(body), der);
            if (!CMSObjectIdentifiers.signedData.equals(cms.toASN1Structure().getContentType())) {
                throw new IdentityException("Mdm-Signature is CMS but not SignedData");
            }
            return cms;
        } catch (CMSException | RuntimeException e) {
            if (e instanceof IdentityException ie) {
                throw ie;
            }
            // BouncyCastle reports malformed ASN.1 with a variety of runtime exceptions.
            throw new IdentityException("Mdm-Signature is not CMS SignedData: " + e.getMessage(), e);
        }
    }

    /** Enough to find the device in logs: Apple identity certificates often have an empty subject. */
    private static String describe(X509Certificate cert) {
        return "signer serial " + cert.getSerialNumber().toString(16) + " issued by "
                + cert.getIssuerX500Principal().getName();
    }

    private static X509Certificate toX509(X509CertificateHolder holder) {
        try {
            return X509Certificates.fromHolder(holder);
        } catch (CertificateException e) {
            throw new IdentityException("Mdm-Signature carries a certificate we cannot read: " + e.getMessage(), e);
        }
    }
}

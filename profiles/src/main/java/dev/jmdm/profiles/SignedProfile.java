package dev.jmdm.profiles;

import java.io.IOException;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.util.Collection;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * A profile wrapped in CMS SignedData (DER or BER), as Apple Configurator and {@code security cms -S}
 * produce them.
 *
 * <p>Verification proves each signer holds the key of the signer certificate carried in the structure.
 * It does not build a chain to a trusted root: the server forwards signed profiles as they are, and the
 * device decides whether it trusts the signer.
 */
final class SignedProfile {
    // A private instance, not registered with java.security.Security: the module changes no global state.
    private static final Provider BC = new BouncyCastleProvider();

    /** The signed content and the subject of the (first) signer certificate. */
    record Verified(byte[] content, String signerSubject) {
    }

    private SignedProfile() {
    }

    /** Whether the bytes start like a DER or BER SEQUENCE; no property list does. */
    static boolean looksLikeCms(byte[] bytes) {
        return bytes.length > 0 && bytes[0] == 0x30;
    }

    static Verified verify(byte[] bytes) throws ProfileValidationException {
        CMSSignedData cms = decode(bytes);
        byte[] content = content(cms);
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            throw new ProfileValidationException("the CMS SignedData has no signer");
        }
        Store<X509CertificateHolder> certificates = cms.getCertificates();
        String subject = null;
        for (SignerInformation signer : signers) {
            X509CertificateHolder certificate = signerCertificate(certificates, signer);
            String name = subject(certificate);
            verify(signer, certificate, name);
            if (subject == null) {
                subject = name;
            }
        }
        return new Verified(content, subject);
    }

    /** The content of CMS bytes this module accepted before; no verification. */
    static byte[] contentOf(byte[] bytes) {
        try {
            return content(decode(bytes));
        } catch (ProfileValidationException e) {
            throw new IllegalArgumentException("stored profile bytes are not a CMS profile: " + e.getMessage(), e);
        }
    }

    private static CMSSignedData decode(byte[] bytes) throws ProfileValidationException {
        try {
            return new CMSSignedData(bytes);
        } catch (CMSException | RuntimeException e) {
            // BouncyCastle reports other content types and truncated structures with runtime exceptions.
            throw new ProfileValidationException("the profile is not a valid CMS SignedData structure: " + e.getMessage(), e);
        }
    }

    private static byte[] content(CMSSignedData cms) throws ProfileValidationException {
        CMSTypedData signed = cms.getSignedContent();
        if (signed == null || !(signed.getContent() instanceof byte[] content)) {
            throw new ProfileValidationException("the CMS signature is detached: it carries no profile");
        }
        return content;
    }

    // SignerId is a raw Selector in BouncyCastle's API.
    @SuppressWarnings("unchecked")
    private static X509CertificateHolder signerCertificate(Store<X509CertificateHolder> certificates,
            SignerInformation signer) throws ProfileValidationException {
        Collection<X509CertificateHolder> matches = certificates.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new ProfileValidationException("the CMS SignedData does not include its signer's certificate");
        }
        return matches.iterator().next();
    }

    private static String subject(X509CertificateHolder certificate) throws ProfileValidationException {
        try {
            return new X500Principal(certificate.getSubject().getEncoded()).getName();
        } catch (IOException | IllegalArgumentException e) {
            throw new ProfileValidationException("the signer certificate's subject cannot be read", e);
        }
    }

    private static void verify(SignerInformation signer, X509CertificateHolder certificate, String name)
            throws ProfileValidationException {
        boolean valid;
        try {
            valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(certificate));
        } catch (CMSSignerDigestMismatchException e) {
            throw new ProfileValidationException("the CMS signature does not match the profile: the content was altered after signing", e);
        } catch (CMSVerifierCertificateNotValidException e) {
            throw new ProfileValidationException("the signer certificate (" + name + ") was not valid at the signing time", e);
        } catch (CMSException | OperatorCreationException | CertificateException | RuntimeException e) {
            throw new ProfileValidationException("the CMS signature cannot be verified: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new ProfileValidationException("the CMS signature does not verify with the key of its signer certificate (" + name + ")");
        }
    }
}

package dev.jmdm.server.scep;

import dev.jmdm.server.tls.PemIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Device identity certificates from the server's device CA: client-auth usage, no CA flag (what the device
 * endpoints require of an identity), back-dated a little for devices whose clock is behind, never valid past the
 * CA itself. Shared by the PKCS#12 profiles and SCEP.
 */
public final class DeviceCertificates {
    /** Back-dating, so a device whose clock is a little behind accepts the identity at once. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceCertificates() {
    }

    public static X509Certificate issue(PemIdentity ca, PublicKey key, X500Name subject, Instant now, Duration validity) {
        try {
            Instant notAfter = now.plus(validity);
            Instant caEnd = ca.certificate().getNotAfter().toInstant();
            if (notAfter.isAfter(caEnd)) {
                notAfter = caEnd;
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(),
                    new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(now.minus(CLOCK_SKEW)), Date.from(notAfter),
                    subject, key);
            int usage = "RSA".equals(key.getAlgorithm()) ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            var signer = new JcaContentSignerBuilder(signatureAlgorithm(ca.privateKey())).build(ca.privateKey());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a device identity: " + e.getMessage(), e);
        }
    }

    public static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new IllegalArgumentException("unsupported CA key algorithm " + key.getAlgorithm() + "; use RSA or EC");
        };
    }
}

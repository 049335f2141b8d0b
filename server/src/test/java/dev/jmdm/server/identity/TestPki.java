package dev.jmdm.server.identity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import java.util.Base64;
import java.util.List;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Shared certificates (made once: RSA keys are slow) and a CMS signer that mimics devices. */
final class TestPki {
    static final Duration YEAR = Duration.ofDays(365);

    /** root → intermediate → device leaves, the usual shape of an MDM CA. */
    static final CertificateAuthority ROOT = CertificateAuthority.createRoot("jmdm test root", CertificateAuthority.CA_VALIDITY);
    static final CertificateAuthority INTERMEDIATE = ROOT.intermediate("jmdm test device CA", CertificateAuthority.CA_VALIDITY);
    static final Issued RSA_DEVICE = INTERMEDIATE.issueDeviceIdentity("device-rsa", YEAR, KeyAlgorithm.RSA_2048);
    static final Issued EC_DEVICE = INTERMEDIATE.issueDeviceIdentity("device-ec", YEAR, KeyAlgorithm.EC_P256);

    /**
     * A device identity as SCEP servers often issue them: empty subject, no subjectAltName (like both nanomdm
     * vectors). The JDK's own certificate parser refuses these.
     */
    static final Issued EMPTY_SUBJECT_DEVICE = emptySubjectDevice();

    /** A CA the server does not trust. */
    static final CertificateAuthority FOREIGN_ROOT = CertificateAuthority.createRoot("someone else's root", CertificateAuthority.CA_VALIDITY);
    static final Issued FOREIGN_DEVICE = FOREIGN_ROOT.issueDeviceIdentity("foreign-device", YEAR, KeyAlgorithm.EC_P256);

    enum Digest { SHA1, SHA256 }

    /** DER is what BouncyCastle makes by default; devices send BER with indefinite lengths. */
    enum Encoding { DER, BER }

    private TestPki() {
    }

    /** The validator for {@code MDM_CA} = root + intermediate, at the real time. */
    static DeviceCertificateValidator validator() {
        return new DeviceCertificateValidator(List.of(ROOT.certificate(), INTERMEDIATE.certificate()), java.time.Clock.systemUTC());
    }

    static String resource(String name) {
        try (InputStream in = TestPki.class.getResourceAsStream("/identity/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource identity/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resourceBytes(String name) {
        return resource(name).getBytes(StandardCharsets.UTF_8);
    }

    /** An {@code Mdm-Signature} header value: detached CMS over {@code body}, carrying the identity's full chain. */
    static String sign(Issued identity, byte[] body, Digest digest, Encoding encoding, boolean signedAttributes) {
        return sign(identity.certificate(), identity.privateKey(), identity.fullChain(), body, digest, encoding, signedAttributes);
    }

    static String sign(Issued identity, byte[] body) {
        return sign(identity, body, Digest.SHA256, Encoding.BER, false);
    }

    /**
     * The general case: the signer info names {@code cert}, the signature is made with {@code key} (which may not
     * belong to it), and {@code carried} are the certificates put in the CMS.
     */
    static String sign(X509Certificate cert, PrivateKey key, List<X509Certificate> carried, byte[] body, Digest digest,
            Encoding encoding, boolean signedAttributes) {
        try {
            SignerInfoGenerator signer = signerInfo(cert, key, digest.name() + "with" + ("EC".equals(key.getAlgorithm()) ? "ECDSA" : "RSA"), signedAttributes);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (encoding == Encoding.BER) {
                CMSSignedDataStreamGenerator g = new CMSSignedDataStreamGenerator();
                g.addSignerInfoGenerator(signer);
                g.addCertificates(new JcaCertStore(carried));
                try (OutputStream content = g.open(out, false)) {
                    content.write(body);
                }
            } else {
                CMSSignedDataGenerator g = new CMSSignedDataGenerator();
                g.addSignerInfoGenerator(signer);
                g.addCertificates(new JcaCertStore(carried));
                out.write(g.generate(new CMSProcessableByteArray(body), false).getEncoded("DER"));
            }
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test CMS signature", e);
        }
    }

    static SignerInfoGenerator signerInfo(X509Certificate cert, PrivateKey key, String algorithm, boolean signedAttributes)
            throws Exception {
        return new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setDirectSignature(!signedAttributes)
                .build(new JcaContentSignerBuilder(algorithm).build(key), cert);
    }

    private static Issued emptySubjectDevice() {
        try {
            KeyPair keys = KeyAlgorithm.RSA_2048.generate();
            X509Certificate issuer = INTERMEDIATE.certificate();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(YEAR)), new X500Principal(new byte[] {0x30, 0x00}),
                    keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
            X509Certificate cert = new JcaX509CertificateConverter().setProvider(X509Certificates.PROVIDER)
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(INTERMEDIATE.privateKey())));
            return new Issued(cert, keys.getPrivate(), INTERMEDIATE.asIssued().fullChain());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make an empty-subject certificate", e);
        }
    }

    /** RFC 9440 header form of a certificate. */
    static String rfc9440(X509Certificate cert) {
        try {
            return ":" + Base64.getEncoder().encodeToString(cert.getEncoded()) + ":";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}

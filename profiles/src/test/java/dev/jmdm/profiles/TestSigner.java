package dev.jmdm.profiles;

import dev.jmdm.certsdev.CertSpec;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** Signs profiles the way Apple Configurator does: CMS SignedData, content encapsulated, signer certificate included. */
final class TestSigner {
    static final CertificateAuthority CA = CertificateAuthority.createRoot("jmdm profiles test CA", Duration.ofDays(1));
    static final Issued SIGNER = CA.issue(CertSpec.builder("Profile Signer").organization("jmdm tests")
            .keyUsage(KeyUsage.digitalSignature).keyAlgorithm(KeyAlgorithm.EC_P256).build());

    private TestSigner() {
    }

    /** DER, as {@code security cms -S} writes it. */
    static byte[] signDer(byte[] content) {
        return sign(content, SIGNER.privateKey(), SIGNER.certificate(), true, true);
    }

    /** Signed with {@code key} but naming {@code certificate} as the signer, optionally leaving the certificate out. */
    static byte[] sign(byte[] content, PrivateKey key, X509Certificate certificate, boolean encapsulate,
            boolean includeCertificate) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(signerInfo(key, certificate));
            if (includeCertificate) {
                generator.addCertificate(new JcaX509CertificateHolder(certificate));
            }
            return generator.generate(new CMSProcessableByteArray(content), encapsulate).getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** BER with indefinite lengths and the content in chunks, the streaming form devices and some tools write. */
    static byte[] signBer(byte[] content) {
        try {
            CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
            generator.addSignerInfoGenerator(signerInfo(SIGNER.privateKey(), SIGNER.certificate()));
            generator.addCertificate(new JcaX509CertificateHolder(SIGNER.certificate()));
            generator.setBufferSize(512);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream signed = generator.open(out, true)) {
                signed.write(content);
            }
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signer whose certificate expired before the signature was made. */
    static Issued expiredSigner() {
        Instant start = Instant.now().minus(Duration.ofDays(30));
        return CA.issue(CertSpec.builder("Expired Signer").keyAlgorithm(KeyAlgorithm.EC_P256)
                .validity(start, start.plus(Duration.ofDays(1))).build());
    }

    private static SignerInfoGenerator signerInfo(PrivateKey key, X509Certificate certificate) throws Exception {
        String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .build(new JcaContentSignerBuilder(algorithm).build(key), certificate);
    }
}

package dev.jmdm.server.enroll;

import dev.jmdm.server.tls.PemIdentity;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs profiles the way Apple devices verify them: CMS SignedData with the profile attached, the signer's
 * certificate and chain included, DER-encoded ({@code security cms -S} and {@code openssl smime -sign -nodetach
 * -outform der} make the same shape). A device shows the profile as verified when the chain reaches a root it trusts.
 */
final class ProfileSigner {
    private final PemIdentity signer;

    ProfileSigner(PemIdentity signer) {
        this.signer = signer;
    }

    PemIdentity identity() {
        return signer;
    }

    byte[] sign(byte[] profile) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            var contentSigner = new JcaContentSignerBuilder(DeviceIdentityIssuer.signatureAlgorithm(signer.privateKey()))
                    .build(signer.privateKey());
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                    .build(contentSigner, signer.certificate()));
            generator.addCertificates(new JcaCertStore(signer.fullChain()));
            return generator.generate(new CMSProcessableByteArray(profile), true).getEncoded("DER");
        } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
            throw new IllegalStateException("cannot sign the enrollment profile: " + e.getMessage(), e);
        }
    }
}

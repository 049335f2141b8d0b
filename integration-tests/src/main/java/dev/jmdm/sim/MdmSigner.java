package dev.jmdm.sim;

import dev.jmdm.certsdev.Issued;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Makes the {@code Mdm-Signature} header as a device does: base64 of a detached CMS SignedData
 * over the body, signer certificate included. Real devices send BER with indefinite lengths;
 * {@link Encoding#BER} reproduces that, DER is the tidy form other clients use.
 */
public final class MdmSigner {
    public enum Encoding { DER, BER }

    private final Issued identity;
    private final Encoding encoding;
    private final String signatureAlgorithm;

    public MdmSigner(Issued identity, Encoding encoding) {
        this.identity = identity;
        this.encoding = encoding;
        this.signatureAlgorithm = "EC".equals(identity.privateKey().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    }

    public String sign(byte[] body) {
        try {
            JcaSignerInfoGeneratorBuilder signerInfo = new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().build());
            var contentSigner = new JcaContentSignerBuilder(signatureAlgorithm).build(identity.privateKey());
            var certs = new JcaCertStore(List.of(identity.certificate()));
            byte[] cms;
            if (encoding == Encoding.DER) {
                CMSSignedDataGenerator g = new CMSSignedDataGenerator();
                g.addSignerInfoGenerator(signerInfo.build(contentSigner, identity.certificate()));
                g.addCertificates(certs);
                cms = g.generate(new CMSProcessableByteArray(body), false).getEncoded("DER");
            } else {
                CMSSignedDataStreamGenerator g = new CMSSignedDataStreamGenerator();
                g.addSignerInfoGenerator(signerInfo.build(contentSigner, identity.certificate()));
                g.addCertificates(certs);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (OutputStream content = g.open(out, false)) {
                    content.write(body);
                }
                cms = out.toByteArray();
            }
            return Base64.getEncoder().encodeToString(cms);
        } catch (OperatorCreationException | CMSException | CertificateEncodingException | IOException e) {
            throw new IllegalStateException("cannot sign MDM request", e);
        }
    }
}

package dev.jmdm.server.identity;

import static dev.jmdm.server.identity.TestPki.EC_DEVICE;
import static dev.jmdm.server.identity.TestPki.INTERMEDIATE;
import static dev.jmdm.server.identity.TestPki.ROOT;
import static dev.jmdm.server.identity.TestPki.RSA_DEVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.Issued;
import dev.jmdm.server.identity.TestPki.Digest;
import dev.jmdm.server.identity.TestPki.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MdmSignatureTest {
    private static final byte[] BODY = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0"><dict><key>Status</key><string>Idle</string><key>UDID</key><string>0000</string></dict></plist>
            """.getBytes(StandardCharsets.UTF_8);

    /** openssl x509 -noout -fingerprint -sha256 of the certificate inside mdm-signature-2.b64. */
    private static final String VECTOR_2_SIGNER_SHA256 = "9704ca2f1ea3ea1eaaebd5013b0803d920e813ccf0d4b7d8808499a15f6a4716";

    @Test
    void realDeviceSignatureVerifiesOverItsBody() {
        MdmSignature.Signed signed = MdmSignature.verify(TestPki.resource("mdm-signature-2.b64"),
                TestPki.resourceBytes("mdm-signature-2.body.plist"));

        assertThat(CertificateFingerprint.sha256Hex(signed.signer())).isEqualTo(VECTOR_2_SIGNER_SHA256);
        assertThat(signed.signer().getIssuerX500Principal().getName()).isEqualTo("CN=ca,OU=SCEP CA,O=scep,C=US");
        assertThat(signed.otherCertificates()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100, 200, 301})
    void realDeviceSignatureFailsWhenOneBodyByteChanges(int index) {
        byte[] body = TestPki.resourceBytes("mdm-signature-2.body.plist");
        assertThat(body).hasSize(302);
        body[index] ^= 0x01;

        assertThatThrownBy(() -> MdmSignature.verify(TestPki.resource("mdm-signature-2.b64"), body))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("does not verify over the request body");
    }

    @Test
    void realDeviceSignatureFailsOverAnEmptyOrLongerBody() {
        String header = TestPki.resource("mdm-signature-2.b64");
        byte[] body = TestPki.resourceBytes("mdm-signature-2.body.plist");
        byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);

        assertThatThrownBy(() -> MdmSignature.verify(header, new byte[0])).isInstanceOf(IdentityException.class);
        assertThatThrownBy(() -> MdmSignature.verify(header, null)).isInstanceOf(IdentityException.class);
        assertThatThrownBy(() -> MdmSignature.verify(header, longer)).isInstanceOf(IdentityException.class);
    }

    /**
     * A real device's signature with one byte of its DER replaced (found by the robustness suite): each breaks the
     * signer info or a certificate in a way BouncyCastle reports only when they are read, with an
     * IllegalArgumentException, ClassCastException, ArrayIndexOutOfBoundsException or IllegalStateException. Each
     * must be a refusal (400), not a server fault.
     */
    @ParameterizedTest
    @CsvSource({"56, 0xA0", "69, 0x00", "871, 0x00", "927, 0x0C", "472, 0x0C", "62, 0x0C", "61, 0x00", "84, 0x00"})
    void refusesARealSignatureWithOneByteOfItsStructureReplaced(int index, String value) {
        byte[] der = java.util.Base64.getMimeDecoder().decode(TestPki.resource("mdm-signature-2.b64").strip());
        der[index] = (byte) Integer.parseInt(value.substring(2), 16);
        String header = java.util.Base64.getEncoder().encodeToString(der);
        assertThatThrownBy(() -> MdmSignature.verify(header, TestPki.resourceBytes("mdm-signature-2.body.plist")))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("Mdm-Signature");
    }

    @Test
    void otherRealDeviceSignatureIsBerCmsAndNamesItsSigner() {
        String header = TestPki.resource("mdm-signature-1.b64");
        byte[] der = Base64.getDecoder().decode(header.strip());
        assertThat(der[0]).as("SEQUENCE").isEqualTo((byte) 0x30);
        assertThat(der[1]).as("indefinite length").isEqualTo((byte) 0x80);

        // Its body is not in the vectors: it must get as far as the signature check, with the signer found.
        assertThatThrownBy(() -> MdmSignature.verify(header, TestPki.resourceBytes("mdm-signature-2.body.plist")))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("does not verify over the request body")
                .hasMessageContaining("signer serial 4 issued by CN=MDM CA,DC=Gusto,DC=com");
    }

    static Stream<Arguments> deviceSignatures() {
        List<Arguments> all = new ArrayList<>();
        for (Issued device : List.of(RSA_DEVICE, EC_DEVICE)) {
            for (Digest digest : Digest.values()) {
                for (Encoding encoding : Encoding.values()) {
                    for (boolean signedAttributes : new boolean[] {false, true}) {
                        all.add(Arguments.of(device.certificate().getPublicKey().getAlgorithm(), device, digest, encoding, signedAttributes));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {2} {3} signedAttributes={4}")
    @MethodSource("deviceSignatures")
    void verifiesSignaturesMadeLikeDevicesMakeThem(String keyType, Issued device, Digest digest, Encoding encoding, boolean signedAttributes) {
        String header = TestPki.sign(device, BODY, digest, encoding, signedAttributes);
        byte[] cms = Base64.getDecoder().decode(header);
        assertThat(cms[1] == (byte) 0x80).as("indefinite length outer SEQUENCE").isEqualTo(encoding == Encoding.BER);

        MdmSignature.Signed signed = MdmSignature.verify(header, BODY);

        assertThat(signed.signer()).isEqualTo(device.certificate());
        assertThat(signed.otherCertificates()).containsExactlyInAnyOrder(INTERMEDIATE.certificate(), ROOT.certificate());
    }

    @ParameterizedTest(name = "{0} {2} {3} signedAttributes={4}")
    @MethodSource("deviceSignatures")
    void refusesThoseSignaturesOverAnotherBody(String keyType, Issued device, Digest digest, Encoding encoding, boolean signedAttributes) {
        String header = TestPki.sign(device, BODY, digest, encoding, signedAttributes);
        byte[] tampered = BODY.clone();
        tampered[tampered.length / 2] ^= 0x20;

        assertThatThrownBy(() -> MdmSignature.verify(header, tampered))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("does not verify");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not base64 at all!", "QUJD=QUJD"})
    void refusesHeadersThatAreNotBase64(String header) {
        assertThatThrownBy(() -> MdmSignature.verify(header, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageMatching("Mdm-Signature is (empty|not valid base64.*)");
    }

    @Test
    void refusesBase64ThatIsNotCms() throws Exception {
        String text = Base64.getEncoder().encodeToString("hello, world".getBytes(StandardCharsets.UTF_8));
        String certificate = Base64.getEncoder().encodeToString(RSA_DEVICE.certificate().getEncoded());
        String truncated = TestPki.sign(RSA_DEVICE, BODY).substring(0, 200);

        for (String header : List.of(text, certificate, truncated)) {
            assertThatThrownBy(() -> MdmSignature.verify(header, BODY))
                    .isInstanceOf(IdentityException.class)
                    .hasMessageStartingWith("Mdm-Signature is not CMS");
        }
    }

    @Test
    void refusesCmsWithoutSigner() throws Exception {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addCertificates(new JcaCertStore(RSA_DEVICE.fullChain()));
        String certsOnly = Base64.getEncoder().encodeToString(g.generate(new CMSAbsentContent()).getEncoded());

        assertThatThrownBy(() -> MdmSignature.verify(certsOnly, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessage("Mdm-Signature has no signer");
    }

    @Test
    void refusesSignatureWithoutTheSignersCertificate() {
        String header = TestPki.sign(RSA_DEVICE.certificate(), RSA_DEVICE.privateKey(),
                List.of(INTERMEDIATE.certificate()), BODY, Digest.SHA256, Encoding.BER, false);

        assertThatThrownBy(() -> MdmSignature.verify(header, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessage("Mdm-Signature does not include the signer's certificate");
    }

    @Test
    void refusesSignatureMadeWithAnotherKeyThanTheCertificates() {
        Issued other = INTERMEDIATE.issueDeviceIdentity("other", TestPki.YEAR, dev.jmdm.certsdev.KeyAlgorithm.RSA_2048);
        String header = TestPki.sign(RSA_DEVICE.certificate(), other.privateKey(), RSA_DEVICE.fullChain(), BODY,
                Digest.SHA256, Encoding.BER, false);

        assertThatThrownBy(() -> MdmSignature.verify(header, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("does not verify");
    }

    @Test
    void refusesTwoSigners() throws Exception {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addSignerInfoGenerator(TestPki.signerInfo(RSA_DEVICE.certificate(), RSA_DEVICE.privateKey(), "SHA256withRSA", false));
        g.addSignerInfoGenerator(TestPki.signerInfo(EC_DEVICE.certificate(), EC_DEVICE.privateKey(), "SHA256withECDSA", false));
        g.addCertificates(new JcaCertStore(List.of(RSA_DEVICE.certificate(), EC_DEVICE.certificate())));
        String header = Base64.getEncoder().encodeToString(g.generate(new CMSProcessableByteArray(BODY), false).getEncoded());

        assertThatThrownBy(() -> MdmSignature.verify(header, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessage("Mdm-Signature has 2 signers, expected one");
    }

    @Test
    void refusesMd5() throws Exception {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addSignerInfoGenerator(TestPki.signerInfo(RSA_DEVICE.certificate(), RSA_DEVICE.privateKey(), "MD5withRSA", false));
        g.addCertificates(new JcaCertStore(List.of(RSA_DEVICE.certificate())));
        String header = Base64.getEncoder().encodeToString(g.generate(new CMSProcessableByteArray(BODY), false).getEncoded());

        assertThatThrownBy(() -> MdmSignature.verify(header, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("Mdm-Signature uses a digest we do not accept");
    }
}

package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.operator.bc.BcDefaultDigestProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Pkcs12Test {
    private static final char[] PASSWORD = "s3cret-pw".toCharArray();
    private static CertificateAuthority intermediate;

    @BeforeAll
    static void createCas() {
        intermediate = CertificateAuthority.createRoot("p12 root", Duration.ofDays(2))
                .intermediate("p12 intermediate", Duration.ofDays(1));
    }

    @Test
    void roundTripsKeyAndWholeChainForBothKeyTypes() {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            Issued identity = intermediate.issueDeviceIdentity("p12-" + algorithm, Duration.ofDays(1), algorithm);

            Issued decoded = Pkcs12.decode(Pkcs12.encode(identity, PASSWORD), PASSWORD);

            assertThat(decoded.certificate()).isEqualTo(identity.certificate());
            assertThat(decoded.privateKey().getEncoded()).isEqualTo(identity.privateKey().getEncoded());
            assertThat(decoded.chain()).containsExactlyElementsOf(identity.chain()).hasSize(2);
        }
    }

    @Test
    void wrongPasswordIsAnIllegalArgument() {
        byte[] p12 = Pkcs12.encode(intermediate.issueServer(List.of("w.test"), Duration.ofDays(1)), PASSWORD);

        assertThatThrownBy(() -> Pkcs12.decode(p12, "wrong".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read PKCS#12");
    }

    @Test
    void usesTripleDesAndAShaOneMacThatApplesImportersAccept() throws Exception {
        byte[] p12 = Pkcs12.encode(intermediate.issueServer(List.of("alg.test"), Duration.ofDays(1)), PASSWORD);

        PKCS12PfxPdu pfx = new PKCS12PfxPdu(p12);

        assertThat(pfx.hasMac()).isTrue();
        assertThat(pfx.isMacValid(new BcPKCS12MacCalculatorBuilderProvider(BcDefaultDigestProvider.INSTANCE), PASSWORD))
                .isTrue();
        assertThat(pfx.getMacAlgorithmID().getAlgorithm().getId()).isEqualTo("1.3.14.3.2.26");
        int encrypted = 0;
        int shrouded = 0;
        for (ContentInfo info : pfx.getContentInfos()) {
            if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
                encrypted++;
                assertThat(EncryptedData.getInstance(info.getContent()).getEncryptionAlgorithm().getAlgorithm())
                        .isEqualTo(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC);
            } else {
                for (PKCS12SafeBag bag : new PKCS12SafeBagFactory(info).getSafeBags()) {
                    if (bag.getBagValue() instanceof PKCS8EncryptedPrivateKeyInfo key) {
                        shrouded++;
                        assertThat(key.getEncryptionAlgorithm().getAlgorithm())
                                .isEqualTo(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC);
                        assertThat(bag.getAttributes()).extracting(a -> a.getAttrType())
                                .contains(PKCSObjectIdentifiers.pkcs_9_at_localKeyId);
                    }
                }
            }
        }
        assertThat(encrypted).isEqualTo(1);
        assertThat(shrouded).isEqualTo(1);
    }
}

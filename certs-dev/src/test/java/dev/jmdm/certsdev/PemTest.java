package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PemTest {
    private static CertificateAuthority root;

    @BeforeAll
    static void createRoot() {
        root = CertificateAuthority.createRoot("pem root", Duration.ofDays(1));
    }

    @Test
    void certificatesRoundTripInOrder() {
        Issued leaf = root.issueServer(List.of("pem.test"), Duration.ofDays(1));

        String pem = Pem.encode(leaf.fullChain());

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Pem.certificates(pem)).containsExactly(leaf.certificate(), root.certificate());
    }

    @Test
    void privateKeysAreWrittenAsPkcs8AndReadBack() {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            KeyPair keys = algorithm.generate();

            String pem = Pem.encode(keys.getPrivate());

            assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(Pem.privateKey(pem).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
        }
    }

    @Test
    void readsTraditionalRsaKeys() throws Exception {
        KeyPair keys = KeyAlgorithm.RSA_2048.generate();
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(keys.getPrivate());
        }

        assertThat(text.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(KeyAlgorithm.matches(Pem.privateKey(text.toString()), keys.getPublic())).isTrue();
    }

    @Test
    void readsTraditionalEcKeysAsOpenSslWritesThem() {
        // A throwaway key from `openssl ecparam -name prime256v1 -genkey -noout`: SEC1 with the curve inside.
        // (BouncyCastle's own traditional writer drops the curve from JDK EC keys, so nothing could read those back;
        // one reason Pem.encode writes PKCS#8.)
        String sec1 = """
                -----BEGIN EC PRIVATE KEY-----
                MHcCAQEEIMx6LguEE1Dw+KO5QDPia8kXGXZDLjD5DBBNSaTRlQL9oAoGCCqGSM49
                AwEHoUQDQgAEPrWx9X0DZLrcyfYZLNl/7gzydaWcTrE4rqbUhBzWaungNBw9i2DI
                7hu6/QyYYdaRI1bj2MPTWlxUYFT3IjheAw==
                -----END EC PRIVATE KEY-----
                """;

        assertThat(Pem.privateKey(sec1).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void findsTheKeyAfterCertificatesAndTheCertificatesAroundAKey() {
        Issued leaf = root.issueDeviceIdentity("mixed", Duration.ofDays(1), KeyAlgorithm.EC_P256);

        String pem = Pem.encode(leaf.certificate(), leaf.privateKey(), root.certificate());

        assertThat(Pem.certificates(pem)).containsExactly(leaf.certificate(), root.certificate());
        assertThat(Pem.privateKey(pem)).isEqualTo(leaf.privateKey());
    }

    @Test
    void noKeyIsNullAndNoCertificatesIsEmpty() {
        assertThat(Pem.privateKey(Pem.encode(root.certificate()))).isNull();
        assertThat(Pem.certificates("hello, not PEM")).isEmpty();
    }

    @Test
    void refusesEncryptedKeysSayingSo() throws Exception {
        KeyPair keys = KeyAlgorithm.RSA_2048.generate();
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.PBE_SHA1_3DES).setPassword("pw".toCharArray()).build();
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(new JcaPKCS8Generator(keys.getPrivate(), encryptor));
        }

        assertThatThrownBy(() -> Pem.privateKey(text.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encrypted");
    }

    @Test
    void corruptCertificateIsAnIllegalArgument() {
        String corrupt = "-----BEGIN CERTIFICATE-----\nMIIBzzzz\n-----END CERTIFICATE-----\n";

        assertThatThrownBy(() -> Pem.certificates(corrupt)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.certsdev.Pkcs12;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectGenerator;
import org.junit.jupiter.api.Test;

class PushCertificateTest {
    private static final Clock NOW = Clock.systemUTC();
    private static final String TOPIC = TestPki.newTopic();
    private static final Issued ISSUED = TestPki.pushIdentity(TOPIC);

    /** Apple's real certificate: topic from its UID, valid 2021-02-10T17:44:47Z to 2022-02-10T17:44:47Z. */
    private static final String APPLE_TOPIC = "com.apple.mgmt.External.e0bd1eac-1f17-4c8e-8a63-dd17d3dd35d9";

    @Test
    void readsCertificateWithPkcs1Key() {
        // "RSA PRIVATE KEY", as in nanomdm's example upload
        String pem = Pem.encode(ISSUED.certificate(), traditional("RSA PRIVATE KEY", ISSUED.privateKey()));

        PushCertificate cert = PushCertificate.fromPem(pem, NOW);

        assertThat(cert.topic()).isEqualTo(TOPIC);
        assertThat(cert.notAfter()).isEqualTo(ISSUED.certificate().getNotAfter().toInstant());
        assertThat(cert.certificate()).isEqualTo(ISSUED.certificate());
        assertThat(cert.privateKey()).isEqualTo(ISSUED.privateKey());
    }

    @Test
    void readsPkcs8KeyPlacedBeforeTheCertificate() throws Exception {
        String pem = Pem.encode(new JcaPKCS8Generator(ISSUED.privateKey(), null), ISSUED.certificate());
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");

        assertThat(PushCertificate.fromPem(pem, NOW).topic()).isEqualTo(TOPIC);
    }

    @Test
    void readsEcKeysInPkcs8AndSec1() {
        Issued ec = TestPki.CA.issue(TestPki.pushSpec(TOPIC).keyAlgorithm(KeyAlgorithm.EC_P256).build());

        PushCertificate pkcs8 = PushCertificate.fromPem(Pem.encode(ec.certificate(), ec.privateKey()), NOW);
        PushCertificate sec1 = PushCertificate.fromPem(Pem.encode(ec.certificate(), traditional("EC PRIVATE KEY",
                sec1WithCurve(ec.privateKey()))), NOW);

        assertThat(pkcs8.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) sec1.privateKey()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) ec.privateKey()).getS());
    }

    @Test
    void usesTheFirstCertificateAsTheLeafAndIgnoresTheChain() {
        String pem = Pem.encode(ISSUED.fullChain(), ISSUED.privateKey());

        assertThat(PushCertificate.fromPem(pem, NOW).certificate()).isEqualTo(ISSUED.certificate());
    }

    @Test
    void writesPemThatReadsBackToTheSameCertificate() {
        PushCertificate cert = PushCertificate.fromPem(Pem.encode(ISSUED.certificate(), ISSUED.privateKey()), NOW);

        assertThat(cert.toPem()).isEqualTo(cert.certificatePem() + cert.privateKeyPem());
        assertThat(cert.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----").doesNotContain("PRIVATE KEY");
        assertThat(cert.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PushCertificate.fromPem(cert.toPem(), NOW)).isEqualTo(cert);
    }

    @Test
    void readsPkcs12() {
        byte[] p12 = Pkcs12.encode(ISSUED, "secret".toCharArray());

        PushCertificate cert = PushCertificate.fromPkcs12(p12, "secret".toCharArray(), NOW);

        assertThat(cert.topic()).isEqualTo(TOPIC);
        assertThat(cert.privateKey()).isEqualTo(ISSUED.privateKey());
    }

    @Test
    void refusesPkcs12WithTheWrongPassword() {
        byte[] p12 = Pkcs12.encode(ISSUED, "secret".toCharArray());

        assertRefused(() -> PushCertificate.fromPkcs12(p12, "guess".toCharArray(), NOW), "the password is wrong");
    }

    @Test
    void refusesBytesThatAreNotPkcs12() {
        byte[] pem = Pem.encode(ISSUED.certificate()).getBytes(StandardCharsets.US_ASCII);

        assertRefused(() -> PushCertificate.fromPkcs12(pem, new char[0], NOW), "not a valid PKCS#12 file");
        assertRefused(() -> PushCertificate.fromPkcs12(new byte[0], new char[0], NOW), "PKCS#12 file is empty");
    }

    @Test
    void refusesExpiredPkcs12() {
        byte[] p12 = Pkcs12.encode(ISSUED, "secret".toCharArray());
        Clock later = Clock.fixed(ISSUED.certificate().getNotAfter().toInstant().plusSeconds(1), ZoneOffset.UTC);

        assertRefused(() -> PushCertificate.fromPkcs12(p12, "secret".toCharArray(), later), "expired on");
    }

    @Test
    void refusesEmptyText() {
        assertRefused(() -> PushCertificate.fromPem("", NOW), "PEM text is empty");
        assertRefused(() -> PushCertificate.fromPem(" \n\t", NOW), "PEM text is empty");
        assertRefused(() -> PushCertificate.fromPem(null, NOW), "PEM text is empty");
    }

    @Test
    void refusesTextWithoutPemBlocks() {
        String der = Base64.getEncoder().encodeToString(encoded(ISSUED.certificate()));

        assertRefused(() -> PushCertificate.fromPem(der, NOW), "holds no PEM blocks");
    }

    @Test
    void refusesMalformedPem() {
        String badBase64 = "-----BEGIN CERTIFICATE-----\n!!!! not base64 ****\n-----END CERTIFICATE-----\n";
        String notDer = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getEncoder().encodeToString("hello, this is not DER".getBytes(StandardCharsets.US_ASCII))
                + "\n-----END CERTIFICATE-----\n";

        assertRefused(() -> PushCertificate.fromPem(badBase64, NOW), "not valid PEM");
        assertRefused(() -> PushCertificate.fromPem(notDer, NOW), "not valid PEM");
    }

    @Test
    void refusesKeyWithoutCertificate() {
        assertRefused(() -> PushCertificate.fromPem(Pem.encode(ISSUED.privateKey()), NOW), "holds no certificate");
    }

    @Test
    void refusesCertificateWithoutKeyNamingItsTopic() {
        assertRefused(() -> PushCertificate.fromPem(Pem.encode(ISSUED.certificate()), NOW),
                "holds the certificate for topic " + TOPIC + " but no private key");
    }

    @Test
    void refusesKeyOfAnotherCertificate() {
        Issued other = TestPki.pushIdentity(TOPIC);

        assertRefused(() -> PushCertificate.fromPem(Pem.encode(ISSUED.certificate(), other.privateKey()), NOW),
                "the private key does not belong to the certificate");
        assertRefused(() -> new PushCertificate(ISSUED.certificate(), other.privateKey()), "does not belong");
    }

    @Test
    void refusesEcKeyForRsaCertificate() {
        Issued ec = TestPki.CA.issue(TestPki.pushSpec(TOPIC).keyAlgorithm(KeyAlgorithm.EC_P256).build());

        assertRefused(() -> PushCertificate.fromPem(Pem.encode(ISSUED.certificate(), ec.privateKey()), NOW),
                "does not belong");
    }

    @Test
    void refusesEncryptedKeys() throws Exception {
        OutputEncryptor pkcs8 = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                .setProvider(new BouncyCastleProvider()).setPassword("pw".toCharArray()).build();
        String encryptedPkcs8 = Pem.encode(ISSUED.certificate(), new JcaPKCS8Generator(ISSUED.privateKey(), pkcs8));
        String encryptedPkcs1 = Pem.encode(ISSUED.certificate(), new JcaMiscPEMGenerator(ISSUED.privateKey(),
                new JcePEMEncryptorBuilder("AES-128-CBC")
                .setProvider(new BouncyCastleProvider()).build("pw".toCharArray())));

        assertRefused(() -> PushCertificate.fromPem(encryptedPkcs8, NOW), "private key is encrypted");
        assertRefused(() -> PushCertificate.fromPem(encryptedPkcs1, NOW), "private key is encrypted");
    }

    @Test
    void refusesCertificateWithoutUid() {
        Issued tls = TestPki.CA.issueServer(java.util.List.of("mdm.example.com"), Duration.ofDays(1));

        assertRefused(() -> PushCertificate.fromPem(Pem.encode(tls.certificate(), tls.privateKey()), NOW),
                "has no UID attribute");
    }

    @Test
    void refusesAppPushCertificate() {
        Issued app = TestPki.pushIdentity("com.example.someapp");

        assertRefused(() -> PushCertificate.fromPem(Pem.encode(app.certificate(), app.privateKey()), NOW),
                "\"com.example.someapp\" is not an MDM topic");
    }

    @Test
    void refusesExpiredCertificate() {
        Instant start = Instant.now().minus(Duration.ofDays(400));
        Issued old = TestPki.CA.issue(TestPki.pushSpec(TOPIC).validity(start, start.plus(Duration.ofDays(365))).build());

        assertRefused(() -> PushCertificate.fromPem(Pem.encode(old.certificate(), old.privateKey()), NOW),
                "the push certificate for topic " + TOPIC + " expired on " + old.certificate().getNotAfter().toInstant());
    }

    @Test
    void refusesCertificateNotValidYet() {
        Clock before = Clock.fixed(ISSUED.certificate().getNotBefore().toInstant().minusSeconds(1), ZoneOffset.UTC);

        assertRefused(() -> PushCertificate.fromPem(Pem.encode(ISSUED.certificate(), ISSUED.privateKey()), before),
                "is not valid until");
    }

    @Test
    void acceptsCertificateOnItsLastValidInstant() {
        Clock last = Clock.fixed(ISSUED.certificate().getNotAfter().toInstant(), ZoneOffset.UTC);

        assertThat(PushCertificate.fromPem(Pem.encode(ISSUED.certificate(), ISSUED.privateKey()), last).topic())
                .isEqualTo(TOPIC);
    }

    @Test
    void toStringKeepsTheKeySecret() {
        PushCertificate cert = new PushCertificate(ISSUED.certificate(), ISSUED.privateKey());
        String modulus = ((java.security.interfaces.RSAPrivateKey) ISSUED.privateKey()).getModulus().toString();

        assertThat(cert.toString()).contains(TOPIC).doesNotContain(modulus).doesNotContain("private exponent");
    }

    @Test
    void readsTheTopicOfApplesRealCertificate() throws IOException {
        X509Certificate apple = Pem.certificates(applePem()).get(0);

        assertThat(PushTopic.of(apple)).isEqualTo(APPLE_TOPIC);
    }

    @Test
    void refusesApplesRealCertificateAsExpired() throws IOException {
        assertRefused(() -> PushCertificate.fromPem(applePem(), NOW),
                "the push certificate for topic " + APPLE_TOPIC + " expired on 2022-02-10T17:44:47Z");
    }

    @Test
    void acceptsApplesRealCertificateWhileItWasValidAndThenAsksForItsKey() throws IOException {
        Clock duringValidity = Clock.fixed(Instant.parse("2021-06-01T00:00:00Z"), ZoneOffset.UTC);

        assertRefused(() -> PushCertificate.fromPem(applePem(), duringValidity),
                "holds the certificate for topic " + APPLE_TOPIC + " but no private key");
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(PushCertificateException.class).hasMessageContaining(message);
    }

    /** A pre-PKCS#8 PEM block: the key's own structure (PKCS#1 for RSA, SEC1 for EC) under a typed label. */
    private static PemObjectGenerator traditional(String type, PrivateKey key) {
        return () -> {
            try {
                return new PemObject(type, PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey()
                        .toASN1Primitive().getEncoded());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    /** The JDK leaves the curve out of the inner SEC1 structure; OpenSSL's EC PRIVATE KEY files carry it. */
    private static PrivateKey sec1WithCurve(PrivateKey key) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        return new PrivateKey() {
            @Override
            public String getAlgorithm() {
                return key.getAlgorithm();
            }

            @Override
            public String getFormat() {
                return "PKCS#8";
            }

            @Override
            public byte[] getEncoded() {
                try {
                    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                    ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                            info.getPrivateKeyAlgorithm().getParameters());
                    return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), withCurve).getEncoded();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static String applePem() throws IOException {
        try (InputStream in = PushCertificateTest.class.getResourceAsStream("/expired-apple-push-cert.pem")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}

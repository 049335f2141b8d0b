package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    private static final Duration DAY = Duration.ofDays(1);

    private static CertificateAuthority root;

    @BeforeAll
    static void createRoot() {
        root = CertificateAuthority.createRoot("test root", CertificateAuthority.CA_VALIDITY);
    }

    @Test
    void rootIsSelfSignedCaWithNoChain() throws Exception {
        X509Certificate cert = root.certificate();

        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
        assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(root.asIssued().chain()).isEmpty();
        assertThat(KeyAlgorithm.matches(root.privateKey(), cert.getPublicKey())).isTrue();
    }

    @Test
    void serverCertificateChainsToRootWithNamesAndServerAuth() throws Exception {
        Issued server = root.issueServer(List.of("mdm.test", "192.0.2.1", "::1"), DAY);

        Pkix.validate(server.fullChain(), root.certificate(), Pkix.SERVER_AUTH);
        assertThat(server.chain()).containsExactly(root.certificate());
        assertThat(server.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=mdm.test");
        assertThat(server.certificate().getExtendedKeyUsage()).containsExactly(Pkix.SERVER_AUTH);
        assertThat(server.certificate().getBasicConstraints()).isEqualTo(-1);
        assertThat(server.certificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "mdm.test"), List.of(7, "192.0.2.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    }

    @Test
    void serverCertificateWithoutNamesIsForLocalhost() throws Exception {
        Issued server = root.issueServer(List.of(), DAY);

        assertThat(server.certificate().getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"));
    }

    @Test
    void refusesNamesThatAreNeitherDnsNamesNorAddresses() {
        assertThatThrownBy(() -> root.issueServer(List.of("not a host"), DAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a host");
        assertThatThrownBy(() -> root.issueServer(List.of("bad..dots"), DAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> root.issueServer(List.of("*.wild.test", "mdm_server", "fe80::1"), DAY)).doesNotThrowAnyException();
    }

    @Test
    void deviceIdentityIsClientAuthNamedForTheDevice() throws Exception {
        Issued device = root.issueDeviceIdentity("UDID-1", DAY, KeyAlgorithm.RSA_2048);

        Pkix.validate(device.fullChain(), root.certificate(), Pkix.CLIENT_AUTH);
        assertThat(device.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=UDID-1");
        assertThat(device.certificate().getExtendedKeyUsage()).containsExactly(Pkix.CLIENT_AUTH);
        assertThat(device.certificate().getKeyUsage()[2]).as("keyEncipherment for RSA").isTrue();
    }

    @Test
    void ecDeviceIdentityHasAnEcKeyAndNoEnciphermentUsage() throws Exception {
        Issued device = root.issueDeviceIdentity("UDID-EC", DAY, KeyAlgorithm.EC_P256);

        Pkix.validate(device.fullChain(), root.certificate(), Pkix.CLIENT_AUTH);
        assertThat(device.certificate().getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(device.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        boolean[] usage = device.certificate().getKeyUsage();
        assertThat(usage[0]).as("digitalSignature").isTrue();
        assertThat(usage[2]).as("keyEncipherment").isFalse();
    }

    @Test
    void ecCaSignsWithEcdsa() throws Exception {
        CertificateAuthority ecCa = CertificateAuthority.of(
                root.issue(CertSpec.builder("ec ca").ca().keyAlgorithm(KeyAlgorithm.EC_P256).build()));

        Issued leaf = ecCa.issueDeviceIdentity("ec-leaf", DAY, KeyAlgorithm.EC_P256);

        assertThat(leaf.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        Pkix.validate(leaf.fullChain(), root.certificate(), Pkix.CLIENT_AUTH);
    }

    @Test
    void intermediateChainValidatesFromRootAndFromTheIntermediate() throws Exception {
        CertificateAuthority intermediate = root.intermediate("test intermediate", CertificateAuthority.CA_VALIDITY);
        Issued leaf = intermediate.issueServer(List.of("deep.test"), DAY);

        assertThat(intermediate.asIssued().chain()).containsExactly(root.certificate());
        assertThat(leaf.chain()).containsExactly(intermediate.certificate(), root.certificate());
        Pkix.validate(leaf.fullChain(), root.certificate(), Pkix.SERVER_AUTH);
        Pkix.validate(List.of(leaf.certificate()), intermediate.certificate(), Pkix.SERVER_AUTH);
    }

    @Test
    void leafDoesNotValidateAgainstAnotherRoot() {
        CertificateAuthority other = CertificateAuthority.createRoot("other root", DAY);
        Issued leaf = root.issueServer(List.of("x.test"), DAY);

        assertThatThrownBy(() -> Pkix.validate(leaf.fullChain(), other.certificate(), null))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void authorityKeyIdentifierIsTheIssuersSubjectKeyIdentifier() {
        CertificateAuthority intermediate = root.intermediate("aki intermediate", DAY);
        Issued leaf = intermediate.issueServer(List.of("aki.test"), DAY);

        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                leaf.certificate().getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets());
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                intermediate.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets());
        assertThat(aki.getKeyIdentifier()).isEqualTo(ski.getKeyIdentifier());
        assertThat(aki.getAuthorityCertIssuer()).isNull();
        assertThat(aki.getAuthorityCertSerialNumber()).isNull();
    }

    @Test
    void expiredSpecFailsValidationAsExpired() {
        Instant now = Instant.now();
        Issued expired = root.issue(CertificateAuthority.deviceIdentitySpec("old")
                .validity(now.minus(Duration.ofDays(10)), now.minus(DAY)).build());

        assertThatThrownBy(() -> Pkix.validate(expired.fullChain(), root.certificate(), Pkix.CLIENT_AUTH))
                .isInstanceOfSatisfying(CertPathValidatorException.class,
                        e -> assertThat(e.getReason()).isEqualTo(BasicReason.EXPIRED));
        assertThatCode(() -> Pkix.validate(expired.fullChain(), root.certificate(), Pkix.CLIENT_AUTH,
                Date.from(now.minus(Duration.ofDays(5))))).doesNotThrowAnyException();
    }

    @Test
    void notYetValidSpecFailsValidationAsNotYetValid() {
        Instant now = Instant.now();
        Issued future = root.issue(CertificateAuthority.deviceIdentitySpec("future")
                .validity(now.plus(DAY), now.plus(Duration.ofDays(10))).build());

        assertThatThrownBy(() -> Pkix.validate(future.fullChain(), root.certificate(), Pkix.CLIENT_AUTH))
                .isInstanceOfSatisfying(CertPathValidatorException.class,
                        e -> assertThat(e.getReason()).isEqualTo(BasicReason.NOT_YET_VALID));
    }

    @Test
    void issueForSignsAKeyTheCallerHolds() throws Exception {
        KeyPair keys = KeyAlgorithm.EC_P256.generate();

        X509Certificate cert = root.issueFor(CertificateAuthority.deviceIdentitySpec("csr").build(), keys.getPublic());

        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        Pkix.validate(List.of(cert), root.certificate(), Pkix.CLIENT_AUTH);
    }

    @Test
    void serialNumbersArePositiveAndDistinct() {
        X509Certificate a = root.issueDeviceIdentity("a", DAY, KeyAlgorithm.EC_P256).certificate();
        X509Certificate b = root.issueDeviceIdentity("b", DAY, KeyAlgorithm.EC_P256).certificate();

        assertThat(a.getSerialNumber().signum()).isPositive();
        assertThat(a.getSerialNumber()).isNotEqualTo(b.getSerialNumber());
    }

    @Test
    void ofRefusesAnEndEntityCertificate() {
        Issued leaf = root.issueServer(List.of("leaf.test"), DAY);

        assertThatThrownBy(() -> CertificateAuthority.of(leaf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CA");
    }

    @Test
    void ofRefusesAKeyThatIsNotTheCertificatesKey() {
        Issued mismatched = new Issued(root.certificate(), KeyAlgorithm.RSA_2048.generate().getPrivate(), List.of());

        assertThatThrownBy(() -> CertificateAuthority.of(mismatched))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("private key");
    }

    @Test
    void ofWrapsACaReadBackFromPem() throws Exception {
        String pem = Pem.encode(root.certificate(), root.privateKey());
        CertificateAuthority reread = CertificateAuthority.of(
                new Issued(Pem.certificates(pem).get(0), Pem.privateKey(pem), List.of()));

        Issued leaf = reread.issueServer(List.of("again.test"), DAY);

        Pkix.validate(leaf.fullChain(), root.certificate(), Pkix.SERVER_AUTH);
    }

    @Test
    void fullChainIsLeafThenChain() {
        CertificateAuthority intermediate = root.intermediate("chain intermediate", DAY);
        Issued leaf = intermediate.issueServer(List.of("c.test"), DAY);

        assertThat(leaf.fullChain()).containsExactly(leaf.certificate(), intermediate.certificate(), root.certificate());
        assertThat(Arrays.asList(leaf.fullChain().toArray())).hasSize(3);
    }
}

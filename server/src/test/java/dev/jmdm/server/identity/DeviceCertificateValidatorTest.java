package dev.jmdm.server.identity;

import static dev.jmdm.server.identity.TestPki.INTERMEDIATE;
import static dev.jmdm.server.identity.TestPki.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.CertSpec;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.testing.ManualClock;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceCertificateValidatorTest {
    private static final Instant NOW = Instant.now();
    private static final Duration DAY = Duration.ofDays(1);

    /** A second root, as when the MDM CA is rotated; and a new root that reuses the old one's name with a new key. */
    private static final CertificateAuthority NEW_ROOT = CertificateAuthority.createRoot("jmdm test root 2", CertificateAuthority.CA_VALIDITY);
    private static final CertificateAuthority SAME_NAME_NEW_ROOT = CertificateAuthority.createRoot("jmdm test root", CertificateAuthority.CA_VALIDITY);

    private final ManualClock clock = new ManualClock(NOW);

    /** MDM_CA = root + intermediate. */
    private DeviceCertificateValidator validator(Duration cacheTtl) {
        return new DeviceCertificateValidator(List.of(ROOT.certificate(), INTERMEDIATE.certificate()), clock, cacheTtl);
    }

    private DeviceCertificateValidator validator() {
        return validator(DeviceCertificateValidator.CACHE_TTL);
    }

    private static Issued device(CertSpec.Builder spec) {
        return INTERMEDIATE.issue(spec.keyAlgorithm(KeyAlgorithm.EC_P256).build());
    }

    static Stream<Arguments> acceptedLeaves() {
        return Stream.of(
                Arguments.of("RSA device identity", TestPki.RSA_DEVICE),
                Arguments.of("EC device identity", TestPki.EC_DEVICE),
                Arguments.of("empty subject, as SCEP issues them", TestPki.EMPTY_SUBJECT_DEVICE),
                Arguments.of("anyExtendedKeyUsage", device(CertSpec.builder("any-eku").keyUsage(KeyUsage.digitalSignature)
                        .extendedKeyUsage(KeyPurposeId.anyExtendedKeyUsage))),
                Arguments.of("clientAuth among others", device(CertificateAuthority.deviceIdentitySpec("multi-eku")
                        .extendedKeyUsage(KeyPurposeId.id_kp_emailProtection))),
                Arguments.of("no KeyUsage, no ExtendedKeyUsage", device(CertSpec.builder("plain"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedLeaves")
    void acceptsDeviceIdentitiesOfTheTrustedCa(String name, Issued leaf) {
        for (Duration ttl : List.of(DeviceCertificateValidator.CACHE_TTL, Duration.ZERO)) {
            DeviceCertificateValidator v = validator(ttl);
            assertThatCode(() -> v.validate(leaf.certificate(), List.of())).doesNotThrowAnyException();
            // again: from the cache when there is one
            assertThatCode(() -> v.validate(leaf.certificate(), List.of())).doesNotThrowAnyException();
        }
    }

    static Stream<Arguments> refusedLeaves() {
        return Stream.of(
                Arguments.of("expired", device(CertificateAuthority.deviceIdentitySpec("expired")
                        .validity(NOW.minus(Duration.ofDays(30)), NOW.minus(DAY))), List.of(),
                        "certificate expired at " + NOW.minus(DAY).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                Arguments.of("not yet valid", device(CertificateAuthority.deviceIdentitySpec("future")
                        .validity(NOW.plus(DAY), NOW.plus(Duration.ofDays(30)))), List.of(),
                        "certificate is not yet valid (valid from " + NOW.plus(DAY).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)),
                Arguments.of("serverAuth only", device(CertSpec.builder("server").keyUsage(KeyUsage.digitalSignature)
                        .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)), List.of(),
                        "certificate extended key usage lacks clientAuth"),
                Arguments.of("keyAgreement only", device(CertSpec.builder("key-agreement-only").keyUsage(KeyUsage.keyAgreement)
                        .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)), List.of(),
                        "certificate key usage lacks digitalSignature"),
                Arguments.of("a CA", device(CertSpec.builder("sub CA").ca()), List.of(),
                        "certificate is a CA certificate, not a device identity"),
                Arguments.of("foreign CA", TestPki.FOREIGN_DEVICE, List.of(),
                        "certificate is not issued by a trusted CA (no trusted certificate for issuer O=jmdm development,CN=someone else's root)"),
                Arguments.of("foreign CA, its root sent along", TestPki.FOREIGN_DEVICE, List.of(TestPki.FOREIGN_ROOT.certificate()),
                        "certificate is not issued by a trusted CA (its chain ends at the untrusted root O=jmdm development,CN=someone else's root)"),
                Arguments.of("impostor CA with the trusted CA's name", Impostor.LEAF, List.of(),
                        "certificate is not issued by a trusted CA (O=jmdm development,CN=jmdm test device CA is trusted,"
                                + " but a different key signed the certificate)"),
                Arguments.of("impostor chain sent along", Impostor.LEAF, Impostor.LEAF.chain(),
                        "certificate is not issued by a trusted CA (its chain ends at the untrusted root O=jmdm development,CN=jmdm test root)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedLeaves")
    void refuses(String name, Issued leaf, List<X509Certificate> extra, String message) {
        assertThatThrownBy(() -> validator().validate(leaf.certificate(), extra))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith(message);
    }

    /** A CA made to look like ours: same names, other keys. */
    private static final class Impostor {
        static final CertificateAuthority ROOT = CertificateAuthority.createRoot("jmdm test root", CertificateAuthority.CA_VALIDITY);
        static final Issued LEAF = ROOT.intermediate("jmdm test device CA", CertificateAuthority.CA_VALIDITY)
                .issueDeviceIdentity("impostor", TestPki.YEAR, KeyAlgorithm.EC_P256);
    }

    @Test
    void buildsTheChainFromIntermediatesTheDeviceSends() {
        var rootOnly = new DeviceCertificateValidator(List.of(ROOT.certificate()), clock);
        X509Certificate leaf = TestPki.EC_DEVICE.certificate();

        assertThatCode(() -> rootOnly.validate(leaf, List.of(INTERMEDIATE.certificate()))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new DeviceCertificateValidator(List.of(ROOT.certificate()), clock).validate(leaf, List.of()))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("certificate is not issued by a trusted CA (no trusted certificate for issuer O=jmdm development,CN=jmdm test device CA)");
    }

    @Test
    void trustsEveryRootDuringRotation() {
        Issued fromNewRoot = NEW_ROOT.issueDeviceIdentity("new-root-device", TestPki.YEAR, KeyAlgorithm.EC_P256);
        Issued fromSameNameRoot = SAME_NAME_NEW_ROOT.issueDeviceIdentity("same-name-device", TestPki.YEAR, KeyAlgorithm.EC_P256);
        var v = new DeviceCertificateValidator(List.of(ROOT.certificate(), INTERMEDIATE.certificate(),
                NEW_ROOT.certificate(), SAME_NAME_NEW_ROOT.certificate()), clock);

        for (Issued device : List.of(TestPki.RSA_DEVICE, TestPki.EC_DEVICE, fromNewRoot, fromSameNameRoot)) {
            assertThatCode(() -> v.validate(device.certificate(), List.of())).as(device.certificate().getSubjectX500Principal().getName())
                    .doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> validator().validate(fromSameNameRoot.certificate(), List.of()))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("not issued by a trusted CA");
    }

    @Test
    void refusesACachedCertificateOnceTheClockPassesItsExpiry() {
        Issued leaf = device(CertificateAuthority.deviceIdentitySpec("short-lived").validity(NOW.minusSeconds(60), NOW.plus(DAY)));
        DeviceCertificateValidator v = validator();
        v.validate(leaf.certificate(), List.of());

        clock.advance(DAY.plusMinutes(1));

        assertThatThrownBy(() -> v.validate(leaf.certificate(), List.of()))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("certificate expired at ");
    }

    @Test
    void refusesACachedCertificateOnceItsIssuingCaExpires() {
        Issued shortCa = ROOT.issue(CertSpec.builder("short-lived CA").ca().validity(NOW.minusSeconds(60), NOW.plus(DAY)).build());
        Issued leaf = CertificateAuthority.of(shortCa).issue(CertificateAuthority.deviceIdentitySpec("outlives its CA")
                .validity(NOW.minusSeconds(60), NOW.plus(Duration.ofDays(30))).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        var v = new DeviceCertificateValidator(List.of(ROOT.certificate()), clock);
        v.validate(leaf.certificate(), List.of(shortCa.certificate()));

        clock.advance(Duration.ofDays(2));

        assertThatThrownBy(() -> v.validate(leaf.certificate(), List.of(shortCa.certificate())))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("issuing CA certificate CN=short-lived CA expired at ");
    }

    @Test
    void acceptsANotYetValidCertificateOnceItsTimeComes() {
        Issued leaf = device(CertificateAuthority.deviceIdentitySpec("tomorrow").validity(NOW.plus(DAY), NOW.plus(Duration.ofDays(30))));
        DeviceCertificateValidator v = validator();
        assertThatThrownBy(() -> v.validate(leaf.certificate(), List.of())).hasMessageContaining("not yet valid");

        clock.advance(Duration.ofDays(2));

        assertThatCode(() -> v.validate(leaf.certificate(), List.of())).doesNotThrowAnyException();
    }

    @Test
    void refusesAPathToAnExpiredRootEvenWhenAnotherRootIsValid() {
        CertificateAuthority shortRoot = CertificateAuthority.createRoot("short-lived root", DAY);
        Issued leaf = shortRoot.issue(CertificateAuthority.deviceIdentitySpec("outlives its root")
                .validity(NOW.minusSeconds(60), NOW.plus(Duration.ofDays(30))).keyAlgorithm(KeyAlgorithm.EC_P256).build());
        var both = new DeviceCertificateValidator(List.of(shortRoot.certificate(), ROOT.certificate()), clock);
        var onlyExpired = new DeviceCertificateValidator(List.of(shortRoot.certificate()), clock);
        both.validate(leaf.certificate(), List.of());

        clock.advance(Duration.ofDays(2));

        assertThatThrownBy(() -> both.validate(leaf.certificate(), List.of()))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("trusted CA certificate O=jmdm development,CN=short-lived root expired at ");
        assertThatThrownBy(() -> onlyExpired.validate(leaf.certificate(), List.of()))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("no trusted CA certificate is valid at ");
        assertThatCode(() -> both.validate(TestPki.FOREIGN_DEVICE.certificate(), List.of()))
                .hasMessageContaining("not issued by a trusted CA");
    }

    @Test
    void refusesTooManyChainCertificates() {
        List<X509Certificate> extra = Collections.nCopies(DeviceCertificateValidator.MAX_EXTRA_CERTIFICATES + 1, INTERMEDIATE.certificate());

        assertThatThrownBy(() -> validator().validate(TestPki.EC_DEVICE.certificate(), extra))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("too many chain certificates");
    }

    @Test
    void readsTheMdmCaPemFile(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("ca.pem");
        // Roots, intermediates and (by mistake) a key: the key is skipped.
        Files.writeString(pem, Pem.encode(INTERMEDIATE.certificate(), ROOT.certificate(), NEW_ROOT.certificate(), INTERMEDIATE.privateKey()));

        var v = DeviceCertificateValidator.fromPemFile(pem, clock);

        assertThatCode(() -> v.validate(TestPki.RSA_DEVICE.certificate(), List.of())).doesNotThrowAnyException();
        assertThatCode(() -> v.validate(NEW_ROOT.issueDeviceIdentity("n", TestPki.YEAR, KeyAlgorithm.EC_P256).certificate(), List.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAnMdmCaWithoutRoot(@TempDir Path dir) throws Exception {
        Path intermediateOnly = dir.resolve("intermediate.pem");
        Files.writeString(intermediateOnly, Pem.encode(INTERMEDIATE.certificate()));
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");

        assertThatThrownBy(() -> DeviceCertificateValidator.fromPemFile(intermediateOnly, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no self-signed root certificate");
        assertThatThrownBy(() -> DeviceCertificateValidator.fromPemFile(empty, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no PEM CERTIFICATE blocks");
        assertThatThrownBy(() -> DeviceCertificateValidator.fromPemFile(dir.resolve("missing.pem"), clock))
                .isInstanceOf(UncheckedIOException.class);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void cachesOnlySuccesses(boolean cached) {
        DeviceCertificateValidator v = validator(cached ? DeviceCertificateValidator.CACHE_TTL : Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> v.validate(TestPki.FOREIGN_DEVICE.certificate(), List.of())).isInstanceOf(IdentityException.class);
            v.validate(TestPki.RSA_DEVICE.certificate(), List.of());
        }
        assertThat(v.cacheSize()).isEqualTo(cached ? 1 : 0);
    }
}

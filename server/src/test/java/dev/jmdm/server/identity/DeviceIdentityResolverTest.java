package dev.jmdm.server.identity;

import static dev.jmdm.server.identity.TestPki.EC_DEVICE;
import static dev.jmdm.server.identity.TestPki.FOREIGN_DEVICE;
import static dev.jmdm.server.identity.TestPki.ROOT;
import static dev.jmdm.server.identity.TestPki.RSA_DEVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.identity.DeviceIdentity.Source;
import dev.jmdm.server.testing.ManualClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceIdentityResolverTest {
    private static final String PROXY_HEADER = "X-Client-Cert";
    private static final byte[] BODY = "<plist version=\"1.0\"><dict><key>Status</key><string>Idle</string></dict></plist>"
            .getBytes(StandardCharsets.UTF_8);

    private final DeviceIdentityResolver resolver = new DeviceIdentityResolver(TestPki.validator(), PROXY_HEADER);
    private final DeviceIdentityResolver withoutProxy = new DeviceIdentityResolver(TestPki.validator(), null);

    private static Certificate[] tls(dev.jmdm.certsdev.Issued device) {
        return device.fullChain().toArray(Certificate[]::new);
    }

    @Test
    void mdmSignatureComesFirst() {
        DeviceIdentity id = resolver.resolve(TestPki.sign(RSA_DEVICE, BODY), TestPki.rfc9440(EC_DEVICE.certificate()),
                tls(EC_DEVICE), BODY);

        assertThat(id.source()).isEqualTo(Source.MDM_SIGNATURE);
        assertThat(id.certificate()).isEqualTo(RSA_DEVICE.certificate());
        assertThat(id.sha256()).isEqualTo(CertificateFingerprint.sha256Hex(RSA_DEVICE.certificate()));
    }

    @Test
    void thenTheTlsPeerCertificate() {
        DeviceIdentity id = resolver.resolve(null, TestPki.rfc9440(RSA_DEVICE.certificate()), tls(EC_DEVICE), BODY);

        assertThat(id.source()).isEqualTo(Source.TLS_CLIENT_CERTIFICATE);
        assertThat(id.certificate()).isEqualTo(EC_DEVICE.certificate());
    }

    @Test
    void thenTheProxyHeaderInEitherForm() {
        String escapedPem = URLEncoder.encode(Pem.encode(EC_DEVICE.certificate()), StandardCharsets.UTF_8);

        DeviceIdentity rfc9440 = resolver.resolve(null, TestPki.rfc9440(EC_DEVICE.certificate()), null, BODY);
        DeviceIdentity nginx = resolver.resolve("", escapedPem, new Certificate[0], BODY);

        assertThat(rfc9440.source()).isEqualTo(Source.PROXY_HEADER);
        assertThat(rfc9440.sha256()).isEqualTo(CertificateFingerprint.sha256Hex(EC_DEVICE.certificate()));
        assertThat(nginx.sha256()).isEqualTo(rfc9440.sha256());
    }

    @Test
    void aProxyHeaderSeenBeforeIsValidatedAgainEveryTime() {
        ManualClock clock = new ManualClock(java.time.Instant.now());
        var timed = new DeviceIdentityResolver(new DeviceCertificateValidator(List.of(ROOT.certificate(), TestPki.INTERMEDIATE.certificate()),
                clock), PROXY_HEADER);
        String header = TestPki.rfc9440(EC_DEVICE.certificate());
        assertThat(timed.resolve(null, header, null, BODY).sha256()).isEqualTo(CertificateFingerprint.sha256Hex(EC_DEVICE.certificate()));
        assertThat(timed.resolve(null, header, null, BODY).certificate()).isEqualTo(EC_DEVICE.certificate());

        clock.advance(TestPki.YEAR.plusDays(1));

        assertThatThrownBy(() -> timed.resolve(null, header, null, BODY))
                .isInstanceOf(IdentityException.class).hasMessageContaining("expired");
    }

    @Test
    void usesTheIntermediatesTheDeviceSends() {
        var rootOnly = new DeviceIdentityResolver(new DeviceCertificateValidator(List.of(ROOT.certificate()), Clock.systemUTC()), null);

        assertThat(rootOnly.resolve(TestPki.sign(RSA_DEVICE, BODY), null, null, BODY).source()).isEqualTo(Source.MDM_SIGNATURE);
        assertThat(rootOnly.resolve(null, null, tls(EC_DEVICE), BODY).source()).isEqualTo(Source.TLS_CLIENT_CERTIFICATE);
        // A fresh validator: the one above remembers that this leaf chains to the root.
        var fresh = new DeviceIdentityResolver(new DeviceCertificateValidator(List.of(ROOT.certificate()), Clock.systemUTC()), null);
        assertThatThrownBy(() -> fresh.resolve(null, null, new Certificate[] {EC_DEVICE.certificate()}, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("not issued by a trusted CA");
    }

    @Test
    void acceptsDeviceIdentitiesWithAnEmptySubject() {
        var device = TestPki.EMPTY_SUBJECT_DEVICE;
        assertThat(device.certificate().getSubjectX500Principal().getName()).isEmpty();

        DeviceIdentity signed = resolver.resolve(TestPki.sign(device, BODY, TestPki.Digest.SHA1, TestPki.Encoding.BER, false), null, null, BODY);
        DeviceIdentity proxied = resolver.resolve(null, TestPki.rfc9440(device.certificate()), null, BODY);

        assertThat(signed.source()).isEqualTo(Source.MDM_SIGNATURE);
        assertThat(signed.sha256()).isEqualTo(CertificateFingerprint.sha256Hex(device.certificate()));
        assertThat(proxied.sha256()).isEqualTo(signed.sha256());
    }

    @Test
    void ignoresTheProxyHeaderWhenNoneIsConfigured() {
        assertThat(withoutProxy.proxyHeaderName()).isEmpty();
        assertThat(resolver.proxyHeaderName()).contains(PROXY_HEADER);

        assertThatThrownBy(() -> withoutProxy.resolve(null, TestPki.rfc9440(EC_DEVICE.certificate()), null, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessage("no device identity: no Mdm-Signature header, no TLS client certificate");
    }

    @Test
    void saysWhatWasMissing() {
        assertThatThrownBy(() -> resolver.resolve(null, null, null, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessage("no device identity: no Mdm-Signature header, no TLS client certificate, no X-Client-Cert header");
        assertThatThrownBy(() -> resolver.resolve("  ", "", new Certificate[0], BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("no device identity: ");
    }

    @Test
    void aBadSignatureFailsEvenWithAGoodTlsCertificate() {
        byte[] other = "<plist/>".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> resolver.resolve(TestPki.sign(RSA_DEVICE, other), null, tls(EC_DEVICE), BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining("does not verify");
    }

    @Test
    void aGoodSignatureByAForeignCertificateFails() {
        assertThatThrownBy(() -> resolver.resolve(TestPki.sign(FOREIGN_DEVICE, BODY), null, tls(EC_DEVICE), BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("certificate is not issued by a trusted CA");
        assertThatThrownBy(() -> resolver.resolve(null, TestPki.rfc9440(FOREIGN_DEVICE.certificate()), null, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("certificate is not issued by a trusted CA");
    }

    @Test
    void namesTheProxyHeaderWhenItIsMalformed() {
        assertThatThrownBy(() -> resolver.resolve(null, "(null)", null, BODY))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("X-Client-Cert: client certificate header is neither");
    }

    @Test
    void theRealDeviceSignatureVerifiesButItsCaIsNotOurs() {
        assertThatThrownBy(() -> resolver.resolve(TestPki.resource("mdm-signature-2.b64"), null, null,
                TestPki.resourceBytes("mdm-signature-2.body.plist")))
                .isInstanceOf(IdentityException.class)
                .hasMessageStartingWith("certificate is not issued by a trusted CA (no trusted certificate for issuer CN=ca,OU=SCEP CA,O=scep,C=US)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mdm-Signature", "mdm-signature"})
    void refusesMdmSignatureAsTheProxyHeader(String name) {
        assertThatThrownBy(() -> new DeviceIdentityResolver(TestPki.validator(), name))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blankProxyHeaderNameMeansNone() {
        assertThat(new DeviceIdentityResolver(TestPki.validator(), " ").proxyHeaderName()).isEmpty();
    }
}

package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.ServerReply;
import dev.jmdm.sim.SimulatedDevice;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Which device CAs an HTTPS server trusts: every root and intermediate in {@code MDM_CA} (a CA rotation holds the
 * old and the new), the server's own device CA beside them, intermediates a device sends in its TLS chain; and
 * the limit of the JDK's TLS stack with empty-subject identities.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeviceCaTrustTest {
    private static final Duration MONTH = Duration.ofDays(30);

    private final CertificateAuthority rotatedIn = CertificateAuthority.createRoot("rotated-in device root", MONTH);
    private final CertificateAuthority listed = rotatedIn.intermediate("intermediate listed in MDM_CA", MONTH);
    private final CertificateAuthority unlisted = rotatedIn.intermediate("intermediate only devices send", MONTH);
    private TlsStack tls;

    @BeforeAll
    void start() throws Exception {
        Path caFile = Files.createTempDirectory("jmdm-ca").resolve("mdm-ca.pem");
        Files.writeString(caFile, Pem.encode(rotatedIn.certificate(), listed.certificate()));
        tls = new TlsStack(TestDatabases.Engine.EMBEDDED, Map.of("MDM_CA", caFile.toString(), "MDM_INVENTORY", "false"));
        tls.uploadPushCert();
    }

    @AfterAll
    void stop() {
        if (tls != null) {
            tls.close();
        }
    }

    @Test
    void everyRootAndIntermediateOfMdmCaAndTheServersOwnDeviceCaAreTrusted() {
        signingDevice(tls.stack.deviceCa().issueDeviceIdentity("own device CA", MONTH, KeyAlgorithm.EC_P256)).enroll();
        signingDevice(rotatedIn.issueDeviceIdentity("second root", MONTH, KeyAlgorithm.EC_P256)).enroll();
        // The Mdm-Signature carries the leaf only: the intermediate comes from MDM_CA.
        signingDevice(listed.issueDeviceIdentity("listed intermediate", MONTH, KeyAlgorithm.EC_P256)).enroll();
    }

    @Test
    void anIntermediateMissingFromMdmCaIsTakenFromTheTlsChainTheDeviceSends() {
        Issued identity = unlisted.issueDeviceIdentity("unlisted intermediate", MONTH, KeyAlgorithm.EC_P256);
        assertThat(identity.chain()).isNotEmpty();
        SimulatedDevice overTls = SimulatedDevice.mac(transport(identity), identity, tls.stack.pushTopic()).authMode(AuthMode.MTLS);
        overTls.enroll();

        // The same kind of identity, signed messages with the leaf alone: no path to a trusted root.
        Issued other = unlisted.issueDeviceIdentity("unlisted, leaf only", MONTH, KeyAlgorithm.EC_P256);
        SimulatedDevice leafOnly = signingDevice(other);
        ServerReply refused = leafOnly.authenticate();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("not issued by a trusted CA");
        assertThat(tls.admin.enrollments("id=" + leafOnly.udid()).json().get("enrollments")).isEmpty();
    }

    /**
     * Many SCEP servers issue identities with an empty subject and no subjectAltName. The JDK's X.509 parser,
     * which its TLS stack uses for the peer's chain, refuses those (RFC 5280 wants a subjectAltName then), so
     * the handshake fails before any request; the same identity works through Mdm-Signature (parsed by
     * BouncyCastle) on a connection that presents no client certificate, or behind a TLS-terminating proxy.
     * The README says so.
     */
    @Test
    void anEmptySubjectIdentityCannotBeATlsClientCertificateButSignsFine() {
        Issued identity = emptySubjectIdentity(tls.stack.deviceCa());
        SimulatedDevice overTls = SimulatedDevice.mac(transport(identity), identity, tls.stack.pushTopic()).authMode(AuthMode.MTLS);
        // The server's bad_certificate alert or, racing it under TLS 1.3, a reset or broken pipe: the connection
        // dies before any request gets through.
        assertThatThrownBy(overTls::authenticate).isInstanceOf(UncheckedIOException.class)
                .hasRootCauseInstanceOf(java.io.IOException.class);
        assertThat(tls.admin.enrollments("id=" + overTls.udid()).json().get("enrollments")).isEmpty();

        signingDevice(identity).enroll();
    }

    /** A device that signs every message and presents no TLS client certificate. */
    private SimulatedDevice signingDevice(Issued identity) {
        return SimulatedDevice.mac(new DeviceTransport(tls.http, tls.base().resolve("/mdm")), identity, tls.stack.pushTopic());
    }

    private DeviceTransport transport(Issued identity) {
        return new DeviceTransport(tls.client(identity, HttpClient.Version.HTTP_2), tls.base().resolve("/mdm"));
    }

    private static Issued emptySubjectIdentity(CertificateAuthority ca) {
        try {
            KeyPair keys = KeyAlgorithm.EC_P256.generate();
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(MONTH)), new X500Principal(new byte[] {0x30, 0x00}),
                    keys.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            String algorithm = "EC".equals(ca.privateKey().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            // BouncyCastle's converter: the JDK's own refuses to parse what we are making.
            X509Certificate cert = new JcaX509CertificateConverter().setProvider(new BouncyCastleProvider())
                    .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(ca.privateKey())));
            return new Issued(cert, keys.getPrivate(), ca.asIssued().fullChain());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make an empty-subject identity", e);
        }
    }
}

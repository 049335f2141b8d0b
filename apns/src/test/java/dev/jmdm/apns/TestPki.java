package dev.jmdm.apns;

import dev.jmdm.certsdev.CertSpec;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/** One CA for the whole test run: it signs the mock APNs's TLS certificate and the stand-in push certificates. */
final class TestPki {
    static final CertificateAuthority CA = CertificateAuthority.createRoot("jmdm apns test CA", Duration.ofDays(30));
    static final Issued SERVER = CA.issueServer(List.of("127.0.0.1", "localhost"), Duration.ofDays(30));

    private TestPki() {
    }

    static String newTopic() {
        return "com.apple.mgmt.External." + UUID.randomUUID();
    }

    /** Shaped like identity.apple.com's: UID = topic, CN = APSP:&lt;uuid&gt;, client-auth usage. */
    static CertSpec.Builder pushSpec(String uid) {
        return CertSpec.builder("APSP:" + UUID.randomUUID())
                .uid(uid)
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
    }

    static Issued pushIdentity(String topic) {
        return CA.issue(pushSpec(topic).build());
    }

    static PushCertificate pushCertificate(String topic) {
        Issued issued = pushIdentity(topic);
        return new PushCertificate(issued.certificate(), issued.privateKey());
    }
}

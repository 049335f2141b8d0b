package dev.jmdm.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CertificateFingerprintTest {

    @Test
    void isLowercaseHexOfTheDerSha256() {
        // openssl x509 -noout -fingerprint -sha256 → 77:BF:AD:3A:…
        var cert = ClientCertHeader.parse(TestPki.resource("cert-header-rfc9440.txt"));

        assertThat(CertificateFingerprint.sha256Hex(cert))
                .isEqualTo("77bfad3a8b89a5de19b6574bcd9db36155debc4a2763f9731a99ecddd0d9d6b0");
    }

    @Test
    void differsBetweenCertificatesAndIsStable() {
        String rsa = CertificateFingerprint.sha256Hex(TestPki.RSA_DEVICE.certificate());

        assertThat(rsa).matches("[0-9a-f]{64}");
        assertThat(CertificateFingerprint.sha256Hex(TestPki.RSA_DEVICE.certificate())).isEqualTo(rsa);
        assertThat(CertificateFingerprint.sha256Hex(TestPki.EC_DEVICE.certificate())).isNotEqualTo(rsa);
    }
}

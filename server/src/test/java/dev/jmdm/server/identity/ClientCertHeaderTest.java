package dev.jmdm.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jmdm.certsdev.Pem;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientCertHeaderTest {
    /** openssl x509 -noout -fingerprint -sha256 of the vectors' certificate (CN=mdm.example.org). */
    private static final String VECTOR_SHA256 = "77bfad3a8b89a5de19b6574bcd9db36155debc4a2763f9731a99ecddd0d9d6b0";

    @Test
    void bothVectorFormsHoldTheSameCertificate() {
        X509Certificate rfc9440 = ClientCertHeader.parse(TestPki.resource("cert-header-rfc9440.txt"));
        X509Certificate escapedPem = ClientCertHeader.parse(TestPki.resource("cert-header-query-escaped.txt"));

        assertThat(CertificateFingerprint.sha256Hex(rfc9440)).isEqualTo(VECTOR_SHA256);
        assertThat(CertificateFingerprint.sha256Hex(escapedPem)).isEqualTo(VECTOR_SHA256);
        assertThat(rfc9440.getSubjectX500Principal().getName()).isEqualTo("CN=mdm.example.org");
    }

    static Stream<Arguments> encodings() {
        X509Certificate cert = TestPki.RSA_DEVICE.certificate();
        String pem = Pem.encode(cert);
        return Stream.of(
                Arguments.of("RFC 9440", TestPki.rfc9440(cert)),
                Arguments.of("RFC 9440 with surrounding spaces", "  " + TestPki.rfc9440(cert) + " "),
                Arguments.of("escaped PEM, + for space", URLEncoder.encode(pem, StandardCharsets.UTF_8)),
                Arguments.of("escaped PEM, %20 for space", URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20")),
                Arguments.of("escaped PEM, CRLF", URLEncoder.encode(pem.replace("\n", "\r\n"), StandardCharsets.UTF_8)),
                Arguments.of("escaped PEM, dashes escaped too", URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("-", "%2D")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void parsesEitherForm(String name, String header) {
        assertThat(ClientCertHeader.parse(header)).isEqualTo(TestPki.RSA_DEVICE.certificate());
    }

    static Stream<Arguments> garbage() throws Exception {
        X509Certificate cert = TestPki.RSA_DEVICE.certificate();
        byte[] der = cert.getEncoded();
        byte[] trailing = java.util.Arrays.copyOf(der, der.length + 2);
        String pem = Pem.encode(cert);
        return Stream.of(
                Arguments.of("empty", "", "client certificate header is empty"),
                Arguments.of("blank", "  ", "client certificate header is empty"),
                Arguments.of("nginx without a certificate", "(null)", "neither RFC 9440"),
                Arguments.of("bare base64 DER", Base64.getEncoder().encodeToString(der), "neither RFC 9440"),
                Arguments.of("unescaped PEM on one line", pem.replace("\n", " "), "client certificate header"),
                Arguments.of("missing closing colon", ":" + Base64.getEncoder().encodeToString(der), "not an RFC 9440 byte sequence"),
                Arguments.of("empty byte sequence", "::", "not an RFC 9440 byte sequence"),
                Arguments.of("not base64", ":!!!!:", "not valid base64"),
                Arguments.of("not a certificate", ":" + Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8)) + ":", "does not hold a DER certificate"),
                Arguments.of("broken DER", ":" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(der, 100)) + ":", "not an X.509 certificate"),
                Arguments.of("bytes after the certificate", ":" + Base64.getEncoder().encodeToString(trailing) + ":", "Extra data detected"),
                Arguments.of("a PKCS#7 bundle", ":" + Base64.getEncoder().encodeToString(certsOnlyPkcs7(cert)) + ":", "not an X.509 certificate"),
                Arguments.of("two certificates", URLEncoder.encode(pem + pem, StandardCharsets.UTF_8), "exactly one PEM CERTIFICATE"),
                Arguments.of("a private key", URLEncoder.encode(Pem.encode(TestPki.RSA_DEVICE.privateKey()), StandardCharsets.UTF_8), "exactly one PEM CERTIFICATE"),
                Arguments.of("bad escape", "-----BEGIN%ZZCERTIFICATE-----", "not valid URL-escaped PEM"),
                Arguments.of("too long", ":" + "A".repeat(ClientCertHeader.MAX_LENGTH) + ":", "longer than"));
    }

    private static byte[] certsOnlyPkcs7(X509Certificate cert) throws Exception {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        g.addCertificates(new JcaCertStore(List.of(cert)));
        return g.generate(new CMSAbsentContent()).getEncoded();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbage")
    void refusesAnythingElse(String name, String header, String message) {
        assertThatThrownBy(() -> ClientCertHeader.parse(header))
                .isInstanceOf(IdentityException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> ClientCertHeader.parse(null))
                .isInstanceOf(IdentityException.class)
                .hasMessage("client certificate header is empty");
    }
}

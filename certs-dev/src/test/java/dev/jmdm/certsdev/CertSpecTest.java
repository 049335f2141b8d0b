package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

class CertSpecTest {

    @Test
    void defaultsToAnRsaEndEntityValidForAYearFromJustBeforeNow() {
        Instant before = Instant.now();
        CertSpec spec = CertSpec.builder("leaf").build();

        assertThat(spec.ca()).isFalse();
        assertThat(spec.keyUsage()).isZero();
        assertThat(spec.extendedKeyUsages()).isEmpty();
        assertThat(spec.keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
        assertThat(spec.notBefore()).isBefore(before);
        assertThat(Duration.between(spec.notBefore(), spec.notAfter())).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void subjectCarriesUidCommonNameAndOrganization() {
        CertSpec spec = CertSpec.builder("APSP:x").uid("com.apple.mgmt.External.x").organization("Org").build();

        assertThat(IETFUtils.valueToString(spec.subject().getRDNs(BCStyle.UID)[0].getFirst().getValue()))
                .isEqualTo("com.apple.mgmt.External.x");
        assertThat(IETFUtils.valueToString(spec.subject().getRDNs(BCStyle.CN)[0].getFirst().getValue()))
                .isEqualTo("APSP:x");
        assertThat(spec.subject().getRDNs(BCStyle.O)).hasSize(1);
    }

    @Test
    void buildingTwiceGivesTheSameSubjectNotADoubledOne() {
        CertSpec.Builder builder = CertSpec.builder("twice").uid("u").organization("o");

        CertSpec first = builder.build();
        CertSpec second = builder.build();

        assertThat(second.subject()).isEqualTo(first.subject());
        assertThat(second.subject().getRDNs()).hasSize(3);
    }

    @Test
    void caAddsCertificateSigningUsages() {
        CertSpec spec = CertSpec.builder("ca").ca().build();

        assertThat(spec.ca()).isTrue();
        assertThat(spec.keyUsage() & KeyUsage.keyCertSign).isNotZero();
        assertThat(spec.keyUsage() & KeyUsage.cRLSign).isNotZero();
    }

    @Test
    void usagesAndNamesAccumulateAndTheSpecIsImmutable() {
        CertSpec spec = CertSpec.builder("s")
                .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
                .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
                .subjectAltName("a.test")
                .subjectAltName("::1")
                .build();

        assertThat(spec.extendedKeyUsages()).containsExactly(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        assertThat(spec.subjectAltNames()).containsExactly("a.test", "::1");
        assertThatThrownBy(() -> spec.subjectAltNames().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesAWindowThatEndsBeforeItStarts() {
        Instant now = Instant.now();

        assertThatThrownBy(() -> CertSpec.builder("bad").validity(now, now.minusSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notAfter");
        assertThatThrownBy(() -> CertSpec.builder("empty").validity(now, now).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validForCountsFromNotBefore() {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");

        CertSpec spec = CertSpec.builder("later").validity(start, start.plusSeconds(1)).validFor(Duration.ofDays(2)).build();

        assertThat(spec.notBefore()).isEqualTo(start);
        assertThat(spec.notAfter()).isEqualTo(start.plus(Duration.ofDays(2)));
    }
}

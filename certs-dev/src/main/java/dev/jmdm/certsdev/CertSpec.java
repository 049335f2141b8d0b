package dev.jmdm.certsdev;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * What to put in a certificate. Built with {@link #builder(String)}; explicit validity windows
 * let tests make expired and not-yet-valid certificates.
 */
public record CertSpec(
        X500Name subject,
        Instant notBefore,
        Instant notAfter,
        boolean ca,
        int keyUsage,
        List<KeyPurposeId> extendedKeyUsages,
        List<String> subjectAltNames,
        KeyAlgorithm keyAlgorithm) {

    public CertSpec {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        extendedKeyUsages = List.copyOf(extendedKeyUsages);
        subjectAltNames = List.copyOf(subjectAltNames);
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter must be after notBefore");
        }
    }

    public static Builder builder(String commonName) {
        return new Builder(commonName);
    }

    /** A fluent builder; defaults: one year from one minute ago, an end-entity RSA key, no usages. */
    public static final class Builder {
        private final String commonName;
        private String uid;
        private Instant notBefore = Instant.now().minus(Duration.ofMinutes(1));
        private Instant notAfter = notBefore.plus(Duration.ofDays(365));
        private boolean ca;
        private int keyUsage;
        private final List<KeyPurposeId> eku = new ArrayList<>();
        private final List<String> sans = new ArrayList<>();
        private KeyAlgorithm keyAlgorithm = KeyAlgorithm.RSA_2048;
        private String organization;

        private Builder(String commonName) {
            this.commonName = Objects.requireNonNull(commonName, "commonName");
        }

        /** The subject UID attribute (0.9.2342.19200300.100.1.1), which Apple push certs use for the topic. */
        public Builder uid(String uid) {
            this.uid = uid;
            return this;
        }

        public Builder organization(String organization) {
            this.organization = organization;
            return this;
        }

        public Builder validity(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        public Builder validFor(Duration duration) {
            this.notAfter = notBefore.plus(duration);
            return this;
        }

        public Builder ca() {
            this.ca = true;
            this.keyUsage |= KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature;
            return this;
        }

        public Builder keyUsage(int bits) {
            this.keyUsage |= bits;
            return this;
        }

        public Builder extendedKeyUsage(KeyPurposeId purpose) {
            this.eku.add(purpose);
            return this;
        }

        /** A DNS name or an IP address literal. */
        public Builder subjectAltName(String name) {
            this.sans.add(name);
            return this;
        }

        public Builder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
            this.keyAlgorithm = keyAlgorithm;
            return this;
        }

        /** A spec from the current settings; the builder stays usable, so one builder can make several specs. */
        public CertSpec build() {
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
            if (uid != null) {
                subject.addRDN(BCStyle.UID, uid);
            }
            subject.addRDN(BCStyle.CN, commonName);
            if (organization != null) {
                subject.addRDN(BCStyle.O, organization);
            }
            return new CertSpec(subject.build(), notBefore, notAfter, ca, keyUsage, eku, sans, keyAlgorithm);
        }
    }
}

package dev.jmdm.certsdev;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA that can sign certificates: a root made here, or one loaded from PEM files. */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Issued self;

    private CertificateAuthority(Issued self) {
        this.self = self;
    }

    /** A new self-signed root CA. */
    public static CertificateAuthority createRoot(String commonName, Duration validity) {
        return createRoot(commonName, validity, 0);
    }

    /**
     * A self-signed CA whose key usage also carries {@code extraKeyUsage} (bits of {@link KeyUsage}), e.g.
     * keyEncipherment for a CA that SCEP clients encrypt their requests to.
     */
    public static CertificateAuthority createRoot(String commonName, Duration validity, int extraKeyUsage) {
        CertSpec spec = CertSpec.builder(commonName).organization("jmdm development").ca().keyUsage(extraKeyUsage)
                .validFor(validity).build();
        KeyPair keys = spec.keyAlgorithm().generate();
        X509Certificate cert = sign(spec, keys.getPublic(), spec.subject(), keys.getPrivate(), null);
        return new CertificateAuthority(new Issued(cert, keys.getPrivate(), List.of()));
    }

    /**
     * Wraps an existing CA certificate and key (for example read back from files).
     *
     * @throws IllegalArgumentException if the certificate is not a CA or the key is not its key
     */
    public static CertificateAuthority of(Issued issued) {
        if (issued.certificate().getBasicConstraints() < 0) {
            throw new IllegalArgumentException("not a CA certificate: " + issued.certificate().getSubjectX500Principal());
        }
        if (!KeyAlgorithm.matches(issued.privateKey(), issued.certificate().getPublicKey())) {
            throw new IllegalArgumentException("the private key does not belong to " + issued.certificate().getSubjectX500Principal());
        }
        return new CertificateAuthority(issued);
    }

    public X509Certificate certificate() {
        return self.certificate();
    }

    public PrivateKey privateKey() {
        return self.privateKey();
    }

    /** This CA as an issued certificate (with its own chain). */
    public Issued asIssued() {
        return self;
    }

    /** A subordinate CA signed by this one. */
    public CertificateAuthority intermediate(String commonName, Duration validity) {
        return new CertificateAuthority(issue(CertSpec.builder(commonName).organization("jmdm development").ca().validFor(validity).build()));
    }

    /**
     * A TLS server certificate for the given DNS names and IP addresses (subject CN is the first); no names means
     * {@code localhost}, because clients match names against the SANs only.
     */
    public Issued issueServer(List<String> names, Duration validity) {
        if (names.isEmpty()) {
            names = List.of("localhost");
        }
        CertSpec.Builder b = CertSpec.builder(names.get(0))
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                .extendedKeyUsage(KeyPurposeId.id_kp_serverAuth)
                .validFor(validity);
        names.forEach(b::subjectAltName);
        return issue(b.build());
    }

    /**
     * A device identity as an MDM enrollment would install it: client-auth usage, subject CN naming the device.
     */
    public Issued issueDeviceIdentity(String commonName, Duration validity, KeyAlgorithm algorithm) {
        return issue(deviceIdentitySpec(commonName).validFor(validity).keyAlgorithm(algorithm).build());
    }

    /** The spec of a device identity, for callers that want to bend one field (validity, usage) in tests. */
    public static CertSpec.Builder deviceIdentitySpec(String commonName) {
        return CertSpec.builder(commonName)
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                .extendedKeyUsage(KeyPurposeId.id_kp_clientAuth);
    }

    /** Issues a certificate for a fresh key pair of the spec's algorithm. */
    public Issued issue(CertSpec spec) {
        KeyPair keys = spec.keyAlgorithm().generate();
        return new Issued(issueFor(spec, keys.getPublic()), keys.getPrivate(), self.fullChain());
    }

    /** Signs a certificate for a public key the caller holds (a CSR's, say). */
    public X509Certificate issueFor(CertSpec spec, PublicKey publicKey) {
        return sign(spec, publicKey, X500Name.getInstance(self.certificate().getSubjectX500Principal().getEncoded()),
                self.privateKey(), self.certificate());
    }

    private static X509Certificate sign(CertSpec spec, PublicKey subjectKey, X500Name issuer, PrivateKey signerKey,
            X509Certificate issuerCert) {
        try {
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial,
                    Date.from(spec.notBefore()), Date.from(spec.notAfter()), spec.subject(), subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, spec.ca() ? new BasicConstraints(true) : new BasicConstraints(false));
            int keyUsage = spec.keyUsage();
            if (KeyAlgorithm.of(subjectKey) == KeyAlgorithm.EC_P256) {
                // An EC key cannot encipher: RFC 5480 section 3 forbids these bits, and strict verifiers refuse them.
                keyUsage &= ~(KeyUsage.keyEncipherment | KeyUsage.dataEncipherment);
            }
            if (keyUsage != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (!spec.extendedKeyUsages().isEmpty()) {
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(spec.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            }
            if (!spec.subjectAltNames().isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String n : spec.subjectAltNames()) {
                    names.add(SubjectAltNames.toGeneralName(n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                // The key identifier alone, as RFC 5280 4.2.1.1 recommends; BouncyCastle's
                // createAuthorityKeyIdentifier(cert) would also pin the issuer's own issuer and serial.
                b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ext, issuerCert));
            }
            ContentSigner signer = new JcaContentSignerBuilder(KeyAlgorithm.of(issuerCert == null ? subjectKey
                    : issuerCert.getPublicKey()).signatureAlgorithm()).build(signerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign certificate for " + spec.subject(), e);
        }
    }

    private static AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils ext, X509Certificate issuerCert) {
        byte[] skiExtension = issuerCert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (skiExtension != null) {
            byte[] keyId = SubjectKeyIdentifier.getInstance(
                    ASN1OctetString.getInstance(skiExtension).getOctets()).getKeyIdentifier();
            return new AuthorityKeyIdentifier(keyId);
        }
        return new AuthorityKeyIdentifier(ext.createSubjectKeyIdentifier(issuerCert.getPublicKey()).getKeyIdentifier());
    }

    /** Default lifetime of development CAs. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
}

package dev.jmdm.server.enroll;

import dev.jmdm.server.scep.DeviceCertificates;
import dev.jmdm.server.tls.PemIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEOutputEncryptorBuilder;

/**
 * Issues device identities from the server's device CA ({@code MDM_DEVICE_CA_CERT}/{@code _KEY}) and packs them
 * as password-protected PKCS#12, the form a {@code com.apple.security.pkcs12} payload carries.
 *
 * <p>RSA 2048 keys, as the identities Apple devices get over SCEP; client-auth usage and no CA flag, which is what
 * the device endpoints require of an identity. Thread-safe.
 */
final class DeviceIdentityIssuer {
    /** How long an identity issued for an enrollment profile is valid (never past the CA's own end). */
    static final Duration IDENTITY_VALIDITY = Duration.ofDays(365);
    private static final int PKCS12_ITERATIONS = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PemIdentity ca;
    private final Clock clock;

    /** A fresh identity: the certificate, its key, and the chain above it (the device CA and what follows it). */
    record Identity(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {
    }

    DeviceIdentityIssuer(PemIdentity ca, Clock clock) {
        this.ca = ca;
        this.clock = clock;
    }

    X509Certificate caCertificate() {
        return ca.certificate();
    }

    Identity issue() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, "jmdm device identity " + UUID.randomUUID())
                    .build();
            X509Certificate cert = DeviceCertificates.issue(ca, keys.getPublic(), subject, clock.instant(), IDENTITY_VALIDITY);
            return new Identity(cert, keys.getPrivate(), ca.fullChain());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a device identity: " + e.getMessage(), e);
        }
    }

    static String signatureAlgorithm(PrivateKey key) {
        return DeviceCertificates.signatureAlgorithm(key);
    }

    /**
     * The identity as PKCS#12 protected by the password: key, certificate, and chain.
     *
     * <p>PKCS#12 3DES with a SHA-1 MAC rather than the PBES2/AES-256 that the JDK writes: older macOS and iOS
     * releases refuse PBES2 files (reporting a wrong password), which is why OpenSSL 3 users pass {@code -legacy}
     * for Apple devices. Built with BouncyCastle's lightweight API, as certs-dev writes its files.
     */
    static byte[] pkcs12(Identity identity, char[] password) {
        try {
            var keyId = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(identity.certificate().getPublicKey());
            var name = new DERBMPString("MDM identity");
            List<X509Certificate> all = new ArrayList<>();
            all.add(identity.certificate());
            all.addAll(identity.chain());
            List<PKCS12SafeBag> certBags = new ArrayList<>();
            for (X509Certificate cert : all) {
                PKCS12SafeBagBuilder bag = new PKCS12SafeBagBuilder(new JcaX509CertificateHolder(cert));
                if (cert == identity.certificate()) {
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name);
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
                }
                certBags.add(bag.build());
            }
            PKCS12SafeBagBuilder keyBag = new PKCS12SafeBagBuilder(
                    PrivateKeyInfo.getInstance(identity.privateKey().getEncoded()), encryptor(password));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            pfx.addEncryptedData(encryptor(password), certBags.toArray(PKCS12SafeBag[]::new));
            pfx.addData(keyBag.build());
            var mac = new BcPKCS12MacCalculatorBuilder(new SHA1Digest(),
                    new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE)).setIterationCount(PKCS12_ITERATIONS);
            return pfx.build(mac, password).getEncoded();
        } catch (GeneralSecurityException | PKCSException | IOException e) {
            throw new IllegalStateException("cannot write PKCS#12: " + e.getMessage(), e);
        }
    }

    private static OutputEncryptor encryptor(char[] password) {
        return new BcPKCS12PBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                CBCBlockCipher.newInstance(new DESedeEngine())).setIterationCount(PKCS12_ITERATIONS).build(password);
    }
}

package dev.jmdm.certsdev;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEOutputEncryptorBuilder;

/** PKCS#12 files, as devices and Keychain Access import them. */
public final class Pkcs12 {
    private static final String ALIAS = "identity";
    private static final int ITERATIONS = 2048;

    private Pkcs12() {
    }

    /**
     * The identity's key and full chain, protected with the password.
     *
     * <p>Encrypted with PKCS#12 3DES and a SHA-1 MAC rather than the PBES2/AES-256 that the JDK 17 KeyStore
     * writes: older macOS and iOS releases refuse PBES2 files (reporting a wrong password), which is why people
     * pass {@code -legacy} to OpenSSL 3 for Apple devices. 3DES is the format they have always imported, and
     * OpenSSL 3 (without {@code -legacy}) and Java read it as well. Built with BouncyCastle's lightweight API, so
     * no JCE provider (and no provider signature check) is involved.
     */
    public static byte[] encode(Issued issued, char[] password) {
        try {
            var keyId = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(issued.certificate().getPublicKey());
            var name = new DERBMPString(ALIAS);

            List<PKCS12SafeBag> certBags = new ArrayList<>();
            for (X509Certificate cert : issued.fullChain()) {
                PKCS12SafeBagBuilder bag = new PKCS12SafeBagBuilder(new JcaX509CertificateHolder(cert));
                if (cert == issued.certificate()) {
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name);
                    bag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);
                }
                certBags.add(bag.build());
            }
            PKCS12SafeBagBuilder keyBag = new PKCS12SafeBagBuilder(
                    PrivateKeyInfo.getInstance(issued.privateKey().getEncoded()), encryptor(password));
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, name);
            keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, keyId);

            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            pfx.addEncryptedData(encryptor(password), certBags.toArray(PKCS12SafeBag[]::new));
            pfx.addData(keyBag.build());
            var mac = new BcPKCS12MacCalculatorBuilder(new SHA1Digest(),
                    new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE)).setIterationCount(ITERATIONS);
            return pfx.build(mac, password).getEncoded();
        } catch (GeneralSecurityException | PKCSException | IOException e) {
            throw new IllegalStateException("cannot write PKCS#12", e);
        }
    }

    private static OutputEncryptor encryptor(char[] password) {
        return new BcPKCS12PBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                CBCBlockCipher.newInstance(new DESedeEngine())).setIterationCount(ITERATIONS).build(password);
    }

    /** The first key entry of a PKCS#12 file. */
    public static Issued decode(byte[] p12, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(p12), password);
            for (Enumeration<String> e = ks.aliases(); e.hasMoreElements();) {
                String alias = e.nextElement();
                if (ks.isKeyEntry(alias)) {
                    Certificate[] chain = ks.getCertificateChain(alias);
                    List<X509Certificate> rest = new ArrayList<>();
                    for (Certificate c : Arrays.asList(chain).subList(1, chain.length)) {
                        rest.add((X509Certificate) c);
                    }
                    return new Issued((X509Certificate) chain[0], (PrivateKey) ks.getKey(alias, password), rest);
                }
            }
            throw new IllegalArgumentException("PKCS#12 holds no private key");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot read PKCS#12: " + e.getMessage(), e);
        }
    }
}

package dev.jmdm.certsdev;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** PEM encoding and decoding of certificates and unencrypted private keys. */
public final class Pem {
    private Pem() {
    }

    /** PEM text of each object in turn (certificates, keys as unencrypted PKCS#8); lists are written item by item. */
    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                if (o instanceof List<?> list) {
                    for (Object item : list) {
                        write(w, item);
                    }
                } else {
                    write(w, o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    // Private keys as PKCS#8 ("BEGIN PRIVATE KEY"), not OpenSSL's traditional per-algorithm form: Netty (so Pushy's
    // mock APNs) and plain JDK code read only PKCS#8, and OpenSSL reads both.
    private static void write(JcaPEMWriter w, Object o) throws IOException {
        if (o instanceof PrivateKey key) {
            w.writeObject(new JcaPKCS8Generator(key, null));
        } else {
            w.writeObject(o);
        }
    }

    /** Every certificate in the text, in order; other PEM blocks are skipped. */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certs = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    certs.add(conv.getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("not valid PEM certificates: " + e.getMessage(), e);
        }
        return certs;
    }

    /** The first private key in the text (PKCS#1 or PKCS#8, RSA or EC), or null when there is none. */
    public static PrivateKey privateKey(String pem) {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException("encrypted private keys are not supported; decrypt it first "
                            + "(openssl pkey -in KEY -out KEY.plain)");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a valid PEM private key: " + e.getMessage(), e);
        }
        return null;
    }
}

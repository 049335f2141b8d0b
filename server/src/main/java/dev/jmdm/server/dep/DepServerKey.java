package dev.jmdm.server.dep;

import dev.jmdm.server.secrets.SealedColumn;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.Sql;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The key pair Apple Business Manager encrypts server tokens to. Made on first use (an RSA key and a self-signed
 * certificate, which is all ABM looks at), its private key sealed at rest; every server sharing the database uses the
 * one row, and of two servers making it at once the first insert wins and both use that one.
 */
public final class DepServerKey {
    /** What the key pair is: a certificate to hand to ABM and the key that opens what ABM encrypts to it. */
    public record Pair(X509Certificate certificate, PrivateKey privateKey, String certificatePem) {
    }

    static final String ROW = "default";
    /** ABM does not check the certificate's dates; long, so that no token import fails on an old certificate. */
    static final Duration VALIDITY = Duration.ofDays(3650);

    private final Jdbi jdbi;
    private final StoredSecrets secrets;
    private final Clock clock;
    private volatile Pair cached;

    public DepServerKey(Jdbi jdbi, StoredSecrets secrets, Clock clock) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The key pair, made and stored the first time it is asked for. */
    public Pair get() {
        Pair p = cached;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (cached == null) {
                cached = load().orElseGet(this::create);
            }
            return cached;
        }
    }

    private java.util.Optional<Pair> load() {
        return jdbi.withHandle(h -> h.createQuery("SELECT certificate, private_key FROM dep_server_key WHERE id = :id")
                .bind("id", ROW)
                .map((rs, ctx) -> parse(rs.getString(1), secrets.openText(SealedColumn.DEP_SERVER_KEY, ROW, rs.getString(2))))
                .findOne());
    }

    private Pair create() {
        Pair made = generate(clock);
        try {
            jdbi.useHandle(h -> h.createUpdate("""
                    INSERT INTO dep_server_key (id, certificate, private_key, created_at) VALUES (:id, :cert, :key, :now)""")
                    .bind("id", ROW).bind("cert", made.certificatePem())
                    .bind("key", secrets.sealText(SealedColumn.DEP_SERVER_KEY, ROW, pem(made.privateKey())))
                    .bind("now", clock.millis()).execute());
            return made;
        } catch (UnableToExecuteStatementException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
            return load().orElseThrow(() -> e);
        }
    }

    static Pair generate(Clock clock) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            long now = clock.millis();
            X500Name name = new X500Name("CN=jmdm DEP token key");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    new Date(now - Duration.ofHours(1).toMillis()), new Date(now + VALIDITY.toMillis()), name, kp.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyEncipherment | KeyUsage.digitalSignature));
            X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
            return new Pair(cert, kp.getPrivate(), pem(cert));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make the DEP key pair", e);
        }
    }

    private static Pair parse(String certPem, String keyPem) {
        try (PEMParser certs = new PEMParser(new StringReader(certPem)); PEMParser keys = new PEMParser(new StringReader(keyPem))) {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) certs.readObject());
            Object k = keys.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            PrivateKey key = k instanceof PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate() : conv.getPrivateKey((PrivateKeyInfo) k);
            return new Pair(cert, key, certPem);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("the stored DEP key pair is unreadable", e);
        }
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

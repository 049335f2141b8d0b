package dev.jmdm.sim;

import dev.jmdm.certsdev.Issued;
import java.net.Socket;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * HTTPS clients for simulated devices and admins: they trust only the given roots for the server and, for a device
 * in {@link AuthMode#MTLS}, present its identity as the TLS client certificate. A client certificate belongs to the
 * connection, not the request, so a device that changes identity needs a new client (and transport).
 */
public final class MutualTls {
    private MutualTls() {
    }

    /**
     * @param trustedServerRoots the roots the server's certificate must chain to (certs-dev's {@code ca.pem}), or null
     *        for the JDK's own
     * @param identity presented when the server asks for a client certificate, or null for none
     */
    public static HttpClient client(Collection<X509Certificate> trustedServerRoots, Issued identity, HttpClient.Version version) {
        return HttpClient.newBuilder().version(version).sslContext(context(trustedServerRoots, identity))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public static SSLContext context(Collection<X509Certificate> trustedServerRoots, Issued identity) {
        try {
            KeyStore trust = null;
            if (trustedServerRoots != null) {
                trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate root : trustedServerRoots) {
                    trust.setCertificateEntry("root-" + i++, root);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            KeyManager[] keys = identity == null ? null : new KeyManager[] {new AlwaysPresent(identity)};
            ctx.init(keys, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * Presents its one identity (with its chain) whatever issuers the server names, as a device presents the
     * identity its profile points at; the JDK's own key manager would keep back a certificate from a CA the server
     * did not name, which would hide exactly the refusals the tests look for.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private static final String ALIAS = "device";
        private final Issued identity;

        AlwaysPresent(Issued identity) {
            this.identity = identity;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity.fullChain().toArray(X509Certificate[]::new);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.privateKey();
        }
    }
}

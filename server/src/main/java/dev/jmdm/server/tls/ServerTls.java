package dev.jmdm.server.tls;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTPS listener's {@link SSLContext}: the server presents its certificate chain, and asks clients for a
 * certificate naming the device CAs as acceptable issuers, so a device (or any TLS client with several
 * identities) picks its MDM identity.
 *
 * <p>The handshake accepts whatever client certificate is presented. Judging it is the device endpoints' job
 * ({@code DeviceIdentityResolver}, the same checks as for {@code Mdm-Signature} and the proxy header): a foreign,
 * expired or wrong-usage certificate then gets a 400 that says why, instead of a TLS alert that a device reports
 * as "cannot connect", and paths that need no device identity (the admin API, {@code /mdm/enroll}) keep working for
 * clients that hold some other certificate. The handshake still proves the client holds the certificate's key.
 */
public final class ServerTls {
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private ServerTls() {
    }

    /**
     * @param identity the server's certificate chain and key
     * @param deviceCas the certificates to name as acceptable client-certificate issuers (may be empty)
     */
    public static SSLContext context(PemIdentity identity, List<X509Certificate> deviceCas) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", identity.privateKey(), IN_MEMORY_PASSWORD,
                    identity.fullChain().toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), new TrustManager[] {new DeferredClientTrust(deviceCas)}, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** Accepts any client certificate at the handshake; the device endpoints validate it. Never a client itself. */
    private static final class DeferredClientTrust extends X509ExtendedTrustManager {
        private final X509Certificate[] acceptedIssuers;

        DeferredClientTrust(List<X509Certificate> deviceCas) {
            this.acceptedIssuers = deviceCas.toArray(X509Certificate[]::new);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return acceptedIssuers.clone();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // validated per request by the device endpoints
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // validated per request by the device endpoints
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // validated per request by the device endpoints
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the MDM server's listener does not act as a TLS client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }
    }
}

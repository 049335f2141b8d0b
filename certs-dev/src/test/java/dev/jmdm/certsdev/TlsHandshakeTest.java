package dev.jmdm.certsdev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files in real TLS over loopback, JDK on both ends with hostname verification: the MDM server with device
 * identities (mutual TLS against device-ca.pem), and the mock APNs with the stand-in push certificate.
 */
class TlsHandshakeTest {
    private static final char[] STORE_PASSWORD = "unused".toCharArray();
    private static final int TIMEOUT_MILLIS = 10_000;

    @TempDir
    static Path dir;

    private static StackFiles files;
    private static ExecutorService serverThread;

    @BeforeAll
    static void init() throws Exception {
        files = DevStack.init(dir).files();
        DevStack.issueDevice(dir, "TLS-RSA");
        DevStack.issueDevice(dir, "TLS-EC", KeyAlgorithm.EC_P256, DevStack.DEVICE_VALIDITY, false);
        serverThread = Executors.newSingleThreadExecutor();
    }

    @AfterAll
    static void stop() {
        serverThread.shutdownNow();
    }

    @Test
    void deviceIdentitiesAuthenticateToTheMdmServerByEveryLoopbackName() throws Exception {
        for (String udid : List.of("TLS-RSA", "TLS-EC")) {
            for (String host : List.of("localhost", "127.0.0.1", "::1")) {
                String seenByServer = handshake(identity(files.serverCert(), files.serverKey()), anchor(files.deviceCaCert()),
                        identity(files.device(udid).cert(), files.device(udid).key()), anchor(files.caCert()), host);

                assertThat(seenByServer).as(udid + " via " + host).isEqualTo("CN=" + udid);
            }
        }
    }

    @Test
    void theMdmServerRefusesClientsTheDeviceCaDidNotIssue() {
        assertThatThrownBy(() -> handshake(identity(files.serverCert(), files.serverKey()), anchor(files.deviceCaCert()),
                identity(files.pushCert(), files.pushKey()), anchor(files.caCert()), "localhost"))
                .isInstanceOf(IOException.class);
    }

    @Test
    void clientsRefuseTheServerForAnotherNameOrAnotherAnchor() {
        assertThatThrownBy(() -> handshake(identity(files.serverCert(), files.serverKey()), anchor(files.deviceCaCert()),
                identity(files.device("TLS-RSA").cert(), files.device("TLS-RSA").key()), anchor(files.caCert()),
                "elsewhere.test"))
                .isInstanceOf(SSLException.class);
        assertThatThrownBy(() -> handshake(identity(files.serverCert(), files.serverKey()), anchor(files.deviceCaCert()),
                identity(files.device("TLS-RSA").cert(), files.device("TLS-RSA").key()), anchor(files.deviceCaCert()),
                "localhost"))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void pushCertificateAuthenticatesToTheMockApnsServer() throws Exception {
        String seenByServer = handshake(identity(files.apnsServerCert(), files.apnsServerKey()), anchor(files.pushCaCert()),
                identity(files.pushCert(), files.pushKey()), anchor(files.caCert()), "localhost");

        // Pushy's mock APNs takes the topic from the peer name with this pattern.
        assertThat(seenByServer).matches(".*UID=com\\.apple\\.mgmt\\.External\\.[^,]+.*");
    }

    /** Runs one mutual-TLS exchange; returns the client subject the server saw, or throws what the client hit. */
    private static String handshake(Issued serverIdentity, X509Certificate serverTrusts, Issued clientIdentity,
            X509Certificate clientTrusts, String host) throws Exception {
        SSLContext serverContext = context(serverIdentity, serverTrusts);
        SSLContext clientContext = context(clientIdentity, clientTrusts);
        InetAddress loopback = host.contains(":") ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            listener.setNeedClientAuth(true);
            listener.setSoTimeout(TIMEOUT_MILLIS);
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(TIMEOUT_MILLIS);
                    s.startHandshake();
                    String peer = ((X509Certificate) s.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                    s.getOutputStream().write((peer + "\n").getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    return peer;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, serverThread);
            String line;
            try (Socket raw = new Socket(loopback, listener.getLocalPort());
                    SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                            .createSocket(raw, host, listener.getLocalPort(), true)) {
                client.setSoTimeout(TIMEOUT_MILLIS);
                SSLParameters params = client.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(params);
                client.startHandshake();
                line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } finally {
                // Only after the client has closed: the server's close waits for the client's close_notify.
                served.handle((ok, failed) -> null).get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
            if (line == null) {
                throw new SSLException("the server closed the connection");
            }
            assertThat(served.get()).isEqualTo(line);
            return line;
        }
    }

    private static SSLContext context(Issued identity, X509Certificate trusted) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("identity", identity.privateKey(), STORE_PASSWORD, identity.fullChain().toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("anchor", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    /** An identity straight from its PEM files, as a server reading MDM_TLS_CERT and MDM_TLS_KEY would. */
    private static Issued identity(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = Pem.certificates(Files.readString(certFile));
        return new Issued(chain.get(0), Pem.privateKey(Files.readString(keyFile)), chain.subList(1, chain.size()));
    }

    private static X509Certificate anchor(Path caFile) throws IOException {
        return Pem.certificates(Files.readString(caFile)).get(0);
    }
}

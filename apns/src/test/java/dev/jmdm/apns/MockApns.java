package dev.jmdm.apns;

import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Pushy's real mock APNs on loopback over TLS, recording every push it receives together with the client certificate
 * of the connection it came on, and answering as the test's {@link Behaviour} says.
 */
final class MockApns implements AutoCloseable {

    /** What one push looked like on the wire. */
    record Received(String token, String topic, String pushType, String priority, String expiration, byte[] payload,
            BigInteger clientSerial) {
    }

    /** Decides the answer: return to accept, throw to reject. Runs on the server's event loop. */
    @FunctionalInterface
    interface Behaviour {
        void answer(Received push) throws RejectedNotificationException;
    }

    static final Behaviour ACCEPT = push -> { };

    private final NioEventLoopGroup eventLoop;
    private final MockApnsServer server;
    private final int port;
    final Queue<Received> received = new ConcurrentLinkedQueue<>();

    private MockApns(Behaviour behaviour, int threads) throws Exception {
        eventLoop = new NioEventLoopGroup(threads);
        server = new MockApnsServerBuilder()
                .setServerCredentials(TestPki.SERVER.fullChain().toArray(X509Certificate[]::new),
                        TestPki.SERVER.privateKey(), null)
                // despite its name, on the server builder this sets the anchors for client certificates
                .setTrustedServerCertificateChain(TestPki.CA.certificate())
                .setEventLoopGroup(eventLoop)
                .setHandlerFactory(session -> handler(session, behaviour))
                .build();
        port = server.start(0).get(10, TimeUnit.SECONDS);
    }

    static MockApns start(Behaviour behaviour) throws Exception {
        return new MockApns(behaviour, 1);
    }

    /** A server whose connections are served by separate threads, so pushes on different connections overlap. */
    static MockApns start(Behaviour behaviour, int threads) throws Exception {
        return new MockApns(behaviour, threads);
    }

    /** Settings that reach this server and trust its CA, with retries too short to slow a test down. */
    PushSettings.Builder settings() {
        return PushSettings.builder()
                .server("127.0.0.1", port)
                .trustedServerCertificates(List.of(TestPki.CA.certificate()))
                .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5), 0.5));
    }

    private PushNotificationHandler handler(SSLSession session, Behaviour behaviour) {
        X509Certificate client = clientCertificate(session);
        return (headers, payload) -> {
            Received push = new Received(token(headers), string(headers, "apns-topic"), string(headers, "apns-push-type"),
                    string(headers, "apns-priority"), string(headers, "apns-expiration"),
                    payload == null ? new byte[0] : ByteBufUtil.getBytes(payload),
                    client == null ? null : client.getSerialNumber());
            received.add(push);
            // as APNs does: no client certificate, or one for another topic, is refused before anything else
            if (client == null) {
                throw new RejectedNotificationException(RejectionReason.BAD_CERTIFICATE);
            }
            if (!PushTopic.of(client).equals(push.topic())) {
                throw new RejectedNotificationException(RejectionReason.TOPIC_DISALLOWED);
            }
            behaviour.answer(push);
        };
    }

    private static X509Certificate clientCertificate(SSLSession session) {
        try {
            return (X509Certificate) session.getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static String token(Http2Headers headers) {
        String path = headers.path().toString();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String string(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }

    @Override
    public void close() {
        server.shutdown().orTimeout(10, TimeUnit.SECONDS).join();
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

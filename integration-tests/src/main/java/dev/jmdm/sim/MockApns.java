package dev.jmdm.sim;

import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import dev.jmdm.certsdev.Issued;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in APNs: Pushy's real mock server over TLS (certificates from certs-dev) that records
 * every push and can route it to the simulated channel with that token, which then polls the
 * server as a woken device does. {@link Behaviour} decides per push whether APNs accepts it.
 */
public final class MockApns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MockApns.class);

    /** One push as it arrived. */
    public record Received(String tokenHex, String topic, String pushType, String payload, BigInteger clientSerial) {
    }

    /** A poll of a woken channel that failed: the server answered badly or could not be reached. */
    public record PollError(String enrollmentId, String tokenHex, RuntimeException error) {
    }

    /** Return to accept; throw {@link RejectedNotificationException} (or Pushy's Unregistered one) to refuse. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(Received push) throws RejectedNotificationException;
    }

    private final NioEventLoopGroup eventLoop = new NioEventLoopGroup(2);
    private final MockApnsServer server;
    private final int port;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final Map<String, WakeLoop> routes = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<PollError> pollErrors = new ConcurrentLinkedQueue<>();
    private final ExecutorService wakers = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "mock-apns-wake");
        t.setDaemon(true);
        return t;
    });
    private volatile Behaviour behaviour = push -> { };

    /**
     * @param serverIdentity   the TLS identity APNs presents (certs-dev apns-server)
     * @param clientTrustAnchor the CA that issues push certificates (certs-dev push-ca)
     */
    public MockApns(Issued serverIdentity, X509Certificate clientTrustAnchor) throws Exception {
        this(serverIdentity, clientTrustAnchor, 0);
    }

    /** The same on a given port (0: any free one). */
    public MockApns(Issued serverIdentity, X509Certificate clientTrustAnchor, int port) throws Exception {
        server = new MockApnsServerBuilder()
                .setServerCredentials(serverIdentity.fullChain().toArray(X509Certificate[]::new), serverIdentity.privateKey(), null)
                // On the server builder this names the anchors for client certificates.
                .setTrustedServerCertificateChain(clientTrustAnchor)
                .setEventLoopGroup(eventLoop)
                .setHandlerFactory(session -> {
                    X509Certificate client;
                    try {
                        client = (X509Certificate) session.getPeerCertificates()[0];
                    } catch (SSLPeerUnverifiedException e) {
                        client = null;
                    }
                    return handler(client);
                })
                .build();
        this.port = server.start(port).get(10, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    /** The MDM_APNS_URL that reaches this server. */
    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public MockApns behaviour(Behaviour behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /**
     * Pushes to the channel's token wake it: it polls the server on a background thread, one poll
     * at a time; pushes during a poll make it poll once more afterwards.
     */
    public void route(Channel channel) {
        routes.put(channel.tokenHex(), new WakeLoop(channel, wakers, this::pollFailed));
    }

    /** The channel goes offline: pushes to it are still accepted by APNs but wake nothing. */
    public void unroute(Channel channel) {
        routes.remove(channel.tokenHex());
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedFor(String tokenHex) {
        return received.stream().filter(r -> r.tokenHex().equals(tokenHex)).toList();
    }

    public void clear() {
        received.clear();
    }

    /** Polls of woken channels that failed, oldest first; each is logged too. */
    public List<PollError> pollErrors() {
        return List.copyOf(pollErrors);
    }

    /** How many polls pushes to this token have run so far (0 when it is not routed). */
    public int pollsFor(String tokenHex) {
        WakeLoop loop = routes.get(tokenHex);
        return loop == null ? 0 : loop.polls();
    }

    /** True when no routed channel is polling or about to poll. */
    public boolean quiet() {
        return routes.values().stream().noneMatch(WakeLoop::busy);
    }

    private void pollFailed(Channel channel, RuntimeException e) {
        pollErrors.add(new PollError(channel.enrollmentId(), channel.tokenHex(), e));
        LOG.warn("woken channel {} failed its poll: {}", channel.enrollmentId(), e.toString());
    }

    private PushNotificationHandler handler(X509Certificate client) {
        return (Http2Headers headers, io.netty.buffer.ByteBuf payload) -> {
            String path = headers.path().toString();
            Received push = new Received(path.substring(path.lastIndexOf('/') + 1), header(headers, "apns-topic"),
                    header(headers, "apns-push-type"),
                    payload == null ? "" : new String(ByteBufUtil.getBytes(payload), StandardCharsets.UTF_8),
                    client == null ? null : client.getSerialNumber());
            received.add(push);
            behaviour.answer(push);
            WakeLoop loop = routes.get(push.tokenHex());
            if (loop != null) {
                loop.wake();
            }
        };
    }

    private static String header(Http2Headers headers, String name) {
        CharSequence v = headers.get(name);
        return v == null ? null : v.toString();
    }

    @Override
    public void close() {
        wakers.shutdownNow();
        server.shutdown().orTimeout(10, TimeUnit.SECONDS).join();
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package dev.jmdm.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Pushy client per topic, since each topic has its own TLS client certificate. Replacing a topic's certificate
 * swaps in a new client before closing the old one, so no push finds the topic without a client.
 *
 * <p>A client, and the event loop they share, are built on the first push for their topic, not when the certificate
 * is given: building one sets up a TLS context from the key material, which was an eighth of the server's start-up,
 * and a server that never pushes (or not yet) need not pay for it.
 */
final class TopicClients {
    private static final Logger log = LoggerFactory.getLogger(TopicClients.class);

    private final PushSettings settings;
    /**
     * Shared by every client and shut down here: a client that owned its event loop would shut it down with Netty's
     * two-second quiet period on every certificate rotation. Null until the first client is built.
     */
    private EventLoopGroup eventLoop;
    private final Map<String, TopicClient> byTopic = new ConcurrentHashMap<>();
    private boolean closed;

    TopicClients(PushSettings settings) {
        this.settings = settings;
    }

    /**
     * The client for the topic, built now if this is its first push; null when no certificate for it was given or
     * this is closed.
     *
     * @throws IllegalStateException when the certificate's TLS context cannot be set up
     */
    ApnsClient get(String topic) {
        while (true) {
            TopicClient holder = byTopic.get(topic);
            ApnsClient client = holder == null ? null : holder.client();
            // a holder closes once replaced: its topic's new one is in the map by then
            if (client != null || byTopic.get(topic) == holder) {
                return client;
            }
        }
    }

    /**
     * Uses the certificate for its topic from now on. The old client closes gracefully: pushes it already sent still
     * get their answers, and any it had not sent yet fail there and are retried on the new client.
     */
    void put(PushCertificate certificate) {
        String topic = certificate.topic();
        TopicClient old;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the push sender is closed");
            }
            old = byTopic.put(topic, new TopicClient(certificate));
        }
        log.info("Push certificate for topic {} in use, valid until {}", topic, certificate.notAfter());
        if (old != null) {
            old.close();
        }
    }

    private synchronized EventLoopGroup eventLoop() {
        if (eventLoop == null) {
            eventLoop = new NioEventLoopGroup(0, new DefaultThreadFactory("jmdm-apns", true));
        }
        return eventLoop;
    }

    /**
     * Closes every client, then their event loop, within {@code budget}: clients get at most half of it to collect the
     * answers to what they sent ({@link ApnsClientFactory#gracefulShutdown}), and are waited for a little longer;
     * then the event loop shuts down, which cuts whatever connection is still open. Later calls find nothing to close.
     */
    void close(Duration budget) {
        List<TopicClient> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(byTopic.values());
            byTopic.clear();
        }
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            CompletableFuture.allOf(open.stream().map(TopicClient::close).toArray(CompletableFuture[]::new))
                    .get(budget.toNanos() * 3 / 4, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("APNs clients did not close within {} ms; cutting their connections", budget.toMillis() * 3 / 4);
        } catch (ExecutionException e) {
            log.debug("closing an APNs client failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EventLoopGroup loop;
        synchronized (this) {
            loop = eventLoop; // read only now: every holder is closed, so no build can start one any more
        }
        if (loop == null) {
            return; // no client was ever built
        }
        long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
        if (!loop.shutdownGracefully(0, left, TimeUnit.NANOSECONDS).awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
            log.warn("the APNs event loop did not stop within {} ms", budget.toMillis());
        }
    }

    /** A topic's certificate and, once it has pushed, its client. */
    private final class TopicClient {
        private final PushCertificate certificate;
        private ApnsClient client;
        private boolean closed;

        TopicClient(PushCertificate certificate) {
            this.certificate = certificate;
        }

        /** Null once closed: a push that looked the holder up just before a swap finds no client and is retried. */
        synchronized ApnsClient client() {
            if (client == null && !closed) {
                client = ApnsClientFactory.build(settings, certificate, eventLoop());
            }
            return client;
        }

        synchronized CompletableFuture<Void> close() {
            closed = true;
            return client == null ? CompletableFuture.completedFuture(null) : client.close();
        }
    }
}

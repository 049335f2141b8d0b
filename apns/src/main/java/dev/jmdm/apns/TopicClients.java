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
 */
final class TopicClients {
    private static final Logger log = LoggerFactory.getLogger(TopicClients.class);

    private final PushSettings settings;
    /**
     * Shared by every client and shut down here: a client that owned its event loop would shut it down with Netty's
     * two-second quiet period on every certificate rotation.
     */
    private final EventLoopGroup eventLoop = new NioEventLoopGroup(0, new DefaultThreadFactory("jmdm-apns", true));
    private final Map<String, ApnsClient> byTopic = new ConcurrentHashMap<>();
    private boolean closed;

    TopicClients(PushSettings settings) {
        this.settings = settings;
    }

    /** The client for the topic, or null when no certificate for it was given. */
    ApnsClient get(String topic) {
        return byTopic.get(topic);
    }

    /**
     * Uses the certificate for its topic from now on. The old client closes gracefully: pushes it already sent still
     * get their answers, and any it had not sent yet fail there and are retried on the new client.
     */
    void put(PushCertificate certificate) {
        String topic = certificate.topic();
        ApnsClient old;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the push sender is closed");
            }
            old = byTopic.put(topic, ApnsClientFactory.build(settings, certificate, eventLoop));
        }
        log.info("Push certificate for topic {} in use, valid until {}", topic, certificate.notAfter());
        if (old != null) {
            old.close();
        }
    }

    /**
     * Closes every client, then their event loop, within {@code budget}: clients get at most half of it to collect the
     * answers to what they sent ({@link ApnsClientFactory#gracefulShutdown}), and are waited for a little longer;
     * then the event loop shuts down, which cuts whatever connection is still open. Later calls find nothing to close.
     */
    void close(Duration budget) {
        List<ApnsClient> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(byTopic.values());
            byTopic.clear();
        }
        long deadline = System.nanoTime() + budget.toNanos();
        try {
            CompletableFuture.allOf(open.stream().map(ApnsClient::close).toArray(CompletableFuture[]::new))
                    .get(budget.toNanos() * 3 / 4, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("APNs clients did not close within {} ms; cutting their connections", budget.toMillis() * 3 / 4);
        } catch (ExecutionException e) {
            log.debug("closing an APNs client failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
        if (!eventLoop.shutdownGracefully(0, left, TimeUnit.NANOSECONDS).awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
            log.warn("the APNs event loop did not stop within {} ms", budget.toMillis());
        }
    }
}

package dev.jmdm.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import io.netty.channel.EventLoopGroup;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/** Builds the Pushy client for one push certificate. */
final class ApnsClientFactory {
    private ApnsClientFactory() {
    }

    /** Half the sender's close budget at most: the other half is for the event loop. */
    static java.time.Duration gracefulShutdown(PushSettings settings) {
        java.time.Duration half = settings.closeTimeout().dividedBy(2);
        return settings.attemptTimeout().compareTo(half) < 0 ? settings.attemptTimeout() : half;
    }

    static ApnsClient build(PushSettings settings, PushCertificate certificate, EventLoopGroup eventLoop) {
        ApnsClientBuilder builder = new ApnsClientBuilder()
                .setEventLoopGroup(eventLoop)
                .setApnsServer(settings.host(), settings.port())
                .setClientCredentials(certificate.certificate(), certificate.privateKey(), null)
                .setConcurrentConnections(settings.connectionsPerTopic())
                // a replaced client should not outlive the answers its callers have stopped waiting for, and closing
                // the sender must not wait for an APNs that never answers (TopicClients.close)
                .setGracefulShutdownTimeout(gracefulShutdown(settings));
        if (!settings.trustedServerCertificates().isEmpty()) {
            builder.setTrustedServerCertificateChain(settings.trustedServerCertificates().toArray(X509Certificate[]::new));
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for APNs topic " + certificate.topic() + ": "
                    + e.getMessage(), e);
        }
    }
}

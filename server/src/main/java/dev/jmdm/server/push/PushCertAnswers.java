package dev.jmdm.server.push;

import java.util.List;
import java.util.Map;

/** The push certificate API's answers. */
public final class PushCertAnswers {
    private PushCertAnswers() {
    }

    /** A topic's certificate; the warning is set when it expires soon. */
    public record PushCert(String topic, String notAfter, String warning) {
    }

    public record PushCerts(List<PushCert> pushCerts) {
    }

    /** A new certificate for another topic would strand the devices enrolled under the old one. */
    public record TopicChangeRefusal(String error, String topic, Map<String, Long> devicesByTopic) {
    }
}

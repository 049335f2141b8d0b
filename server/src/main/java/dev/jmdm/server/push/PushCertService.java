package dev.jmdm.server.push;

import dev.jmdm.apns.PushCertificate;
import dev.jmdm.apns.PushCertificateException;
import dev.jmdm.apns.PushSender;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.storage.PushCertStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push certificates: validated on upload, private key sealed at rest, handed to the sender. A
 * certificate uploaded to another server sharing the database is picked up by {@link #reload()},
 * which the server runs on a timer, so rotation needs no restart anywhere.
 */
public final class PushCertService {
    private static final Logger LOG = LoggerFactory.getLogger(PushCertService.class);

    private final PushCertStore store;
    private final SecretBox secrets;
    private final PushSender sender;
    private final Clock clock;
    private final Duration warnBefore;
    private final Map<String, Long> loaded = new HashMap<>();
    /** Stored certificates this server cannot use, by topic: why, for /readyz. */
    private final Map<String, String> unloadable = new HashMap<>();

    public PushCertService(PushCertStore store, SecretBox secrets, PushSender sender, Clock clock, Duration warnBefore) {
        this.store = store;
        this.secrets = secrets;
        this.sender = sender;
        this.clock = clock;
        this.warnBefore = warnBefore;
    }

    /** What the API shows of a certificate. */
    public record Status(String topic, Instant notAfter, boolean expiringSoon, boolean expired) {
        public String warning() {
            if (expired) {
                return "push certificate for " + topic + " expired at " + notAfter + "; devices cannot be woken until it is renewed";
            }
            return expiringSoon ? "push certificate for " + topic + " expires at " + notAfter + "; renew it in Apple's Push Certificates Portal" : null;
        }
    }

    /**
     * A certificate for a new topic while enrolled devices use another: the devices stay on the topic they enrolled
     * with, which only a certificate of that topic can wake, and new enrollments would take the new one. Usually a
     * certificate made under another Apple ID instead of renewing the old one, which cuts the whole fleet off once
     * the old certificate expires; nothing short of re-enrolling every device mends that.
     *
     * @param devicesByTopic the enrolled devices per topic in use, each other than {@code topic}
     */
    public static final class TopicChangeRefused extends RuntimeException {
        private final String topic;
        private final Map<String, Long> devicesByTopic;

        TopicChangeRefused(String topic, Map<String, Long> devicesByTopic) {
            super(message(topic, devicesByTopic));
            this.topic = topic;
            this.devicesByTopic = Map.copyOf(devicesByTopic);
        }

        private static String message(String topic, Map<String, Long> devicesByTopic) {
            StringBuilder uses = new StringBuilder();
            devicesByTopic.forEach((t, n) -> uses.append(uses.length() == 0 ? "" : ", ").append(n)
                    .append(n == 1 ? " enrolled device uses" : " enrolled devices use").append(" push topic ").append(t));
            return uses + ", not " + topic + ": a certificate for " + topic + " cannot wake them, and new enrollments "
                    + "would take its topic. Renew the current certificate instead (same Apple ID in Apple's Push "
                    + "Certificates Portal, same topic); to switch topics anyway, and re-enroll those devices, upload "
                    + "again with ?force=1";
        }

        public String topic() {
            return topic;
        }

        public Map<String, Long> devicesByTopic() {
            return devicesByTopic;
        }
    }

    /**
     * Stores a certificate + unencrypted key in PEM (nanomdm's format).
     *
     * @param force store a certificate for a new topic even while enrolled devices use another
     * @throws TopicChangeRefused when not forced and devices use another topic
     */
    public Status uploadPem(String pem, boolean force) {
        return install(PushCertificate.fromPem(pem, clock), force);
    }

    public Status uploadPkcs12(byte[] p12, char[] password, boolean force) {
        return install(PushCertificate.fromPkcs12(p12, password, clock), force);
    }

    private synchronized Status install(PushCertificate cert, boolean force) {
        if (!force) {
            refuseTopicChange(cert.topic());
        }
        store.store(cert.topic(), cert.certificatePem(), secrets.seal(cert.privateKeyPem()), cert.notAfter().toEpochMilli());
        sender.updateCertificate(cert);
        unloadable.remove(cert.topic());
        store.find(cert.topic()).ifPresent(s -> loaded.put(s.topic(), s.updatedAt()));
        LOG.info("push certificate for {} stored, valid until {}", cert.topic(), cert.notAfter());
        return status(cert.topic(), cert.notAfter());
    }

    /** Renewing a stored topic is always fine; a new topic only while no enrolled device uses another one. */
    private void refuseTopicChange(String topic) {
        if (store.find(topic).isPresent()) {
            return;
        }
        Map<String, Long> others = store.devicesByTopic();
        others.remove(topic);
        if (!others.isEmpty()) {
            LOG.warn("refused a push certificate for {}: enrolled devices use {}", topic, others);
            throw new TopicChangeRefused(topic, others);
        }
    }

    public Optional<Status> status(String topic) {
        return store.find(topic).map(s -> status(s.topic(), Instant.ofEpochMilli(s.notAfter())));
    }

    public List<Status> all() {
        List<Status> out = new ArrayList<>();
        for (PushCertStore.StoredPushCert s : store.all()) {
            out.add(status(s.topic(), Instant.ofEpochMilli(s.notAfter())));
        }
        return out;
    }

    private Status status(String topic, Instant notAfter) {
        Instant now = clock.instant();
        return new Status(topic, notAfter, !notAfter.isAfter(now.plus(warnBefore)), !notAfter.isAfter(now));
    }

    /**
     * Loads every stored certificate that is new or changed since the last look (at start, and
     * on a timer for uploads made through other servers). A certificate that no longer parses
     * (expired since) is still loaded so pushes get APNs's own answer; one that cannot be
     * decrypted is reported and skipped.
     */
    public synchronized void reload() {
        for (PushCertStore.StoredPushCert s : store.all()) {
            Long seen = loaded.get(s.topic());
            if (seen != null && seen == s.updatedAt()) {
                continue;
            }
            try {
                String pem = s.certPem() + "\n" + secrets.open(s.keyPem());
                sender.updateCertificate(PushCertificate.fromPem(pem, Clock.fixed(Instant.ofEpochMilli(Math.min(s.notAfter() - 1,
                        clock.millis())), clock.getZone())));
                loaded.put(s.topic(), s.updatedAt());
                unloadable.remove(s.topic());
                LOG.info("loaded push certificate for {} (valid until {})", s.topic(), Instant.ofEpochMilli(s.notAfter()));
            } catch (SecretBox.WrongKeyException | SecretBox.DamagedSecretException | PushCertificateException e) {
                LOG.error("cannot load push certificate for {}: {}", s.topic(), e.getMessage());
                loaded.put(s.topic(), s.updatedAt()); // not again until it changes
                unloadable.put(s.topic(), e.getMessage());
            }
        }
    }

    /**
     * Loads certificates uploaded or renewed through any server since this one last looked: one
     * small query, run before every push call, so a rotation takes effect everywhere at once.
     */
    public void refresh() {
        Map<String, Long> current = store.versions();
        boolean changed;
        synchronized (this) {
            changed = !current.equals(loaded);
        }
        if (changed) {
            reload();
        }
    }

    /**
     * Certificates that expire soon or have expired, and stored ones this server cannot load (most
     * often an MDM_SECRET_KEY other than the one they were sealed with): at start, daily and in /readyz.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        synchronized (this) {
            unloadable.forEach((topic, why) -> warnings.add("push certificate for " + topic
                    + " cannot be loaded, so its devices cannot be woken: " + why));
        }
        for (Status s : all()) {
            if (s.warning() != null) {
                warnings.add(s.warning());
            }
        }
        return warnings;
    }

    public void logWarnings() {
        warnings().forEach(LOG::warn);
    }
}

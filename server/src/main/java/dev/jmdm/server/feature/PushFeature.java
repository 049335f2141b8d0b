package dev.jmdm.server.feature;

import dev.jmdm.server.http.PushCertApi;
import dev.jmdm.server.push.BackgroundPushes;
import dev.jmdm.server.push.PushCertService;
import dev.jmdm.server.push.PushHealth;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.push.RepushScheduler;
import dev.jmdm.apns.PushSender;
import dev.jmdm.apns.PushSettings;
import dev.jmdm.server.config.ApnsSettings;
import dev.jmdm.server.config.SettingsException;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.jobs.LeasedJobs;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.PushCertStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push wired from settings: the APNs sender, the push certificates (uploaded here or through another server sharing
 * the database), push health, the re-push sweep, and the push certificate API. Built before the other features, which
 * push through {@link #push()}.
 */
public final class PushFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(PushFeature.class);
    /** How often a server looks for push certificates uploaded through another server. */
    static final Duration CERT_RELOAD = Duration.ofSeconds(30);
    /** The re-push sweep's longest period; shorter when MDM_REPUSH_AFTER is under two minutes. */
    static final Duration REPUSH_SWEEP = Duration.ofMinutes(1);

    private final ApnsSettings settings;
    private final ScheduledExecutorService timers;
    private final LeasedJobs jobs;
    private final PushSender sender;
    private final PushCertService certs;
    private final PushHealth health;
    private final PushService push;
    private final BackgroundPushes background;
    private final RepushScheduler repush;
    private final PushCertApi api;

    /**
     * @param secrets opens the stored push certificates' keys
     * @param timers  the server's timer thread: certificate reloads and expiry warnings run here
     * @throws SettingsException when MDM_APNS_CA cannot be read
     */
    public PushFeature(ApnsSettings settings, Jdbi jdbi, EnrollmentStore enrollments, SecretBox secrets, Clock clock,
            ScheduledExecutorService timers, LeasedJobs jobs, Metrics metrics, long maxBody) {
        this.settings = settings;
        this.timers = timers;
        this.jobs = jobs;
        sender = new PushSender(senderSettings(settings, clock));
        metrics.bindPushStats(sender.stats());
        certs = new PushCertService(new PushCertStore(jdbi, clock), secrets, sender, clock, settings.certWarnBefore());
        health = new PushHealth(clock);
        metrics.bindPushHealth(health);
        push = new PushService(enrollments, sender, certs::refresh, settings.timeout(), health,
                dev.jmdm.server.push.PushPacer.of(settings.pushRate()));
        background = new BackgroundPushes(push::push, metrics.shedCounter("background-push"));
        repush = new RepushScheduler(enrollments, push, clock, settings.repushAfter());
        api = new PushCertApi(certs, maxBody);
    }

    /** Wakes enrollments; shared with every feature that queues commands. */
    public PushService push() {
        return push;
    }

    /** Pushes nobody waits for (after enrollment, inventory, profile sweeps); shared with every feature. */
    public BackgroundPushes background() {
        return background;
    }

    /** What /readyz lists: push certificates expiring or not loadable, pushes failing. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>(certs.warnings());
        warnings.addAll(health.warnings());
        return warnings;
    }

    /** Loads the stored certificates, then reloads them and warns of expiry on the timer, and sweeps for re-pushes. */
    @Override
    public void start() {
        certs.reload();
        certs.logWarnings();
        if (!settings.repushAfter().isZero()) {
            // Sweep at least twice per interval so a due enrollment waits at most half an interval more.
            Duration half = settings.repushAfter().dividedBy(2);
            repush.start(half.compareTo(REPUSH_SWEEP) < 0 ? half : REPUSH_SWEEP, jobs);
        }
        // Uploads through other servers sharing the database: every server reloads (each has its own APNs clients),
        // so this one is not leased. The daily expiry warning is one line for all of them.
        timers.scheduleWithFixedDelay(guard(certs::reload), CERT_RELOAD.toSeconds(), CERT_RELOAD.toSeconds(), TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(jobs.leased("push-cert-warning", Duration.ofDays(1), certs::logWarnings), 1, 1, TimeUnit.DAYS);
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
    }

    @Override
    public void close() {
        background.close();
        repush.close();
        push.close();
        sender.close();
    }

    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("background task failed: {}", e.getMessage(), e);
            }
        };
    }

    static PushSettings senderSettings(ApnsSettings settings, Clock clock) {
        PushSettings.Builder b = PushSettings.builder().server(settings.host(), settings.port()).clock(clock);
        if (settings.caFile() != null) {
            try (InputStream in = Files.newInputStream(settings.caFile())) {
                List<X509Certificate> anchors = new ArrayList<>();
                for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.add((X509Certificate) c);
                }
                b.trustedServerCertificates(anchors);
            } catch (IOException | CertificateException e) {
                throw new SettingsException("MDM_APNS_CA: cannot read " + settings.caFile() + ": " + e.getMessage());
            }
        }
        return b.build();
    }
}

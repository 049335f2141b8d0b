package dev.jmdm.server;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.device.CertificateBinder;
import dev.jmdm.server.device.CheckinService;
import dev.jmdm.server.device.CommandService;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.http.HttpServer;
import dev.jmdm.server.identity.DeviceCertificateValidator;
import dev.jmdm.server.identity.DeviceIdentityResolver;
import dev.jmdm.apns.PushSender;
import dev.jmdm.apns.PushSettings;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.push.PushCertApi;
import dev.jmdm.server.push.PushCertService;
import dev.jmdm.server.push.PushHealth;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.push.RepushScheduler;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.SecretSealingPass;
import dev.jmdm.server.storage.PushCertStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.jmdm.server.storage.AuthenticateStore;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.HostStore;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.enroll.EnrollmentModule;
import dev.jmdm.server.tls.PemIdentity;
import dev.jmdm.server.tls.ServerTls;
import dev.jmdm.server.tls.TrustedDeviceCas;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The whole server wired from settings: storage, services, HTTP. Tests start it in-process. */
public final class MdmServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdmServer.class);

    private final Settings settings;
    private final Database database;
    private final HttpServer http;
    private final CheckinService checkins;
    private final CommandService commandService;
    private DeviceEvents events;
    private PushSender pushSender;
    private RepushScheduler repush;
    private SecretSealingPass sealing;
    private dev.jmdm.server.profiles.ProfileFeature profiles;
    private dev.jmdm.server.policies.PolicyFeature policies;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mdm-timers");
        t.setDaemon(true);
        return t;
    });
    /** How often a server looks for push certificates uploaded through another server. */
    static final Duration PUSH_CERT_RELOAD = Duration.ofSeconds(30);
    static final Duration REPUSH_SWEEP = Duration.ofMinutes(1);

    private MdmServer(Settings settings, Clock clock, CommandStore.DeliveryProbe probe) {
        applyLogLevel(settings.logLevel());
        Metrics metrics = new Metrics();
        this.database = openStore(settings, metrics);
        this.settings = settings;
        try {
            var jdbi = database.jdbi();
            SecretBox secrets = secretBox(settings);
            StoredSecrets storedSecrets = new StoredSecrets(secrets);
            // The key check is quick and feeds /readyz from the start; sealing what an earlier version wrote in
            // plaintext may take minutes on a large fleet, so it runs beside the server (reads accept plaintext).
            sealing = new SecretSealingPass(jdbi, storedSecrets);
            sealing.probe();
            Thread sealer = new Thread(guard(sealing::seal), "secret-sealing");
            sealer.setDaemon(true);
            sealer.start();
            EnrollmentStore enrollments = new EnrollmentStore(jdbi, clock, storedSecrets);
            CommandStore commands = new CommandStore(jdbi, clock, probe);
            CertBindingStore bindings = new CertBindingStore(jdbi, clock);
            // A bad file is reported, with its setting's name, where the enrollment module loads it.
            java.security.cert.X509Certificate enrollmentCa = settings.enroll().deviceCaCert() == null ? null
                    : PemIdentity.certificates(settings.enroll().deviceCaCert()).stream().findFirst().orElse(null);
            CertificateBinder binder = new CertificateBinder(bindings, enrollmentCa, clock);
            HostStore hosts = new HostStore(jdbi, clock);
            // What follows a device's stored messages; the features add their steps below.
            events = new DeviceEvents(metrics.shedCounter("device-events"));
            checkins = new CheckinService(new AuthenticateStore(jdbi, enrollments, bindings, hosts, commands), enrollments, bindings, binder,
                    events);
            commandService = new CommandService(commands, enrollments, binder, clock, events);
            // MDM_CA plus the server's own device CA, which issues the identities in enrollment profiles.
            List<java.security.cert.X509Certificate> deviceCas = TrustedDeviceCas.of(settings.caFile(), settings.enroll().deviceCaCert());
            DeviceIdentityResolver identities = null;
            if (!deviceCas.isEmpty()) {
                identities = new DeviceIdentityResolver(new DeviceCertificateValidator(deviceCas, clock), settings.certHeader());
            } else {
                LOG.warn("MDM_CA is not set: every device request will be refused until the server trusts a device CA");
            }
            pushSender = new PushSender(pushSettings(settings, clock));
            metrics.bindPushStats(pushSender.stats());
            PushCertService pushCerts = new PushCertService(new PushCertStore(jdbi, clock), secrets, pushSender, clock,
                    settings.apns().certWarnBefore());
            pushCerts.reload();
            pushCerts.logWarnings();
            PushHealth pushHealth = new PushHealth(clock);
            metrics.bindPushHealth(pushHealth);
            PushService push = new PushService(enrollments, pushSender, pushCerts::refresh, settings.apns().timeout(), pushHealth);
            repush = new RepushScheduler(enrollments, push, clock, settings.apns().repushAfter());
            if (!settings.apns().repushAfter().isZero()) {
                // Sweep at least twice per interval so a due enrollment waits at most half an interval more.
                Duration half = settings.apns().repushAfter().dividedBy(2);
                repush.start(half.compareTo(REPUSH_SWEEP) < 0 ? half : REPUSH_SWEEP);
            }
            // Uploads through other servers sharing the database, and the daily expiry warning.
            timers.scheduleWithFixedDelay(guard(pushCerts::reload), PUSH_CERT_RELOAD.toSeconds(), PUSH_CERT_RELOAD.toSeconds(), TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(guard(pushCerts::logWarnings), 1, 1, TimeUnit.DAYS);
            // Feature modules add their admin API routes here.
            List<ApiRoutes> features = new ArrayList<>();
            features.add(new PushCertApi(pushCerts, settings.maxBodyBytes()));
            profiles = dev.jmdm.server.profiles.ProfileFeature.start(jdbi, hosts, push, events, settings, clock, timers, metrics);
            features.add(profiles);
            var hostsFeature = dev.jmdm.server.hosts.HostsFeature.install(jdbi, clock, settings.inventoryInterval(), settings.inventory(), hosts,
                    commands, push, events, timers, settings.maxBodyBytes(), bindings, storedSecrets, settings.wipeRebind(), metrics);
            features.add(hostsFeature);
            policies = dev.jmdm.server.policies.PolicyFeature.start(jdbi, hosts, hostsFeature, profiles, events, clock, timers,
                    settings.maxBodyBytes());
            features.add(policies);
            EnrollmentModule enrollment = EnrollmentModule.create(settings, jdbi, clock, this::port, metrics.shedCounter("enroll"));
            features.add(enrollment.api());
            javax.net.ssl.SSLContext tls = settings.tls() == null ? null
                    : ServerTls.context(PemIdentity.load(settings.tls().certFile(), settings.tls().keyFile()), deviceCas);
            http = new HttpServer(new HttpServer.Wiring(settings.listen(), settings.maxBodyBytes(), settings.apiKeys(),
                    settings.migration(), settings.certHeader(), database, checkins, commandService, identities,
                    enrollments, commands, push, hostsFeature.enqueueAudit(), features, () -> readyzWarnings(pushCerts, pushHealth, storedSecrets), metrics, tls,
                    enrollment.handler(), settings.capacity()));
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        LOG.info("listening on {} port {} with {} storage (schema {}, {} connections, {} workers); admin API {}",
                settings.listen().getHostString(), port(), settings.storage().name().toLowerCase(), database.schemaVersion(),
                settings.capacity().dbPool(), settings.capacity().workers(), settings.apiEnabled() ? "on (" + settings.apiKeys().size() + " key(s))" : "off (no MDM_API_KEY or MDM_API_KEYS)");
    }

    /** What /readyz lists: expiring or unloadable push certificates, secrets this key does not open. */
    /**
     * The store, or a {@link dev.jmdm.server.config.SettingsException} naming the setting that points at it
     * and why it cannot be opened, in one line; the driver's stack trace only at debug.
     */
    private static Database openStore(Settings settings, Metrics metrics) {
        boolean mysql = settings.storage() == Settings.Storage.MYSQL;
        String where = mysql ? "MDM_DSN: cannot open the database " + settings.dsn().replaceFirst("\\?.*", "")
                : "MDM_DATA_DIR: cannot open the embedded database in " + settings.dataDir().toAbsolutePath();
        if (!mysql) {
            DataDir.requireWritable(settings.dataDir());
        }
        try {
            return Database.open(settings.jdbcUrl(), settings.capacity().dbPool(), metrics.databasePool());
        } catch (dev.jmdm.server.storage.StoreUnavailableException e) {
            LOG.debug("{}", where, e);
            throw new dev.jmdm.server.config.SettingsException(where + ": " + e.reason());
        }
    }

    /** Push certificates this server cannot use or that expire, and pushes that fail: neither makes it unready. */
    private static List<String> readyzWarnings(PushCertService certs, PushHealth health, StoredSecrets secrets) {
        List<String> warnings = new ArrayList<>(certs.warnings());
        warnings.addAll(health.warnings());
        warnings.addAll(secrets.warnings());
        return warnings;
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

    static PushSettings pushSettings(Settings settings, Clock clock) {
        PushSettings.Builder b = PushSettings.builder().server(settings.apns().host(), settings.apns().port()).clock(clock);
        if (settings.apns().caFile() != null) {
            try (var in = java.nio.file.Files.newInputStream(settings.apns().caFile())) {
                List<java.security.cert.X509Certificate> anchors = new ArrayList<>();
                for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.add((java.security.cert.X509Certificate) c);
                }
                b.trustedServerCertificates(anchors);
            } catch (java.io.IOException | java.security.cert.CertificateException e) {
                throw new dev.jmdm.server.config.SettingsException("MDM_APNS_CA: cannot read " + settings.apns().caFile() + ": " + e.getMessage());
            }
        }
        return b.build();
    }

    private static SecretBox secretBox(Settings settings) {
        if (settings.secretKey() != null) {
            return SecretBox.fromSecret(settings.secretKey());
        }
        if (settings.storage() == Settings.Storage.MYSQL) {
            LOG.warn("MDM_SECRET_KEY is not set: push certificate keys, bootstrap tokens, UnlockTokens and PINs are sealed with a key file in {}; "
                    + "servers sharing this database need the same MDM_SECRET_KEY", settings.dataDir().toAbsolutePath());
        }
        return SecretBox.fromKeyFile(settings.dataDir());
    }

    private static void applyLogLevel(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.toLevel(level));
        }
    }

    public static MdmServer start(Settings settings, Clock clock) {
        return new MdmServer(settings, clock, CommandStore.DeliveryProbe.NONE);
    }

    /** For tests that need to act between a command's choice and its claim (see {@link CommandStore.DeliveryProbe}). */
    public static MdmServer start(Settings settings, Clock clock, CommandStore.DeliveryProbe probe) {
        return new MdmServer(settings, clock, probe);
    }

    public int port() {
        return http.port();
    }

    public Settings settings() {
        return settings;
    }

    public URI baseUri() {
        return URI.create((settings.tls() != null ? "https" : "http") + "://127.0.0.1:" + port());
    }

    /** The admin API's routes, "METHOD template". */
    public List<String> adminRoutes() {
        return http.adminRoutes();
    }

    public CheckinService checkins() {
        return checkins;
    }

    public CommandService commandService() {
        return commandService;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        timers.shutdownNow();
        if (sealing != null) {
            sealing.stop();
        }
        if (profiles != null) {
            profiles.close();
        }
        if (policies != null) {
            policies.close();
        }
        if (events != null) {
            events.close();
        }
        if (repush != null) {
            repush.close();
        }
        if (pushSender != null) {
            pushSender.close();
        }
        database.close();
    }
}

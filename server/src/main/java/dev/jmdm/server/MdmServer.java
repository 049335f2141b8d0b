package dev.jmdm.server;

import dev.jmdm.server.accounts.AccountsFeature;
import dev.jmdm.server.ade.AdeFeature;
import dev.jmdm.server.config.EnrollSettings;
import dev.jmdm.server.config.HttpSettings;
import dev.jmdm.server.config.Settings;
import dev.jmdm.server.device.CertificateBinder;
import dev.jmdm.server.device.CheckinService;
import dev.jmdm.server.device.CommandService;
import dev.jmdm.server.device.DeviceEvents;
import dev.jmdm.server.enroll.EnrollmentFeature;
import dev.jmdm.server.scep.ScepFeature;
import dev.jmdm.server.dep.DepFeature;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.hosts.HostsFeature;
import dev.jmdm.server.http.HttpServer;
import dev.jmdm.server.http.HttpWiring;
import dev.jmdm.server.identity.DeviceCertificateValidator;
import dev.jmdm.server.identity.DeviceIdentityResolver;
import dev.jmdm.server.jobs.JobLeases;
import dev.jmdm.server.jobs.LeasedJobs;
import dev.jmdm.server.metrics.Metrics;
import dev.jmdm.server.policies.PolicyFeature;
import dev.jmdm.server.profiles.ProfileFeature;
import dev.jmdm.server.queue.QueueFeature;
import dev.jmdm.server.feature.PushFeature;
import dev.jmdm.server.secrets.SecretBox;
import dev.jmdm.server.secrets.StoredSecrets;
import dev.jmdm.server.storage.AuthenticateStore;
import dev.jmdm.server.storage.CertBindingStore;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.HostStore;
import dev.jmdm.server.storage.SecretSealingPass;
import dev.jmdm.server.tls.PemIdentity;
import dev.jmdm.server.tls.ServerTls;
import dev.jmdm.server.tls.TrustedDeviceCas;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole server wired from settings, in order: the store, the device services, the features (built, then started in
 * one place), the HTTP listener. Tests start it in-process.
 */
public final class MdmServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MdmServer.class);

    private final Settings settings;
    private final Database database;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mdm-timers");
        t.setDaemon(true);
        return t;
    });
    /** Started in this order (listeners on device events run in it), closed in the reverse. */
    private final List<Feature> features = new ArrayList<>();
    private final CheckinService checkins;
    private final CommandService commandService;
    /** What follows a device's stored messages; the features add their steps when they start. */
    private DeviceEvents events;
    private final HttpServer http;
    private final ScepFeature scep;
    private final DepFeature dep;
    private QueueFeature queue;
    /** Scheduled jobs run on one server of those sharing the database; closed before the store. */
    private LeasedJobs jobs;

    private MdmServer(Settings settings, Clock clock, CommandStore.DeliveryProbe probe) {
        applyLogLevel(settings.logLevel());
        this.settings = settings;
        Metrics metrics = new Metrics();
        this.database = StoreOpener.open(settings.storage(), settings.capacity(), metrics);
        metrics.bindStatements(database.counter()::statements, database.counter()::transactions);
        try {
            Jdbi jdbi = database.jdbi();
            jobs = new LeasedJobs(new JobLeases(jdbi, clock, holderName(), JobLeases.DEFAULT_TTL));
            SecretBox secretBox = StoreOpener.secretBox(settings.storage());
            StoredSecrets secrets = new StoredSecrets(secretBox);
            add(new SecretSealing(new SecretSealingPass(jdbi, secrets)));

            EnrollmentStore enrollments = new EnrollmentStore(jdbi, clock, secrets);
            CommandStore commands = new CommandStore(jdbi, clock, secrets, probe);
            CertBindingStore bindings = new CertBindingStore(jdbi, clock);
            HostStore hosts = new HostStore(jdbi, clock);
            // Before the binder, which asks it about certificates this server's SCEP issued.
            ScepFeature scep = new ScepFeature(settings.scep(), EnrollmentFeature.deviceCa(settings.enroll()), jdbi, hosts, clock, timers, jobs);
            this.scep = scep;
            CertificateBinder binder = new CertificateBinder(bindings, enrollmentCa(settings.enroll()), clock, scep.identities());
            events = new DeviceEvents(metrics.shedCounter("device-events"));
            checkins = new CheckinService(new AuthenticateStore(jdbi, enrollments, bindings, hosts, commands), enrollments, bindings, binder,
                    events);
            commandService = new CommandService(commands, enrollments, binder, clock, events);

            PushFeature push = add(new PushFeature(settings.apns(), jdbi, enrollments, secretBox, clock, timers, jobs, metrics,
                    settings.http().maxBodyBytes()));
            Services services = Services.builder().jdbi(jdbi).clock(clock).timers(timers).jobs(jobs).metrics(metrics)
                    .maxBody(settings.http().maxBodyBytes()).stores(enrollments, commands, hosts, bindings).secrets(secrets)
                    .events(events).push(push.push(), push.background()).build();
            ProfileFeature profiles = add(new ProfileFeature(settings.profiles(), services));
            HostsFeature hostsFeature = add(new HostsFeature(settings.hosts(), services));
            add(new PolicyFeature(settings.policies(), services, hostsFeature, profiles));
            EnrollmentFeature enrollment = add(new EnrollmentFeature(settings.enroll(), settings.http(), services, this::port,
                    settings.scep(), scep.challenges()));
            scep.renewWith(enrollment.renewalProfiles(), services);
            AdeFeature ade = add(new AdeFeature(settings.ade(), services, hostsFeature, profiles, enrollment));
            add(scep);
            add(new dev.jmdm.server.console.ConsoleFeature(services));
            URI publicUrl = settings.enroll().publicUrl();
            AccountsFeature accounts = add(new AccountsFeature(settings.accounts(), services,
                    publicUrl != null && "https".equalsIgnoreCase(publicUrl.getScheme()), hostsFeature.auditTrail()));
            this.dep = add(new DepFeature(settings.dep(), services, () -> URI.create(enrollment.baseUrl() + "/mdm/enroll")));
            queue = add(new QueueFeature(settings.queue(), services));
            features.forEach(Feature::start);

            List<X509Certificate> deviceCas = TrustedDeviceCas.of(settings.http().caFile(), settings.enroll().deviceCaCert());
            http = new HttpServer(HttpWiring.builder()
                    .http(settings.http()).api(settings.api()).capacity(settings.capacity()).tls(tls(settings.http(), deviceCas))
                    .database(database).metrics(metrics)
                    .devices(checkins, commandService, identities(deviceCas, settings.http(), clock))
                    .queue(enrollments, commands, push.push(), hostsFeature.enqueueAudit())
                    .features(features)
                    .warnings(() -> {
                        List<String> warnings = new ArrayList<>(push.warnings());
                        warnings.addAll(secrets.warnings());
                        return warnings;
                    })
                    .access(accounts.access())
                    .enroll(enrollment.handler())
                    .setupAssistant(ade.handler())
                    .scep(scep.handler())
                    .build());
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        LOG.info("listening on {} port {} with {} storage (schema {}, {} connections, {} workers); admin API {}",
                settings.http().listen().getHostString(), port(), settings.storage().engine().name().toLowerCase(),
                database.schemaVersion(), settings.capacity().dbPool(), settings.capacity().workers(),
                settings.api().enabled() ? "on (" + settings.api().keys().size() + " key(s))"
                        : http.adminRoutes().isEmpty() ? "off (no MDM_API_KEY, MDM_API_KEYS or user)" : "on (users only)");
    }

    /** This process in the job lease rows: host, pid, and a random part (tests run several servers in one JVM). */
    private static String holderName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    private <F extends Feature> F add(F feature) {
        features.add(feature);
        return feature;
    }

    /** The CA that issues enrollment profiles' identities; a bad file is reported, with its setting, by the enrollment feature. */
    private static X509Certificate enrollmentCa(EnrollSettings enroll) {
        return enroll.deviceCaCert() == null ? null
                : PemIdentity.certificates(enroll.deviceCaCert()).stream().findFirst().orElse(null);
    }

    /** Who a device request comes from; null (every device refused) without a device CA. */
    private static DeviceIdentityResolver identities(List<X509Certificate> deviceCas, HttpSettings http, Clock clock) {
        if (deviceCas.isEmpty()) {
            LOG.warn("MDM_CA is not set: every device request will be refused until the server trusts a device CA");
            return null;
        }
        return new DeviceIdentityResolver(new DeviceCertificateValidator(deviceCas, clock), http.certHeader());
    }

    private static SSLContext tls(HttpSettings http, List<X509Certificate> deviceCas) {
        return http.tls() == null ? null : ServerTls.context(PemIdentity.load(http.tls().certFile(), http.tls().keyFile()), deviceCas);
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
        return URI.create((settings.http().tls() != null ? "https" : "http") + "://127.0.0.1:" + port());
    }

    /** The admin API's routes, "METHOD template". */
    public List<String> adminRoutes() {
        return http.adminRoutes();
    }

    /** Statements and transactions the store ran: tests pin what one check-in costs. */
    public dev.jmdm.server.storage.StatementCounter statements() {
        return database.counter();
    }

    /** The admin API's routes that need no credentials (signing in), "METHOD template". */
    public List<String> openRoutes() {
        return http.openRoutes();
    }

    public CheckinService checkins() {
        return checkins;
    }

    public CommandService commandService() {
        return commandService;
    }

    /** Automated Device Enrollment: what ABM assigned here; tests run its sync. */
    public DepFeature dep() {
        return dep;
    }

    /** The queue's expiry and retention jobs: tests run them. */
    public QueueFeature queue() {
        return queue;
    }

    /** Scheduled jobs' leases: tests read which server ran what. */
    public LeasedJobs jobs() {
        return jobs;
    }

    /**
     * The store, for tests that seed rows another part of the system writes (the DEP sync's {@code dep_devices} in
     * Setup Assistant enrollment tests).
     */
    public org.jdbi.v3.core.Jdbi jdbi() {
        return database.jdbi();
    }

    /** SCEP: tests run its renewal sweep. */
    public ScepFeature scep() {
        return scep;
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
        for (int i = features.size() - 1; i >= 0; i--) {
            features.get(i).close();
        }
        if (events != null) {
            events.close();
        }
        if (jobs != null) {
            jobs.close();
        }
        database.close();
    }
}

package dev.jmdm.server.scep;

import dev.jmdm.server.config.ScepSettings;
import dev.jmdm.server.device.IssuedIdentities;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.jobs.LeasedJobs;
import dev.jmdm.server.storage.HostStore;
import dev.jmdm.server.tls.PemIdentity;
import io.undertow.server.HttpHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCEP wired from settings. Built before the device services, since the certificate binder asks it about the
 * certificates it issued; the renewal sweep is connected once enrollment can make profiles ({@link #renewWith}).
 * Without a device CA there is no SCEP: no handler, no challenges, and the certificate store still answers (nothing
 * was issued), so the binder and the host listing work the same.
 */
public final class ScepFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(ScepFeature.class);
    /** How often due renewals are looked for: a day's renewals go out within the hour. */
    static final Duration RENEWAL_SWEEP = Duration.ofHours(1);
    static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final ScepSettings settings;
    private final Jdbi jdbi;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final LeasedJobs jobs;
    private final IssuedCertificateStore issued;
    private final HostCertificatesApi api;
    private final ScepChallenges challenges;
    private final ScepHandler handler;
    private RenewalSweep renewals;

    /**
     * @param ca the device CA ({@code MDM_DEVICE_CA_CERT}/{@code _KEY}), or null when none is configured
     */
    public ScepFeature(ScepSettings settings, PemIdentity ca, Jdbi jdbi, HostStore hosts, Clock clock, ScheduledExecutorService timers,
            LeasedJobs jobs) {
        this.settings = settings;
        this.jobs = jobs;
        this.jdbi = jdbi;
        this.clock = clock;
        this.timers = timers;
        this.issued = new IssuedCertificateStore(jdbi);
        this.api = new HostCertificatesApi(hosts, issued);
        // Forgetting a host revokes what SCEP issued to its devices, in the same transaction.
        hosts.onForget(IssuedCertificateStore::revokeForHost);
        if (ca == null) {
            this.challenges = null;
            this.handler = null;
            return;
        }
        if (!"RSA".equals(ca.privateKey().getAlgorithm())) {
            LOG.warn("the device CA has an {} key: SCEP clients encrypt their requests to it with RSA, so /scep cannot open them; "
                    + "use an RSA device CA or MDM_ENROLL_IDENTITY=pkcs12", ca.privateKey().getAlgorithm());
        }
        this.challenges = new ScepChallenges(new ChallengeStore(jdbi), settings.challenge(), clock);
        ScepAuthority authority = new ScepAuthority(ca, challenges, issued, settings.validity(), clock);
        this.handler = new ScepHandler(ca.fullChain(), new PkiMessageDecoder(ca.privateKey()), authority);
    }

    /**
     * Connects the renewal sweep (when SCEP is on and MDM_RENEW_BEFORE is not zero).
     *
     * @param profiles a fresh signed enrollment profile bound to a device, its challenge good for the given time
     */
    public void renewWith(BiFunction<String, Duration, byte[]> profiles, Services services) {
        if (challenges == null || settings.identity() != ScepSettings.Identity.SCEP || settings.renewBefore().isZero()) {
            return;
        }
        renewals = new RenewalSweep(issued, profiles, services.commands(), ids -> services.push().push(ids), settings.renewBefore(), clock);
    }

    @Override
    public void start() {
        if (challenges != null) {
            timers.scheduleWithFixedDelay(jobs.leased("scep-challenge-purge", PURGE_EVERY,
                            guard(challenges::purgeExpired, "purging expired SCEP challenges")),
                    PURGE_EVERY.toMinutes(), PURGE_EVERY.toMinutes(), TimeUnit.MINUTES);
        }
        if (renewals != null) {
            timers.scheduleWithFixedDelay(jobs.leased("scep-renewal", RENEWAL_SWEEP, guard(renewals::run, "the SCEP renewal sweep")), 60, RENEWAL_SWEEP.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Runnable guard(Runnable task, String what) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", what, e.getMessage(), e);
            }
        };
    }

    @Override
    public void register(ApiRouter router) {
        api.register(router);
    }

    /** Runs the renewal sweep now (tests; operators wait for the timer); returns how many renewals it queued. */
    public int renewDue() {
        return renewals == null ? 0 : renewals.run();
    }

    /** {@code /scep}, or null when the server has no device CA. */
    public HttpHandler handler() {
        return handler;
    }

    /** Mints challenges for enrollment profiles; null when the server has no device CA. */
    public ScepChallenges challenges() {
        return challenges;
    }

    /** What the certificate binder asks about certificates issued here. */
    public IssuedIdentities identities() {
        return issued;
    }
}

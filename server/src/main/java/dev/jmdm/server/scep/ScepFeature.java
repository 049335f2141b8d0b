package dev.jmdm.server.scep;

import dev.jmdm.server.config.Settings;
import dev.jmdm.server.device.IssuedIdentities;
import dev.jmdm.server.http.ApiRoutes;
import dev.jmdm.server.storage.HostStore;
import dev.jmdm.server.tls.PemIdentity;
import io.undertow.server.HttpHandler;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCEP wired from settings. Without a device CA there is no SCEP: no handler, no challenges, and the certificate
 * store still answers (nothing was issued), so the binder and the host listing work the same.
 */
public final class ScepFeature {
    private static final Logger LOG = LoggerFactory.getLogger(ScepFeature.class);

    private final IssuedCertificateStore issued;
    private final ScepChallenges challenges;
    private final ScepHandler handler;
    private final HostCertificatesApi api;
    private RenewalSweep renewals;

    /** How often due renewals are looked for: a day's renewals go out within the hour. */
    static final java.time.Duration RENEWAL_SWEEP = java.time.Duration.ofHours(1);

    private ScepFeature(IssuedCertificateStore issued, ScepChallenges challenges, ScepHandler handler, HostCertificatesApi api) {
        this.issued = issued;
        this.challenges = challenges;
        this.handler = handler;
        this.api = api;
    }

    /**
     * Starts the renewal sweep (when SCEP is on and MDM_RENEW_BEFORE is not zero): hourly, and once a minute after
     * start.
     *
     * @param profiles a fresh signed enrollment profile bound to a device (enrollment's renewal profiles)
     * @param push     wakes devices whose renewal was queued
     */
    public void startRenewals(Settings.Scep settings, Jdbi jdbi, java.util.function.BiFunction<String, java.time.Duration, byte[]> profiles,
            dev.jmdm.server.storage.CommandStore commands, java.util.function.Consumer<java.util.List<String>> push, Clock clock,
            ScheduledExecutorService timers) {
        if (challenges == null || settings.identity() != Settings.Scep.Identity.SCEP || settings.renewBefore().isZero()) {
            return;
        }
        renewals = new RenewalSweep(jdbi, profiles, commands, push, settings.renewBefore(), clock);
        timers.scheduleWithFixedDelay(() -> {
            try {
                renewals.run();
            } catch (RuntimeException e) {
                LOG.warn("SCEP renewal sweep failed: {}", e.getMessage(), e);
            }
        }, 60, RENEWAL_SWEEP.toSeconds(), TimeUnit.SECONDS);
    }

    /** Runs the renewal sweep now (tests; operators wait for the timer); returns how many renewals it queued. */
    public int renewDue() {
        return renewals == null ? 0 : renewals.run();
    }

    /**
     * @param ca the device CA ({@code MDM_DEVICE_CA_CERT}/{@code _KEY}), or null when none is configured
     */
    public static ScepFeature start(Settings.Scep settings, PemIdentity ca, Jdbi jdbi, HostStore hosts, Clock clock,
            ScheduledExecutorService timers) {
        IssuedCertificateStore issued = new IssuedCertificateStore(jdbi);
        HostCertificatesApi api = new HostCertificatesApi(hosts, issued);
        if (ca == null) {
            return new ScepFeature(issued, null, null, api);
        }
        if (!"RSA".equals(ca.privateKey().getAlgorithm())) {
            LOG.warn("the device CA has an {} key: SCEP clients encrypt their requests to it with RSA, so /scep cannot open them; "
                    + "use an RSA device CA or MDM_ENROLL_IDENTITY=pkcs12", ca.privateKey().getAlgorithm());
        }
        ScepChallenges challenges = new ScepChallenges(new ChallengeStore(jdbi), settings.challenge(), clock);
        ScepAuthority authority = new ScepAuthority(ca, challenges, issued, jdbi, settings.validity(), clock);
        ScepHandler handler = new ScepHandler(ca.fullChain(), new PkiMessageDecoder(ca.privateKey()), authority);
        timers.scheduleWithFixedDelay(() -> {
            try {
                challenges.purgeExpired();
            } catch (RuntimeException e) {
                LOG.warn("purging expired SCEP challenges failed: {}", e.getMessage());
            }
        }, 1, 60, TimeUnit.MINUTES);
        return new ScepFeature(issued, challenges, handler, api);
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

    public ApiRoutes api() {
        return api;
    }
}

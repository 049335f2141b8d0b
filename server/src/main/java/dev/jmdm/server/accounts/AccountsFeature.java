package dev.jmdm.server.accounts;

import dev.jmdm.server.config.AccountSettings;
import dev.jmdm.server.feature.Feature;
import dev.jmdm.server.feature.Services;
import dev.jmdm.server.http.ApiAccess;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.AuditTrail;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Console accounts as a feature: the first admin at start, sessions and their purge, the session and user routes,
 * and the {@link ApiAccess} the admin API's door asks about cookies and roles.
 */
public final class AccountsFeature implements Feature {
    private static final Logger LOG = LoggerFactory.getLogger(AccountsFeature.class);
    /** Expired sessions are refused when used, quiet sign-in counts start over; this only keeps the tables small. */
    static final long PURGE_EVERY_MINUTES = 60;

    private final AccountSettings settings;
    private final Services services;
    private final UserStore users;
    private final SessionStore sessions;
    private final PasswordHasher hasher = new PasswordHasher();
    private final SignInThrottle throttle;
    private final SessionApi sessionApi;
    private final UserApi userApi;
    private final AtomicBoolean anyUser = new AtomicBoolean();
    private final SessionAccess access;
    private ScheduledFuture<?> purge;

    /**
     * @param alwaysSecure whether every cookie is Secure (MDM_PUBLIC_URL is https: a proxy terminates TLS)
     * @param audit        where user changes are recorded
     */
    public AccountsFeature(AccountSettings settings, Services services, boolean alwaysSecure, AuditTrail audit) {
        this.settings = settings;
        this.services = services;
        this.users = new UserStore(services.jdbi(), services.clock());
        this.sessions = new SessionStore(services.jdbi(), services.clock(), settings.sessionIdle(), settings.sessionMax());
        this.throttle = new SignInThrottle(services.jdbi(), services.clock(), settings.signInFailures(), settings.signInLockout());
        this.sessionApi = new SessionApi(users, sessions, hasher, throttle, alwaysSecure, settings.passwordMinLength(), audit);
        this.userApi = new UserApi(users, sessions, hasher, settings.passwordMinLength(), audit);
        this.access = new SessionAccess(sessions, anyUser::get);
    }

    @Override
    public void start() {
        if (settings.hasFirstAdmin()) {
            createFirstAdmin(users, hasher, settings.adminEmail(), settings.adminPassword());
        }
        anyUser.set(users.any());
        // One server of those sharing the database purges (the job logs a failure and runs again next period).
        purge = services.timers().scheduleWithFixedDelay(services.jobs().leased("session-purge",
                Duration.ofMinutes(PURGE_EVERY_MINUTES), this::purge), PURGE_EVERY_MINUTES, PURGE_EVERY_MINUTES, TimeUnit.MINUTES);
    }

    /**
     * Creates the admin when no user exists; never touches an existing user. Logs one line either way.
     *
     * @return whether it was created
     */
    public static boolean createFirstAdmin(UserStore users, PasswordHasher hasher, String email, String password) {
        Optional<UserStore.User> created = users.createFirst(email, hasher.hash(password));
        if (created.isPresent()) {
            LOG.info("created the first admin {} (MDM_ADMIN_EMAIL)", created.get().email());
        } else {
            LOG.info("MDM_ADMIN_EMAIL: users exist already; no admin created and nothing changed");
        }
        return created.isPresent();
    }

    /** Expired sessions and quiet sign-in counts; a failure is logged by the job and retried next period. */
    private void purge() {
        sessions.purge();
        throttle.purge();
    }

    /** What the admin API's door asks about sessions and roles. */
    public ApiAccess access() {
        return access;
    }

    @Override
    public void register(ApiRouter router) {
        // Signing in needs no credentials; SignInThrottle bounds the guessing.
        router.open("POST", "/v1/session", sessionApi::signIn);
        router.get("/v1/session", sessionApi::current)
                .delete("/v1/session", sessionApi::signOut)
                .delete("/v1/sessions", sessionApi::signOutEverywhere)
                .put("/v1/session/password", sessionApi::changePassword)
                .get("/v1/users", userApi::list)
                .post("/v1/users", ex -> {
                    userApi.create(ex);
                    anyUser.set(true);
                })
                .get("/v1/users/{id}", userApi::show)
                .patch("/v1/users/{id}", userApi::change)
                .delete("/v1/users/{id}", userApi::delete)
                .delete("/v1/users/{id}/sessions", userApi::endSessions);
    }

    @Override
    public void close() {
        if (purge != null) {
            purge.cancel(false);
        }
    }
}

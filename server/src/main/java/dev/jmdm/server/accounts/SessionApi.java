package dev.jmdm.server.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.config.AccountSettings;
import dev.jmdm.server.http.ApiAccess;
import dev.jmdm.server.http.AuditTrail;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Principal;
import dev.jmdm.server.http.Requests;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing in and out: {@code POST /v1/session} (open: email and password, answers the session and sets the cookie),
 * {@code GET}/{@code DELETE /v1/session}, {@code DELETE /v1/sessions} (every session of the caller), and
 * {@code PUT /v1/session/password} (the caller's own password). Each is audited naming the user; a failed sign-in names
 * the email tried (as actor and target, so the log filtered by a user shows the guesses at it), never a password.
 */
final class SessionApi {
    private static final Logger LOG = LoggerFactory.getLogger(SessionApi.class);
    /** A sign-in body is two short strings. */
    static final long MAX_BODY = 16 * 1024;
    static final String WRONG = "wrong email or password";

    private final UserStore users;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final SignInThrottle throttle;
    private final boolean alwaysSecure;
    private final int passwordMinLength;
    private final AuditTrail audit;

    SessionApi(UserStore users, SessionStore sessions, PasswordHasher hasher, SignInThrottle throttle, boolean alwaysSecure,
            int passwordMinLength, AuditTrail audit) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.throttle = throttle;
        this.alwaysSecure = alwaysSecure;
        this.passwordMinLength = passwordMinLength;
        this.audit = audit;
    }

    void signIn(HttpServerExchange ex) throws Exception {
        JsonNode body = Requests.jsonBody(ex, MAX_BODY);
        String email = text(body, "email");
        String password = text(body, "password");
        if (password.length() > AccountSettings.MAX_PASSWORD_LENGTH) {
            throw new HttpError(400, "password is longer than " + AccountSettings.MAX_PASSWORD_LENGTH + " characters");
        }
        email = UserStore.normalize(email);
        String address = address(ex);
        // Refusals while locked out are not audited one by one: they test no password, and the failure that
        // started the lockout is in the log with locked_out true.
        if (lockedOut(ex, email, address)) {
            return;
        }
        Optional<UserStore.User> user = users.byEmail(email);
        boolean ok;
        if (user.isPresent()) {
            ok = hasher.verify(password, user.get().passwordHash());
        } else {
            hasher.verifyDecoy(password);
            ok = false;
        }
        if (!ok) {
            boolean locked = throttle.failed(email, address);
            LOG.info("sign-in refused for {} from {}", email, address);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("address", address);
            detail.put("user_exists", user.isPresent());
            detail.put("locked_out", locked);
            audit.record(email, "session.sign-in-failed", email, detail);
            Json.error(ex, 401, WRONG);
            return;
        }
        throttle.succeeded(email);
        UserStore.User u = user.get();
        if (hasher.outdated(u.passwordHash())) {
            users.rehash(u.id(), u.passwordHash(), hasher.hash(password));
        }
        SessionStore.Opened opened = sessions.open(u);
        LOG.info("{} signed in from {}", u.email(), address);
        audit.record(u.email(), "session.sign-in", u.email(), Map.of("address", address, "session", opened.session().id()));
        ex.getResponseHeaders().add(Headers.SET_COOKIE, cookie(ex, opened.token(), sessions.max().toSeconds()));
        Json.send(ex, 200, answer(opened.session()));
    }

    void current(HttpServerExchange ex) {
        Json.send(ex, 200, answer(session(ex)));
    }

    void signOut(HttpServerExchange ex) {
        SessionStore.Session s = session(ex);
        sessions.delete(s.id());
        audit.record(s.email(), "session.sign-out", s.email(), Map.of("session", s.id()));
        ex.getResponseHeaders().add(Headers.SET_COOKIE, cookie(ex, "", 0));
        Json.send(ex, 200, new AccountAnswers.SignedOut(1));
    }

    void signOutEverywhere(HttpServerExchange ex) {
        SessionStore.Session s = session(ex);
        int ended = sessions.deleteAll(s.userId(), null);
        audit.record(s.email(), "session.sign-out-everywhere", s.email(), Map.of("sessions", ended));
        ex.getResponseHeaders().add(Headers.SET_COOKIE, cookie(ex, "", 0));
        Json.send(ex, 200, new AccountAnswers.SignedOut(ended));
    }

    /**
     * The caller's own password: the current one proves it is the user (not someone at an unlocked screen), and wrong
     * guesses count towards the same lockout as sign-ins. Ends the user's other sessions; this one stays.
     */
    void changePassword(HttpServerExchange ex) throws Exception {
        SessionStore.Session s = session(ex);
        JsonNode body = Requests.jsonBody(ex, MAX_BODY);
        String current = text(body, "current_password");
        String next = UserApi.checkPassword(text(body, "new_password"), passwordMinLength);
        String address = address(ex);
        if (lockedOut(ex, s.email(), address)) {
            return;
        }
        UserStore.User user = users.byId(s.userId()).orElseThrow(() -> new HttpError(401, "not signed in: the user is gone"));
        if (current.length() > AccountSettings.MAX_PASSWORD_LENGTH || !hasher.verify(current, user.passwordHash())) {
            boolean locked = throttle.failed(s.email(), address);
            audit.record(s.email(), "session.password-refused", s.email(), Map.of("address", address, "locked_out", locked));
            throw new HttpError(403, "the current password is wrong");
        }
        if (current.equals(next)) {
            throw new HttpError(400, "the new password is the current one");
        }
        users.update(user.id(), new UserStore.Change(null, null, hasher.hash(next)));
        int ended = sessions.deleteAll(user.id(), s.id());
        audit.record(s.email(), "session.password", s.email(), Map.of("sessions_ended", ended));
        Json.send(ex, 200, new AccountAnswers.SignedOut(ended));
    }

    /** Answers 429 with Retry-After when the email or address is locked out. */
    private boolean lockedOut(HttpServerExchange ex, String email, String address) {
        Duration wait = throttle.wait(email, address);
        if (wait.isZero()) {
            return false;
        }
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        ex.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(seconds));
        Json.error(ex, 429, "too many failed sign-ins; try again in " + seconds + " s");
        return true;
    }

    static AccountAnswers.Session answer(SessionStore.Session s) {
        return new AccountAnswers.Session(new AccountAnswers.User(s.userId(), s.email(), s.role().wire()), s.csrfToken());
    }

    /** The request's session; an API key has none. */
    private static SessionStore.Session session(HttpServerExchange ex) {
        SessionStore.Session s = ex.getAttachment(SessionAccess.SESSION);
        Principal p = Principal.of(ex);
        if (s == null || p == null || !p.isSession()) {
            throw new HttpError(401, "not signed in: this request has no session (an API key is not one)");
        }
        return s;
    }

    /**
     * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/ (the
     * console and the API share it), Secure when the request came over HTTPS or MDM_PUBLIC_URL is https.
     */
    private String cookie(HttpServerExchange ex, String value, long maxAgeSeconds) {
        boolean secure = alwaysSecure || "https".equalsIgnoreCase(ex.getRequestScheme());
        return ApiAccess.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private static String address(HttpServerExchange ex) {
        InetSocketAddress source = ex.getSourceAddress();
        return source == null || source.getAddress() == null ? "unknown" : source.getAddress().getHostAddress();
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new HttpError(400, field + " is required (a string)");
        }
        return v.asText();
    }
}

package dev.jmdm.server.accounts;

import dev.jmdm.server.http.ApiAccess;
import dev.jmdm.server.http.Principal;
import dev.jmdm.server.http.Role;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.AttachmentKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;

/** {@link ApiAccess} from the session cookie and {@link AccessRules}. */
final class SessionAccess implements ApiAccess {
    static final AttachmentKey<SessionStore.Session> SESSION = AttachmentKey.create(SessionStore.Session.class);

    private final SessionStore sessions;
    private final BooleanSupplier hasUsers;

    SessionAccess(SessionStore sessions, BooleanSupplier hasUsers) {
        this.sessions = sessions;
        this.hasUsers = hasUsers;
    }

    @Override
    public Principal session(HttpServerExchange exchange) {
        Cookie cookie = exchange.getRequestCookie(COOKIE);
        if (cookie == null) {
            return null;
        }
        return sessions.find(cookie.getValue()).map(s -> {
            exchange.putAttachment(SESSION, s);
            return new Principal(s.email(), s.role(), s.userId(), s.id());
        }).orElse(null);
    }

    @Override
    public boolean csrfMatches(HttpServerExchange exchange, Principal principal) {
        SessionStore.Session s = exchange.getAttachment(SESSION);
        String given = exchange.getRequestHeaders().getFirst(CSRF_HEADER);
        return s != null && given != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), s.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Role required(String method, String template) {
        return AccessRules.required(method, template).orElse(null);
    }

    @Override
    public boolean hasUsers() {
        return hasUsers.getAsBoolean();
    }
}

package dev.jmdm.server.http;

import io.undertow.server.HttpServerExchange;

/**
 * The accounts side of the admin API's door: who a session cookie belongs to, and which role each route needs. API
 * keys are checked by the router itself ({@link BasicAuth}); without accounts only they open it.
 */
public interface ApiAccess {
    /** No accounts: sessions never match, every route needs an API key. */
    ApiAccess NONE = new ApiAccess() {
        @Override
        public Principal session(HttpServerExchange exchange) {
            return null;
        }

        @Override
        public Role required(String method, String template) {
            return Role.ADMIN;
        }

        @Override
        public boolean hasUsers() {
            return false;
        }
    };

    /** The name of the session cookie. */
    String COOKIE = "jmdm_session";
    /** The header every state-changing request signed in with a cookie carries. */
    String CSRF_HEADER = "X-CSRF-Token";

    /**
     * The signed-in user of the request's session cookie (refreshing its idle time), or null when the request has
     * none or it is unknown or expired. Blocking: called on a worker thread.
     */
    Principal session(HttpServerExchange exchange);

    /** Whether the CSRF token the request carries is its session's. */
    default boolean csrfMatches(HttpServerExchange exchange, Principal principal) {
        return false;
    }

    /** The role a route needs ("GET", "/v1/hosts/{id}"); null when no rule names it (the router then asks for admin). */
    Role required(String method, String template);

    /** Whether any user exists: then the admin API is on even without API keys. */
    boolean hasUsers();
}

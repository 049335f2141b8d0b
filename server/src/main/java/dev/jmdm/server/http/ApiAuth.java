package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

/**
 * The admin API's door, one per route: an API key (HTTP Basic, nanomdm's way; acts as admin) or a session cookie
 * (a signed-in user, whose role must cover the route's rule, and who must send the session's CSRF token with every
 * state-changing request). What passed is attached as the exchange's {@link Principal}. Runs on a worker thread
 * (the session lookup reads the database).
 */
final class ApiAuth implements HttpHandler {
    private final BasicAuth keys;
    private final ApiAccess access;
    private final String method;
    private final String template;
    private final Role required;
    private final HttpHandler next;

    ApiAuth(BasicAuth keys, ApiAccess access, String method, String template, HttpHandler next) {
        this.keys = keys;
        this.access = access;
        this.method = method;
        this.template = template;
        Role rule = access.required(method, template);
        // A route nobody wrote a rule for is for admins only until someone does (AccessRulesTest names it).
        this.required = rule == null ? Role.ADMIN : rule;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        Principal principal;
        if (authorization != null) {
            String user = keys.user(authorization);
            if (user == null) {
                refuse(exchange);
                return;
            }
            principal = Principal.apiKey(user);
        } else {
            principal = access.session(exchange);
            if (principal == null) {
                refuse(exchange);
                return;
            }
            if (!safe(exchange) && !access.csrfMatches(exchange, principal)) {
                Json.error(exchange, 403, "forbidden: a signed-in request that changes something needs the session's "
                        + ApiAccess.CSRF_HEADER + " header");
                return;
            }
            if (!principal.role().covers(required)) {
                Json.error(exchange, 403, "forbidden: " + method + " " + template + " needs the " + required.wire()
                        + " role; " + principal.name() + " is " + principal.role().wire());
                return;
            }
        }
        exchange.putAttachment(Principal.KEY, principal);
        next.handleRequest(exchange);
    }

    private static boolean safe(HttpServerExchange exchange) {
        return Methods.GET.equals(exchange.getRequestMethod()) || Methods.HEAD.equals(exchange.getRequestMethod());
    }

    private static void refuse(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, BasicAuth.CHALLENGE);
        Json.error(exchange, 401, "unauthorized: sign in (POST /v1/session), or HTTP Basic auth with user nanomdm and MDM_API_KEY, "
                + "or a named key of MDM_API_KEYS");
    }
}

package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;

/**
 * Registers admin API routes: every handler added here runs on a worker thread behind {@link ApiAuth} (an API key,
 * or a session cookie whose user's role covers the route's rule) and the error mapping. Feature modules (hosts,
 * profiles, push certificates, …) add their routes through an {@link ApiRoutes}. {@link #open} routes (signing in)
 * skip the door.
 */
public final class ApiRouter {
    private final RoutingHandler routes;
    private final BasicAuth apiKeys;
    private final ApiAccess access;
    private final java.util.List<String> registered = new java.util.ArrayList<>();
    private final java.util.List<String> open = new java.util.ArrayList<>();

    ApiRouter(RoutingHandler routes, java.util.Map<String, String> apiKeys, ApiAccess access) {
        this.routes = routes;
        this.apiKeys = new BasicAuth(apiKeys);
        this.access = access;
    }

    public ApiRouter get(String template, HttpHandler handler) {
        routes.get(template, wrap("GET", template, handler));
        registered.add("GET " + template);
        return this;
    }

    public ApiRouter put(String template, HttpHandler handler) {
        routes.put(template, wrap("PUT", template, handler));
        registered.add("PUT " + template);
        return this;
    }

    public ApiRouter post(String template, HttpHandler handler) {
        routes.post(template, wrap("POST", template, handler));
        registered.add("POST " + template);
        return this;
    }

    public ApiRouter delete(String template, HttpHandler handler) {
        routes.delete(template, wrap("DELETE", template, handler));
        registered.add("DELETE " + template);
        return this;
    }

    public ApiRouter patch(String template, HttpHandler handler) {
        routes.add(io.undertow.util.Methods.PATCH, template, wrap("PATCH", template, handler));
        registered.add("PATCH " + template);
        return this;
    }

    /**
     * A route without the door (no API key, no session): signing in. Still on a worker thread with the error mapping;
     * the handler bounds its own abuse.
     */
    public ApiRouter open(String method, String template, HttpHandler handler) {
        routes.add(io.undertow.util.HttpString.tryFromString(method), template, new BlockingHandler(new ErrorHandler(handler)));
        open.add(method + " " + template);
        return this;
    }

    /** The {@link #open} routes, "METHOD template". */
    java.util.List<String> open() {
        return java.util.List.copyOf(open);
    }

    /** Every route added behind the door, as "METHOD template": lets a test prove it walked them all. */
    java.util.List<String> registered() {
        return java.util.List.copyOf(registered);
    }

    private HttpHandler wrap(String method, String template, HttpHandler handler) {
        // Blocking first: a session is looked up in the database.
        return new BlockingHandler(new ErrorHandler(new ApiAuth(apiKeys, access, method, template, handler)));
    }
}

package dev.jmdm.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;

/**
 * Registers admin API routes: every handler added here runs on a worker thread behind Basic
 * auth and the error mapping. Feature modules (hosts, profiles, push certificates, …) add their
 * routes through an {@link ApiRoutes}.
 */
public final class ApiRouter {
    private final RoutingHandler routes;
    private final java.util.Map<String, String> apiKeys;
    private final java.util.List<String> registered = new java.util.ArrayList<>();

    ApiRouter(RoutingHandler routes, java.util.Map<String, String> apiKeys) {
        this.routes = routes;
        this.apiKeys = apiKeys;
    }

    public ApiRouter get(String template, HttpHandler handler) {
        routes.get(template, wrap(handler));
        registered.add("GET " + template);
        return this;
    }

    public ApiRouter put(String template, HttpHandler handler) {
        routes.put(template, wrap(handler));
        registered.add("PUT " + template);
        return this;
    }

    public ApiRouter post(String template, HttpHandler handler) {
        routes.post(template, wrap(handler));
        registered.add("POST " + template);
        return this;
    }

    public ApiRouter delete(String template, HttpHandler handler) {
        routes.delete(template, wrap(handler));
        registered.add("DELETE " + template);
        return this;
    }

    /** Every route added, as "METHOD template": lets a test prove it walked them all. */
    java.util.List<String> registered() {
        return java.util.List.copyOf(registered);
    }

    private HttpHandler wrap(HttpHandler handler) {
        return new BasicAuth(apiKeys, new BlockingHandler(new ErrorHandler(handler)));
    }
}

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

    ApiRouter(RoutingHandler routes, java.util.Map<String, String> apiKeys) {
        this.routes = routes;
        this.apiKeys = apiKeys;
    }

    public ApiRouter get(String template, HttpHandler handler) {
        routes.get(template, wrap(handler));
        return this;
    }

    public ApiRouter put(String template, HttpHandler handler) {
        routes.put(template, wrap(handler));
        return this;
    }

    public ApiRouter post(String template, HttpHandler handler) {
        routes.post(template, wrap(handler));
        return this;
    }

    public ApiRouter delete(String template, HttpHandler handler) {
        routes.delete(template, wrap(handler));
        return this;
    }

    private HttpHandler wrap(HttpHandler handler) {
        return new BasicAuth(apiKeys, new BlockingHandler(new ErrorHandler(handler)));
    }
}

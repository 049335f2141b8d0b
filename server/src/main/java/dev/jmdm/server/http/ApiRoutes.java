package dev.jmdm.server.http;

/** A feature's admin API routes. */
@FunctionalInterface
public interface ApiRoutes {
    void register(ApiRouter router);
}

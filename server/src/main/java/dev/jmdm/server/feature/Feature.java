package dev.jmdm.server.feature;

import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.ApiRoutes;

/**
 * A part of the server (hosts, profiles, policies, enrollment, push…) built from its settings record and the shared
 * {@link Services}. Building wires nothing into the server yet, so features can hand each other hooks; the server then
 * starts them in its one order (listeners run in the order they were added), registers their admin routes, opens the
 * listener, and closes them in reverse order after the listener has stopped.
 */
public interface Feature extends ApiRoutes, AutoCloseable {
    /** Starts background work: listeners on check-ins and answers, timers, threads. Called once. */
    default void start() {
    }

    /** Adds the feature's admin API routes; none by default. */
    @Override
    default void register(ApiRouter router) {
    }

    /** Stops what {@link #start()} began; the shared timer is the server's to stop. Does not throw. */
    @Override
    default void close() {
    }
}

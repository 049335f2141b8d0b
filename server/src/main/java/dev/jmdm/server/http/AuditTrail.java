package dev.jmdm.server.http;

import io.undertow.server.HttpServerExchange;
import java.util.Map;

/**
 * Writes an admin action that concerns no host into the audit log: how features other than hosts (accounts) land in
 * the same log.
 */
@FunctionalInterface
public interface AuditTrail {
    AuditTrail NONE = (actor, action, target, detail) -> { };

    /**
     * With an actor named by the caller: a sign-in, which has no {@link Principal} yet.
     *
     * @param target what the action named (a user's email)
     * @param detail a short map of its parameters, never secrets; null: none
     */
    void record(String actor, String action, String target, Map<String, ?> detail);

    /** With the request's {@link Principal} as the actor. */
    default void record(HttpServerExchange exchange, String action, String target, Map<String, ?> detail) {
        Principal p = Principal.of(exchange);
        record(p != null ? p.name() : "unknown", action, target, detail);
    }
}

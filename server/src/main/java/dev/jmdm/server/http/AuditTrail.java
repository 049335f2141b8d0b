package dev.jmdm.server.http;

import io.undertow.server.HttpServerExchange;
import java.util.Map;

/**
 * Writes an admin action that concerns no host into the audit log, with the request's {@link Principal} as the
 * actor: how features other than hosts (accounts) land in the same log.
 */
@FunctionalInterface
public interface AuditTrail {
    AuditTrail NONE = (exchange, action, target, detail) -> { };

    /**
     * @param target what the action named (a user's email)
     * @param detail a short map of its parameters, never secrets; null: none
     */
    void record(HttpServerExchange exchange, String action, String target, Map<String, ?> detail);
}

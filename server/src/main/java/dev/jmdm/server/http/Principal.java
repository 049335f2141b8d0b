package dev.jmdm.server.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * Who an admin API request acts for, attached to the exchange once its credentials have been checked: an API key
 * (its Basic user name, acting as admin) or a signed-in user (email and role) with the session it came with.
 *
 * @param name      who the audit log records: the key's Basic user name or the user's email
 * @param role      what it may do
 * @param userId    the user's id; null for an API key
 * @param sessionId the session's id; null for an API key
 */
public record Principal(String name, Role role, Long userId, Long sessionId) {
    public static final AttachmentKey<Principal> KEY = AttachmentKey.create(Principal.class);

    /** An API key: nanomdm's tools and scripts, trusted with everything. */
    public static Principal apiKey(String basicUser) {
        return new Principal(basicUser, Role.ADMIN, null, null);
    }

    public boolean isSession() {
        return sessionId != null;
    }

    /** The request's principal; null only outside the admin API's routes. */
    public static Principal of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }
}

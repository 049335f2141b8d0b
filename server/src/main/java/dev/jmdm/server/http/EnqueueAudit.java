package dev.jmdm.server.http;

import dev.jmdm.server.protocol.Command;
import io.undertow.server.HttpServerExchange;
import java.util.List;

/**
 * Told about every command the raw, nanomdm-compatible enqueue queued, so that it lands in the same
 * audit log as commands queued through the structured API.
 */
@FunctionalInterface
public interface EnqueueAudit {
    EnqueueAudit NONE = (exchange, command, enrollmentIds) -> { };

    void enqueued(HttpServerExchange exchange, Command command, List<String> enrollmentIds);
}

package dev.jmdm.server.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Commands other features queue for a host on their own account (a policy's remediation): a built
 * command or a refetch, each audited under the given actor and pushed in the background.
 */
public final class HostCommands {
    private final HostStore hosts;
    private final CommandStore commands;
    private final InventoryCollector collector;
    private final AuditLog audit;
    private final Wakeups wakeups;

    HostCommands(HostStore hosts, CommandStore commands, InventoryCollector collector, AuditLog audit, Wakeups wakeups) {
        this.hosts = hosts;
        this.commands = commands;
        this.collector = collector;
        this.audit = audit;
        this.wakeups = wakeups;
    }

    /** The API user calling, as the audit log names it. */
    public static String actor(io.undertow.server.HttpServerExchange exchange) {
        return ApiJson.actor(exchange);
    }

    /** Why the command-builder JSON would be refused, or empty when POST /v1/commands would build it. */
    public static Optional<String> problem(JsonNode commandJson) {
        try {
            CommandBuilder.fromJson(commandJson);
            return Optional.empty();
        } catch (HttpError e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Builds and queues the command for the host's device; returns its CommandUUID. */
    public String queue(JsonNode commandJson, long hostId, String actor, Map<String, ?> detail) {
        String device = enrolledDevice(hostId);
        Command command = CommandBuilder.fromJson(commandJson);
        commands.enqueue(command, List.of(device));
        audit.record(actor, "command", hostId, device, command.commandUuid(), withType(detail, command.requestType()));
        wakeups.pushLater(List.of(device));
        return command.commandUuid();
    }

    /** Queues the inventory queries for the host; returns the first CommandUUID. */
    public String refetch(long hostId, String actor, Map<String, ?> detail) {
        String device = enrolledDevice(hostId);
        List<Command> queued = collector.request(hostId, device);
        audit.record(actor, "inventory.refetch", hostId, device, queued.get(0).commandUuid(), detail);
        wakeups.pushLater(List.of(device));
        return queued.get(0).commandUuid();
    }

    /** Records an action another feature took on a host (installing a profile for it, say). */
    public void audit(String actor, String action, long hostId, Map<String, ?> detail) {
        audit.record(actor, action, hostId, hosts.find(hostId).map(HostRecord::deviceId).orElse(null), null, detail);
    }

    /** Records an admin action of another feature that concerns no one host (a setting it keeps). */
    public void auditGlobal(String actor, String action, Map<String, ?> detail) {
        audit.record(actor, action, null, null, null, detail);
    }

    private String enrolledDevice(long hostId) {
        return hosts.find(hostId).filter(h -> h.deviceId() != null).map(HostRecord::deviceId)
                .orElseThrow(() -> new HttpError(409, "host " + hostId + " has no enrolled device"));
    }

    private static Map<String, Object> withType(Map<String, ?> detail, String requestType) {
        Map<String, Object> d = new java.util.LinkedHashMap<>(detail);
        d.put("request_type", requestType);
        return d;
    }
}

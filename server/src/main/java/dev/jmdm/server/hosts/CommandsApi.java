package dev.jmdm.server.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** POST /v1/commands: a command built from JSON and queued for hosts, all or none. */
final class CommandsApi {
    static final int MAX_HOSTS = 10_000;

    private final HostDirectory directory;
    private final HostStore hosts;
    private final CommandStore commands;
    private final AuditLog audit;
    private final HostsApi api;
    private final long maxBody;

    CommandsApi(HostDirectory directory, HostStore hosts, CommandStore commands, AuditLog audit, HostsApi api, long maxBody) {
        this.directory = directory;
        this.hosts = hosts;
        this.commands = commands;
        this.audit = audit;
        this.api = api;
        this.maxBody = maxBody;
    }

    void create(HttpServerExchange exchange) throws Exception {
        JsonNode body = Requests.jsonBody(exchange, maxBody);
        Command command = CommandBuilder.fromJson(body);
        JsonNode refs = body.get("hosts");
        if (refs == null || !refs.isArray() || refs.isEmpty()) {
            throw new HttpError(400, "hosts must be a non-empty array of host references (id, UDID, serial or enrollment id)");
        }
        if (refs.size() > MAX_HOSTS) {
            throw new HttpError(400, "at most " + MAX_HOSTS + " hosts per command");
        }
        Set<String> ids = new LinkedHashSet<>();
        List<HostAnswers.Target> targets = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> notEnrolled = new ArrayList<>();
        List<Long> hostIds = new ArrayList<>();
        for (JsonNode r : refs) {
            String ref = r.isTextual() || r.isNumber() ? r.asText() : "";
            HostView v;
            try {
                v = directory.resolve(ref);
            } catch (HttpError e) {
                unknown.add(ref);
                continue;
            }
            if (!"enrolled".equals(v.status())) {
                notEnrolled.add(ref);
                continue;
            }
            if (ids.add(v.host().deviceId())) {
                hostIds.add(v.host().id());
                targets.add(new HostAnswers.Target(v.host().id(), v.host().deviceId()));
            }
        }
        if (!unknown.isEmpty()) {
            throw new HttpError(404, "unknown host(s): " + String.join(", ", unknown) + "; nothing was queued");
        }
        if (!notEnrolled.isEmpty()) {
            throw new HttpError(409, "host(s) not enrolled: " + String.join(", ", notEnrolled) + "; nothing was queued");
        }
        try {
            commands.enqueue(command, List.copyOf(ids));
        } catch (CommandStore.DuplicateCommandException e) {
            throw new HttpError(409, e.getMessage());
        }
        auditCommand(exchange, command, ids, hostIds.size() == 1 ? hostIds.get(0) : null, Map.of("hosts", hostIds.size()));
        var push = api.push(exchange, List.copyOf(ids));
        Json.send(exchange, HostsApi.status(push), new HostAnswers.CommandQueued(command.commandUuid(), command.requestType(), targets, push));
    }

    /** PUT /v1/enqueue queued a raw command: audited as a command, naming enrollments rather than hosts. */
    void rawEnqueued(HttpServerExchange exchange, Command command, List<String> enrollmentIds) {
        Long hostId = enrollmentIds.size() == 1 ? hosts.hostOfEnrollment(enrollmentIds.get(0)).orElse(null) : null;
        auditCommand(exchange, command, enrollmentIds, hostId, Map.of("enrollments", enrollmentIds.size(), "via", "enqueue"));
    }

    private void auditCommand(HttpServerExchange exchange, Command command, java.util.Collection<String> ids, Long hostId,
            Map<String, Object> detail) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("request_type", command.requestType());
        d.putAll(detail);
        audit.record(ApiJson.actor(exchange), "command", hostId, String.join(",", ids), command.commandUuid(), d);
    }
}

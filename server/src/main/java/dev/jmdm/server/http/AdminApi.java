package dev.jmdm.server.http;

import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.push.PushResult;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.storage.EnrollmentRecord;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.QueueEntry;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin API. Enqueue and push answer in nanomdm's result shape so tools written for it
 * keep working; the enrollment and command reads are ours.
 */
final class AdminApi {
    /** Most ids one enqueue or push call may name. */
    static final int MAX_IDS = 10_000;
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final EnrollmentStore enrollments;
    private final CommandStore commands;
    private final PushService push;
    private final EnqueueAudit audit;
    private final long maxBody;

    AdminApi(EnrollmentStore enrollments, CommandStore commands, PushService push, EnqueueAudit audit, long maxBody) {
        this.enrollments = enrollments;
        this.commands = commands;
        this.push = push;
        this.audit = audit == null ? EnqueueAudit.NONE : audit;
        this.maxBody = maxBody;
    }

    /** PUT /v1/enqueue/{ids}[?nopush=1] */
    void enqueue(HttpServerExchange exchange) throws Exception {
        List<String> ids = ids(exchange);
        byte[] body = Bodies.read(exchange, maxBody);
        Map<String, Object> result = new LinkedHashMap<>();
        Command command;
        try {
            command = Messages.command(body);
        } catch (RuntimeException e) {
            result.put("command_error", e.getMessage());
            Json.send(exchange, 400, result);
            return;
        }
        result.put("command_uuid", command.commandUuid());
        result.put("request_type", command.requestType());
        Set<String> known = enrollments.existing(ids);
        if (known.size() != ids.size()) {
            Map<String, Object> status = new LinkedHashMap<>();
            for (String id : ids) {
                if (!known.contains(id)) {
                    status.put(id, Map.of("command_error", "unknown enrollment id"));
                }
            }
            result.put("status", status);
            result.put("command_error", "unknown enrollment id(s); nothing was enqueued");
            Json.send(exchange, 404, result);
            return;
        }
        try {
            commands.enqueue(command, ids);
        } catch (CommandStore.DuplicateCommandException e) {
            result.put("command_error", e.getMessage());
            Json.send(exchange, 409, result);
            return;
        }
        audit.enqueued(exchange, command, ids);
        if (noPush(exchange)) {
            result.put("no_push", true);
            Json.send(exchange, 200, result);
            return;
        }
        int failed = putPushResults(result, push.push(ids));
        // The command is queued whatever APNs said: push failures make it a partial success.
        Json.send(exchange, failed == 0 ? 200 : 207, result);
    }

    /** GET /v1/push/{ids} */
    void push(HttpServerExchange exchange) {
        List<String> ids = ids(exchange);
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, PushResult> pushes = push.push(ids);
        int failed = putPushResults(result, pushes);
        Json.send(exchange, failed == 0 ? 200 : serverCouldNotPush(pushes) ? 500 : 207, result);
    }

    /**
     * nanomdm answers 500 when nothing could be pushed; we keep that for the server's own failures
     * (no certificate, APNs refusing) and answer 207 with per-id errors when it is the enrollments
     * that cannot be pushed, as that is no server fault, or when APNs has not answered within
     * MDM_APNS_TIMEOUT and pushes are still pending.
     */
    private static boolean serverCouldNotPush(Map<String, PushResult> pushes) {
        // a pending push has not failed (yet): that is a 207
        return pushes.values().stream().allMatch(r -> !r.ok() && r.attempted() && !r.pending());
    }

    private static int putPushResults(Map<String, Object> result, Map<String, PushResult> pushes) {
        Map<String, Object> status = new LinkedHashMap<>();
        int failed = 0;
        for (var e : pushes.entrySet()) {
            if (e.getValue().ok()) {
                status.put(e.getKey(), Map.of("push_result", e.getValue().apnsId()));
            } else {
                status.put(e.getKey(), Map.of("push_error", e.getValue().error()));
                failed++;
            }
        }
        result.put("status", status);
        if (failed > 0) {
            result.put("push_error", failed + " of " + pushes.size() + " push(es) failed");
        }
        return failed;
    }

    /** GET /v1/enrollments[?id=&limit=&cursor=] */
    void listEnrollments(HttpServerExchange exchange) {
        String device = query(exchange, "id");
        String cursor = query(exchange, "cursor");
        int limit = limit(exchange);
        List<EnrollmentRecord> page = enrollments.list(device, cursor, limit + 1);
        Map<String, Object> result = new LinkedHashMap<>();
        List<Object> items = new ArrayList<>();
        for (EnrollmentRecord e : page.subList(0, Math.min(limit, page.size()))) {
            items.add(enrollmentJson(e));
        }
        result.put("enrollments", items);
        if (page.size() > limit) {
            result.put("next_cursor", page.get(limit - 1).id());
        }
        Json.send(exchange, 200, result);
    }

    static Map<String, Object> enrollmentJson(EnrollmentRecord e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.type());
        m.put("device_id", e.deviceId());
        m.put("serial_number", e.serialNumber());
        m.put("user_id", e.userId());
        m.put("user_short_name", e.userShortName());
        m.put("user_long_name", e.userLongName());
        m.put("topic", e.topic());
        m.put("enabled", e.enabled());
        m.put("token_update_tally", e.tokenUpdateTally());
        m.put("last_seen_at", Json.time(e.lastSeenAt()));
        m.put("created_at", Json.time(e.createdAt()));
        return m;
    }

    /** GET /v1/enrollments/{id}/queue */
    void queue(HttpServerExchange exchange) {
        String id = pathParam(exchange, "id");
        requireEnrollment(id);
        List<Object> items = new ArrayList<>();
        for (QueueEntry q : commands.pending(id)) {
            items.add(QueueEntryJson.of(q, "id", false));
        }
        Json.send(exchange, 200, Map.of("id", id, "commands", items));
    }

    /** DELETE /v1/enrollments/{id}/queue/{uuid} */
    void cancel(HttpServerExchange exchange) {
        String id = pathParam(exchange, "id");
        String uuid = pathParam(exchange, "uuid");
        switch (commands.cancel(id, uuid)) {
            case CANCELED -> Json.send(exchange, 200, Map.of("id", id, "command_uuid", uuid, "status", QueueEntry.CANCELED));
            case NOT_FOUND -> throw new HttpError(404, "command " + uuid + " is not queued for " + id);
            case ALREADY_DELIVERED -> throw new HttpError(409, "command " + uuid + " was already delivered to " + id
                    + " and may be running; it cannot be cancelled");
            case FINISHED -> throw new HttpError(409, "command " + uuid + " is already finished for " + id);
        }
    }

    /** GET /v1/commands/{uuid}: the command and every enrollment's status and result as JSON. */
    void command(HttpServerExchange exchange) {
        String uuid = pathParam(exchange, "uuid");
        CommandStore.StoredCommand c = commands.command(uuid)
                .orElseThrow(() -> new HttpError(404, "no command " + uuid));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("command_uuid", c.commandUuid());
        result.put("request_type", c.requestType());
        result.put("created_at", Json.time(c.createdAt()));
        List<Object> items = new ArrayList<>();
        for (QueueEntry q : commands.entries(uuid)) {
            items.add(QueueEntryJson.of(q, "id", true));
        }
        result.put("enrollments", items);
        Json.send(exchange, 200, result);
    }

    private void requireEnrollment(String id) {
        if (enrollments.find(id).isEmpty()) {
            throw new HttpError(404, "no enrollment " + id);
        }
    }

    static List<String> ids(HttpServerExchange exchange) {
        Set<String> ids = new LinkedHashSet<>();
        for (String part : pathParam(exchange, "ids").split(",")) {
            String id = part.trim();
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            throw new HttpError(400, "no enrollment ids in the path");
        }
        if (ids.size() > MAX_IDS) {
            throw new HttpError(400, "at most " + MAX_IDS + " enrollment ids per call");
        }
        return List.copyOf(ids);
    }

    private static boolean noPush(HttpServerExchange exchange) {
        String v = query(exchange, "nopush");
        return v != null && !v.isEmpty() && !"0".equals(v) && !"false".equalsIgnoreCase(v);
    }

    static String pathParam(HttpServerExchange exchange, String name) {
        return Requests.pathParam(exchange, name);
    }

    static String query(HttpServerExchange exchange, String name) {
        return Requests.query(exchange, name);
    }

    private static int limit(HttpServerExchange exchange) {
        return Requests.intQuery(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
    }
}

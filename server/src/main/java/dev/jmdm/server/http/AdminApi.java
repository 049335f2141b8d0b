package dev.jmdm.server.http;

import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.push.PushResult;
import dev.jmdm.server.push.PushService;
import dev.jmdm.server.storage.CommandStore;
import dev.jmdm.server.http.AdminAnswers.Canceled;
import dev.jmdm.server.http.AdminAnswers.CommandStatus;
import dev.jmdm.server.http.AdminAnswers.EnqueueResult;
import dev.jmdm.server.http.AdminAnswers.Enrollment;
import dev.jmdm.server.http.AdminAnswers.Enrollments;
import dev.jmdm.server.http.AdminAnswers.IdStatus;
import dev.jmdm.server.http.AdminAnswers.Queue;
import dev.jmdm.server.storage.EnrollmentRecord;
import dev.jmdm.server.storage.EnrollmentStore;
import dev.jmdm.server.storage.QueueEntry;
import io.undertow.server.HttpServerExchange;
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
        Command command;
        try {
            command = Messages.command(body);
        } catch (RuntimeException e) {
            Json.send(exchange, 400, new EnqueueResult(null, null, null, null, null, e.getMessage()));
            return;
        }
        Set<String> known = enrollments.existing(ids);
        if (known.size() != ids.size()) {
            Map<String, IdStatus> status = new LinkedHashMap<>();
            for (String id : ids) {
                if (!known.contains(id)) {
                    status.put(id, IdStatus.refused("unknown enrollment id"));
                }
            }
            Json.send(exchange, 404, new EnqueueResult(command.commandUuid(), command.requestType(), status, null, null,
                    "unknown enrollment id(s); nothing was enqueued"));
            return;
        }
        try {
            commands.enqueue(command, ids);
        } catch (CommandStore.DuplicateCommandException e) {
            Json.send(exchange, 409, new EnqueueResult(command.commandUuid(), command.requestType(), null, null, null, e.getMessage()));
            return;
        }
        audit.enqueued(exchange, command, ids);
        if (noPush(exchange)) {
            Json.send(exchange, 200, new EnqueueResult(command.commandUuid(), command.requestType(), null, true, null, null));
            return;
        }
        Map<String, PushResult> pushes = push.push(ids);
        EnqueueResult result = pushResults(command, pushes);
        // The command is queued whatever APNs said: push failures make it a partial success.
        Json.send(exchange, result.pushError() == null ? 200 : 207, result);
    }

    /** GET /v1/push/{ids} */
    void push(HttpServerExchange exchange) {
        List<String> ids = ids(exchange);
        Map<String, PushResult> pushes = push.push(ids);
        EnqueueResult result = pushResults(null, pushes);
        Json.send(exchange, result.pushError() == null ? 200 : serverCouldNotPush(pushes) ? 500 : 207, result);
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

    private static EnqueueResult pushResults(Command command, Map<String, PushResult> pushes) {
        Map<String, IdStatus> status = new LinkedHashMap<>();
        int failed = 0;
        for (var e : pushes.entrySet()) {
            if (e.getValue().ok()) {
                status.put(e.getKey(), IdStatus.pushed(e.getValue().apnsId()));
            } else {
                status.put(e.getKey(), IdStatus.pushFailed(e.getValue().error()));
                failed++;
            }
        }
        String error = failed > 0 ? failed + " of " + pushes.size() + " push(es) failed" : null;
        return new EnqueueResult(command == null ? null : command.commandUuid(), command == null ? null : command.requestType(),
                status, null, error, null);
    }

    /** GET /v1/enrollments[?id=&limit=&cursor=] */
    void listEnrollments(HttpServerExchange exchange) {
        String device = query(exchange, "id");
        String cursor = query(exchange, "cursor");
        int limit = limit(exchange);
        List<EnrollmentRecord> page = enrollments.list(device, cursor, limit + 1);
        List<Enrollment> items = page.subList(0, Math.min(limit, page.size())).stream().map(Enrollment::of).toList();
        Json.send(exchange, 200, new Enrollments(items, page.size() > limit ? page.get(limit - 1).id() : null));
    }

    /** GET /v1/enrollments/{id}/queue */
    void queue(HttpServerExchange exchange) {
        String id = pathParam(exchange, "id");
        requireEnrollment(id);
        List<QueueEntryJson> items = commands.pending(id).stream().map(q -> QueueEntryJson.byId(q, false)).toList();
        Json.send(exchange, 200, new Queue(id, items));
    }

    /** DELETE /v1/enrollments/{id}/queue/{uuid} */
    void cancel(HttpServerExchange exchange) {
        String id = pathParam(exchange, "id");
        String uuid = pathParam(exchange, "uuid");
        switch (commands.cancel(id, uuid)) {
            case CANCELED -> Json.send(exchange, 200, new Canceled(id, uuid, QueueEntry.CANCELED));
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
        List<QueueEntryJson> items = commands.entries(uuid).stream().map(q -> QueueEntryJson.byId(q, true)).toList();
        Json.send(exchange, 200, new CommandStatus(c.commandUuid(), c.requestType(), Json.time(c.createdAt()), items));
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

package dev.jmdm.server.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.hosts.HostAnswers.Apps;
import dev.jmdm.server.hosts.HostAnswers.AuditEntries;
import dev.jmdm.server.hosts.HostAnswers.AuditEntry;
import dev.jmdm.server.hosts.HostAnswers.Failure;
import dev.jmdm.server.hosts.HostAnswers.Forgotten;
import dev.jmdm.server.hosts.HostAnswers.History;
import dev.jmdm.server.hosts.HostAnswers.Host;
import dev.jmdm.server.hosts.HostAnswers.HostDetail;
import dev.jmdm.server.hosts.HostAnswers.Hosts;
import dev.jmdm.server.hosts.HostAnswers.Inventory;
import dev.jmdm.server.hosts.HostAnswers.InventorySummary;
import dev.jmdm.server.hosts.HostAnswers.Pin;
import dev.jmdm.server.hosts.HostAnswers.Pins;
import dev.jmdm.server.hosts.HostAnswers.Refetch;
import dev.jmdm.server.hosts.HostAnswers.Schedule;
import dev.jmdm.server.hosts.HostAnswers.Source;
import dev.jmdm.server.http.AdminAnswers.IdStatus;
import dev.jmdm.server.http.AdminAnswers.PushOutcome;
import dev.jmdm.server.http.QueueEntryJson;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The host endpoints: pre-register, list, show, forget; inventory and apps; refetch; command history; PINs; audit. */
final class HostsApi {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    static final int MAX_SERIALS = 10_000;
    static final int MAX_NOTE = 1024;
    /** The audit row's detail is a TEXT column: 64 KiB of bytes, so 16,000 characters even if all are 4-byte. */
    static final int MAX_NOTE_DETAIL = 16_000;

    private final HostStore hosts;
    private final HostDirectory directory;
    private final InventoryStore inventory;
    private final InventoryCollector collector;
    private final PinStore pins;
    private final AuditLog audit;
    private final Wakeups wakeups;
    private final Clock clock;
    private final long maxBody;

    HostsApi(HostStore hosts, HostDirectory directory, InventoryStore inventory, InventoryCollector collector, PinStore pins,
            AuditLog audit, Wakeups wakeups, Clock clock, long maxBody) {
        this.hosts = hosts;
        this.directory = directory;
        this.inventory = inventory;
        this.collector = collector;
        this.pins = pins;
        this.audit = audit;
        this.wakeups = wakeups;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    /** POST /v1/hosts {"serials": [...]} */
    void preRegister(HttpServerExchange exchange) throws Exception {
        JsonNode body = Requests.jsonBody(exchange, maxBody);
        JsonNode serials = body.get("serials");
        if (serials == null || !serials.isArray() || serials.isEmpty()) {
            throw new HttpError(400, "serials must be a non-empty array of serial numbers");
        }
        if (serials.size() > MAX_SERIALS) {
            throw new HttpError(400, "at most " + MAX_SERIALS + " serials per call");
        }
        Set<String> list = new LinkedHashSet<>();
        for (JsonNode s : serials) {
            String v = s.isTextual() ? s.asText().trim() : "";
            if (v.isEmpty() || v.length() > 127) {
                throw new HttpError(400, "serials must be non-empty strings of at most 127 characters: " + s);
            }
            list.add(v);
        }
        List<HostRecord> registered = hosts.preRegister(list);
        List<Host> items = new ArrayList<>();
        Map<Long, HostAnswers.Ade> ade = directory.ade(registered.stream().map(HostRecord::id).toList());
        for (HostRecord r : registered) {
            directory.view(r.id()).ifPresent(v -> items.add(Host.of(v, List.of(), ade.get(r.id()))));
        }
        audit.record(ApiJson.actor(exchange), "hosts.preregister", registered.size() == 1 ? registered.get(0).id() : null,
                String.join(",", list), null, Map.of("count", list.size()));
        Json.send(exchange, 200, new Hosts(items, null));
    }

    /** GET /v1/hosts?platform=&os_version=&status=&group=&policy=&policy_result=&q=&sort=&limit=&cursor= */
    void list(HttpServerExchange exchange) {
        HostDirectory.Filter f = new HostDirectory.Filter(Requests.query(exchange, "platform"), Requests.query(exchange, "os_version"),
                Requests.query(exchange, "status"), Requests.query(exchange, "group"), Requests.query(exchange, "q"),
                Requests.query(exchange, "policy"), Requests.query(exchange, "policy_result"));
        int limit = Requests.intQuery(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        HostDirectory.Page<HostView> page = directory.list(f, Requests.query(exchange, "sort"), Requests.query(exchange, "cursor"), limit);
        List<Long> ids = page.items().stream().map(v -> v.host().id()).toList();
        Map<Long, List<String>> groups = directory.groups(ids);
        Map<Long, HostAnswers.Ade> ade = directory.ade(ids);
        List<Host> items = page.items().stream()
                .map(v -> Host.of(v, groups.getOrDefault(v.host().id(), List.of()), ade.get(v.host().id()))).toList();
        Json.send(exchange, 200, new Hosts(items, page.nextCursor()));
    }

    /** Where a host's Setup Assistant enrollment stands, when it has one (the ADE feature tells). */
    private volatile java.util.function.Function<HostRecord, java.util.Optional<HostAnswers.Setup>> setup = h -> java.util.Optional.empty();

    void setupFrom(java.util.function.Function<HostRecord, java.util.Optional<HostAnswers.Setup>> source) {
        this.setup = source;
    }

    /** GET /v1/hosts/{id} */
    void show(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        long id = v.host().id();
        Host host = Host.of(v, directory.groups(List.of(id)).getOrDefault(id, List.of()), directory.ade(List.of(id)).get(id));
        Json.send(exchange, 200, new HostDetail(host, directory.hasUnlockToken(v.host().deviceId()), directory.channels(id),
                inventorySummary(id), setup.apply(v.host()).orElse(null)));
    }

    /** DELETE /v1/hosts/{id} */
    void forget(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        directory.forget(v.host().id());
        audit.record(ApiJson.actor(exchange), "hosts.delete", v.host().id(), target(v.host()), null, null);
        Json.send(exchange, 200, new Forgotten(v.host().id(), true));
    }

    /** GET /v1/hosts/{id}/inventory: every source's facts with when they were collected and their age. */
    void inventory(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        long id = v.host().id();
        Map<String, InventoryStore.Stored> facts = inventory.facts(id);
        Json.send(exchange, 200, new Inventory(id, source(facts.get(InventoryParser.DEVICE)), source(facts.get(InventoryParser.SECURITY)),
                source(facts.get(InventoryParser.APPS)), schedule(id)));
    }

    private Source source(InventoryStore.Stored s) {
        if (s == null) {
            return null;
        }
        boolean apps = InventoryParser.APPS.equals(s.source());
        return new Source(ApiJson.time(s.collectedAt()), age(s.collectedAt()), s.commandUuid(), apps ? appCount(s) : null,
                apps ? null : s.facts());
    }

    private static int appCount(InventoryStore.Stored apps) {
        return apps.facts().get("apps") instanceof List<?> l ? l.size() : 0;
    }

    /** GET /v1/hosts/{id}/inventory/{source}/raw: the device's answer behind a source's facts, as it sent it. */
    void rawInventory(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        String source = Requests.pathParam(exchange, "source");
        if (!List.of(InventoryParser.DEVICE, InventoryParser.SECURITY, InventoryParser.APPS).contains(source)) {
            throw new HttpError(404, "no inventory source '" + source + "'; use device, security or apps");
        }
        InventoryStore.Stored s = inventory.facts(v.host().id()).get(source);
        byte[] raw = s == null || s.commandUuid() == null ? null : inventory.rawAnswer(v.host().id(), s.commandUuid()).orElse(null);
        if (raw == null) {
            throw new HttpError(404, "host " + v.host().id() + " has no " + source + " inventory yet");
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-plist");
        exchange.getResponseSender().send(ByteBuffer.wrap(raw));
    }

    /** GET /v1/hosts/{id}/apps */
    void apps(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        InventoryStore.Stored s = inventory.facts(v.host().id()).get(InventoryParser.APPS);
        if (s == null) {
            Json.send(exchange, 200, new Apps(v.host().id(), null, null, List.of()));
            return;
        }
        List<?> apps = s.facts().get("apps") instanceof List<?> l ? l : List.of();
        Json.send(exchange, 200, new Apps(v.host().id(), ApiJson.time(s.collectedAt()), age(s.collectedAt()), apps));
    }

    /** POST /v1/hosts/{id}/refetch[?nopush=1] */
    void refetch(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        RemoteActions.requireEnrolled(v);
        List<Command> queued = collector.request(v.host().id(), v.host().deviceId());
        List<String> uuids = queued.stream().map(Command::commandUuid).toList();
        audit.record(ApiJson.actor(exchange), "inventory.refetch", v.host().id(), target(v.host()), uuids.get(0),
                Map.of("command_uuids", uuids));
        PushOutcome push = push(exchange, List.of(v.host().deviceId()));
        Json.send(exchange, status(push), new Refetch(v.host().id(), uuids, push));
    }

    /** Pushes unless ?nopush=1; the outcome goes into the answer. */
    PushOutcome push(HttpServerExchange exchange, List<String> ids) {
        String np = Requests.query(exchange, "nopush");
        if (np != null && !np.isEmpty() && !"0".equals(np) && !"false".equalsIgnoreCase(np)) {
            return PushOutcome.NOT_PUSHED;
        }
        Map<String, IdStatus> status = wakeups.pushNow(ids);
        int failed = Wakeups.failures(status);
        return new PushOutcome(null, status, failed > 0 ? failed + " of " + ids.size() + " push(es) failed; the command is queued" : null);
    }

    /** 200, or 207 when a push failed (the command is queued either way). */
    static int status(PushOutcome push) {
        return push.pushError() == null ? 200 : 207;
    }

    /** GET /v1/hosts/{id}/commands?limit=&cursor=&results=0 — newest first. */
    void history(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        int limit = Requests.intQuery(exchange, "limit", 50, 1, 500);
        Long before = longCursor(Requests.query(exchange, "cursor"));
        boolean results = !"0".equals(Requests.query(exchange, "results"));
        List<HostDirectory.HistoryEntry> rows = directory.history(v.host().id(), before, limit + 1);
        List<QueueEntryJson> items = rows.subList(0, Math.min(limit, rows.size())).stream()
                .map(e -> QueueEntryJson.byEnrollmentId(e.entry(), results)).toList();
        Json.send(exchange, 200, new History(v.host().id(), items, rows.size() > limit ? String.valueOf(rows.get(limit - 1).id()) : null));
    }

    /** GET /v1/hosts/{id}/pins — the PINs generated for lock and wipe; reading them is audited. */
    void pins(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        List<Pin> items = pins.forHost(v.host().id()).stream()
                .map(p -> new Pin(p.commandUuid(), p.requestType(), p.pin(), p.error(), p.actor(), ApiJson.time(p.createdAt()))).toList();
        audit.record(ApiJson.actor(exchange), "pins.view", v.host().id(), target(v.host()), null, Map.of("count", items.size()));
        Json.send(exchange, 200, new Pins(v.host().id(), items));
    }

    /** GET /v1/audit?host=&action=&actor=&limit=&cursor= — newest first. */
    void audit(HttpServerExchange exchange) {
        int limit = Requests.intQuery(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        Long before = longCursor(Requests.query(exchange, "cursor"));
        String hostRef = Requests.query(exchange, "host");
        Long hostId = null;
        if (hostRef != null) {
            // A forgotten host no longer resolves; its id still finds its entries.
            hostId = hosts.resolve(hostRef).map(HostRecord::id).orElseGet(() -> parseLong(hostRef));
        }
        List<AuditLog.Entry> rows = audit.list(hostId, Requests.query(exchange, "action"), Requests.query(exchange, "actor"), before, limit + 1);
        List<AuditEntry> items = rows.subList(0, Math.min(limit, rows.size())).stream().map(AuditLog::answer).toList();
        Json.send(exchange, 200, new AuditEntries(items, rows.size() > limit ? String.valueOf(rows.get(limit - 1).id()) : null));
    }

    /**
     * POST /v1/audit — a note a client writes about work it did through other calls (a GitOps apply: what it
     * changed and why). The actor is the caller's key name, never the body's; actions are limited to the
     * {@code gitops.} namespace so a client cannot write an entry that looks like one the server wrote.
     */
    void note(HttpServerExchange exchange) throws Exception {
        com.fasterxml.jackson.databind.JsonNode body = Requests.jsonBody(exchange, maxBody);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!java.util.Set.of("action", "note", "detail").contains(f)) {
                throw new HttpError(400, "unknown field '" + f + "'; use action, note, detail");
            }
        }
        com.fasterxml.jackson.databind.JsonNode action = body.get("action");
        if (action == null || !action.isTextual() || !action.asText().matches("gitops\\.[a-z][a-z0-9_.-]{0,55}")) {
            throw new HttpError(400, "action must be gitops.<name> (lower-case letters, digits, '_', '.', '-'; up to 63 characters)");
        }
        com.fasterxml.jackson.databind.JsonNode note = body.get("note");
        if (note != null && !note.isNull() && (!note.isTextual() || note.asText().length() > MAX_NOTE)) {
            throw new HttpError(400, "note must be a string of at most " + MAX_NOTE + " characters");
        }
        com.fasterxml.jackson.databind.JsonNode detail = body.get("detail");
        if (detail != null && !detail.isNull() && !detail.isObject()) {
            throw new HttpError(400, "detail must be a JSON object");
        }
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        if (detail != null && detail.isObject()) {
            d.putAll(ApiJson.MAPPER.convertValue(detail, Map.class));
        }
        if (note != null && note.isTextual()) {
            d.put("note", note.asText());
        }
        if (ApiJson.write(d).length() > MAX_NOTE_DETAIL) {
            throw new HttpError(400, "detail and note together are at most " + MAX_NOTE_DETAIL + " characters of JSON");
        }
        audit.record(ApiJson.actor(exchange), action.asText(), null, null, null, d);
        Json.send(exchange, 201, new HostAnswers.AuditNoted(action.asText(), ApiJson.actor(exchange)));
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new HttpError(404, "no host " + s);
        }
    }

    private static Long longCursor(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "cursor must be a next_cursor from a previous page");
        }
    }

    static String target(HostRecord h) {
        return h.serialNumber() != null ? h.serialNumber() : h.udid() != null ? h.udid() : h.deviceId() != null ? h.deviceId() : String.valueOf(h.id());
    }

    private long age(long at) {
        return Math.max(0, (clock.millis() - at) / 1000);
    }

    private Schedule schedule(long hostId) {
        return inventory.schedule(hostId).map(s -> new Schedule(ApiJson.time(s.lastRequestedAt()),
                s.nextRefreshAt() == Long.MAX_VALUE ? null : ApiJson.time(s.nextRefreshAt()),
                s.lastFailure() == null ? null : new Failure(s.lastFailure(), ApiJson.time(s.lastFailureAt())))).orElse(null);
    }

    /** The few facts a host page shows at a glance, each source with its age. */
    private InventorySummary inventorySummary(long hostId) {
        Map<String, InventoryStore.Stored> facts = inventory.facts(hostId);
        InventoryStore.Stored device = facts.get(InventoryParser.DEVICE);
        Facts d = device == null ? Facts.NONE : new Facts(device.facts());
        Facts hw = d.section("hardware");
        InventoryStore.Stored security = facts.get(InventoryParser.SECURITY);
        Facts sec = security == null ? Facts.NONE : new Facts(security.facts());
        InventoryStore.Stored apps = facts.get(InventoryParser.APPS);
        return new InventorySummary(hw.string(hw.has("model_name") ? "model_name" : "model"), d.section("os").string("version"),
                d.section("os").string("build"), d.section("storage").number("capacity_gb"), d.section("storage").number("available_gb"),
                d.section("battery").number("percent"), d.section("management").bool("supervised"),
                device == null ? null : ApiJson.time(device.collectedAt()), device == null ? null : age(device.collectedAt()),
                sec.bool("passcode_present"), sec.section("filevault").bool("enabled"), sec.bool("sip_enabled"),
                sec.section("firewall").bool("enabled"), security == null ? null : ApiJson.time(security.collectedAt()),
                security == null ? null : age(security.collectedAt()), apps == null ? null : appCount(apps),
                apps == null ? null : ApiJson.time(apps.collectedAt()), apps == null ? null : age(apps.collectedAt()), schedule(hostId));
    }

    /** Typed reads of stored facts: a missing section or a value of another type reads as null. */
    private record Facts(Map<String, Object> values) {
        static final Facts NONE = new Facts(Map.of());

        @SuppressWarnings("unchecked")
        Facts section(String key) {
            return values.get(key) instanceof Map<?, ?> m ? new Facts((Map<String, Object>) m) : NONE;
        }

        boolean has(String key) {
            return values.containsKey(key);
        }

        String string(String key) {
            return values.get(key) instanceof String s ? s : null;
        }

        Number number(String key) {
            return values.get(key) instanceof Number n ? n : null;
        }

        Boolean bool(String key) {
            return values.get(key) instanceof Boolean b ? b : null;
        }
    }
}

package dev.jmdm.server.hosts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
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
import java.util.LinkedHashMap;
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
        List<Object> items = new ArrayList<>();
        for (HostRecord r : registered) {
            directory.view(r.id()).ifPresent(v -> items.add(hostJson(v, List.of())));
        }
        audit.record(ApiJson.actor(exchange), "hosts.preregister", registered.size() == 1 ? registered.get(0).id() : null,
                String.join(",", list), null, Map.of("count", list.size()));
        Json.send(exchange, 200, Map.of("hosts", items));
    }

    /** GET /v1/hosts?platform=&os_version=&status=&group=&q=&sort=&limit=&cursor= */
    void list(HttpServerExchange exchange) {
        HostDirectory.Filter f = new HostDirectory.Filter(Requests.query(exchange, "platform"), Requests.query(exchange, "os_version"),
                Requests.query(exchange, "status"), Requests.query(exchange, "group"), Requests.query(exchange, "q"));
        int limit = Requests.intQuery(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        HostDirectory.Page<HostView> page = directory.list(f, Requests.query(exchange, "sort"), Requests.query(exchange, "cursor"), limit);
        Map<Long, List<String>> groups = directory.groups(page.items().stream().map(v -> v.host().id()).toList());
        List<Object> items = new ArrayList<>();
        for (HostView v : page.items()) {
            items.add(hostJson(v, groups.getOrDefault(v.host().id(), List.of())));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("hosts", items);
        result.put("next_cursor", page.nextCursor());
        Json.send(exchange, 200, result);
    }

    /** GET /v1/hosts/{id} */
    void show(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        long id = v.host().id();
        Map<String, Object> m = hostJson(v, directory.groups(List.of(id)).getOrDefault(id, List.of()));
        m.put("unlock_token_present", directory.hasUnlockToken(v.host().deviceId()));
        m.put("enrollments", directory.channels(id));
        m.put("inventory", inventorySummary(id));
        Json.send(exchange, 200, m);
    }

    /** DELETE /v1/hosts/{id} */
    void forget(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        directory.forget(v.host().id());
        audit.record(ApiJson.actor(exchange), "hosts.delete", v.host().id(), target(v.host()), null, null);
        Json.send(exchange, 200, Map.of("id", v.host().id(), "deleted", true));
    }

    /** GET /v1/hosts/{id}/inventory: every source's facts with when they were collected and their age. */
    void inventory(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        long id = v.host().id();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host_id", id);
        for (InventoryStore.Stored s : inventory.facts(id).values()) {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("collected_at", ApiJson.time(s.collectedAt()));
            section.put("age_seconds", age(s.collectedAt()));
            section.put("command_uuid", s.commandUuid());
            if (InventoryParser.APPS.equals(s.source())) {
                Object apps = s.facts().get("apps");
                section.put("count", apps instanceof List<?> l ? l.size() : 0);
            } else {
                section.put("facts", s.facts());
            }
            m.put(s.source(), section);
        }
        putSchedule(m, id);
        Json.send(exchange, 200, m);
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host_id", v.host().id());
        if (s != null) {
            m.put("collected_at", ApiJson.time(s.collectedAt()));
            m.put("age_seconds", age(s.collectedAt()));
            m.put("apps", s.facts().getOrDefault("apps", List.of()));
        } else {
            m.put("apps", List.of());
        }
        Json.send(exchange, 200, m);
    }

    /** POST /v1/hosts/{id}/refetch[?nopush=1] */
    void refetch(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        RemoteActions.requireEnrolled(v);
        List<Command> queued = collector.request(v.host().id(), v.host().deviceId());
        List<String> uuids = queued.stream().map(Command::commandUuid).toList();
        audit.record(ApiJson.actor(exchange), "inventory.refetch", v.host().id(), target(v.host()), uuids.get(0),
                Map.of("command_uuids", uuids));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("host_id", v.host().id());
        result.put("command_uuids", uuids);
        Json.send(exchange, pushAndStatus(exchange, result, List.of(v.host().deviceId())), result);
    }

    /** Pushes unless ?nopush=1 and puts the outcome into result; returns 200, or 207 when a push failed. */
    int pushAndStatus(HttpServerExchange exchange, Map<String, Object> result, List<String> ids) {
        String np = Requests.query(exchange, "nopush");
        if (np != null && !np.isEmpty() && !"0".equals(np) && !"false".equalsIgnoreCase(np)) {
            result.put("no_push", true);
            return 200;
        }
        Map<String, Object> status = wakeups.pushNow(ids);
        result.put("status", status);
        int failed = Wakeups.failures(status);
        if (failed > 0) {
            result.put("push_error", failed + " of " + ids.size() + " push(es) failed; the command is queued");
        }
        return failed == 0 ? 200 : 207;
    }

    /** GET /v1/hosts/{id}/commands?limit=&cursor=&results=0 — newest first. */
    void history(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        int limit = Requests.intQuery(exchange, "limit", 50, 1, 500);
        Long before = longCursor(Requests.query(exchange, "cursor"));
        boolean results = !"0".equals(Requests.query(exchange, "results"));
        List<HostDirectory.HistoryEntry> rows = directory.history(v.host().id(), before, limit + 1);
        List<Object> items = new ArrayList<>();
        for (HostDirectory.HistoryEntry e : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(QueueEntryJson.of(e.entry(), "enrollment_id", results));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host_id", v.host().id());
        m.put("commands", items);
        if (rows.size() > limit) {
            m.put("next_cursor", String.valueOf(rows.get(limit - 1).id()));
        }
        Json.send(exchange, 200, m);
    }

    /** GET /v1/hosts/{id}/pins — the PINs generated for lock and wipe; reading them is audited. */
    void pins(HttpServerExchange exchange) {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        List<Object> items = new ArrayList<>();
        for (PinStore.Pin p : pins.forHost(v.host().id())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command_uuid", p.commandUuid());
            m.put("request_type", p.requestType());
            m.put("pin", p.pin());
            if (p.error() != null) {
                m.put("pin_error", p.error());
            }
            m.put("actor", p.actor());
            m.put("created_at", ApiJson.time(p.createdAt()));
            items.add(m);
        }
        audit.record(ApiJson.actor(exchange), "pins.view", v.host().id(), target(v.host()), null, Map.of("count", items.size()));
        Json.send(exchange, 200, Map.of("host_id", v.host().id(), "pins", items));
    }

    /** GET /v1/audit?host=&action=&limit=&cursor= — newest first. */
    void audit(HttpServerExchange exchange) {
        int limit = Requests.intQuery(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        Long before = longCursor(Requests.query(exchange, "cursor"));
        String hostRef = Requests.query(exchange, "host");
        Long hostId = null;
        if (hostRef != null) {
            // A forgotten host no longer resolves; its id still finds its entries.
            hostId = hosts.resolve(hostRef).map(HostRecord::id).orElseGet(() -> parseLong(hostRef));
        }
        List<AuditLog.Entry> rows = audit.list(hostId, Requests.query(exchange, "action"), before, limit + 1);
        List<Object> items = new ArrayList<>();
        for (AuditLog.Entry e : rows.subList(0, Math.min(limit, rows.size()))) {
            items.add(AuditLog.json(e));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entries", items);
        if (rows.size() > limit) {
            m.put("next_cursor", String.valueOf(rows.get(limit - 1).id()));
        }
        Json.send(exchange, 200, m);
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
        Map<String, Object> d = new LinkedHashMap<>();
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
        Json.send(exchange, 201, Map.of("action", action.asText(), "actor", ApiJson.actor(exchange)));
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

    private void putSchedule(Map<String, Object> m, long hostId) {
        inventory.schedule(hostId).ifPresent(s -> {
            m.put("last_requested_at", ApiJson.time(s.lastRequestedAt()));
            m.put("next_refresh_at", s.nextRefreshAt() == Long.MAX_VALUE ? null : ApiJson.time(s.nextRefreshAt()));
            if (s.lastFailure() != null) {
                m.put("last_failure", Map.of("reason", s.lastFailure(), "at", ApiJson.time(s.lastFailureAt())));
            }
        });
    }

    /** The few facts a host page shows at a glance, each source with its age. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> inventorySummary(long hostId) {
        Map<String, InventoryStore.Stored> facts = inventory.facts(hostId);
        Map<String, Object> m = new LinkedHashMap<>();
        InventoryStore.Stored device = facts.get(InventoryParser.DEVICE);
        if (device != null) {
            Map<String, Object> f = device.facts();
            Map<String, Object> hw = (Map<String, Object>) f.getOrDefault("hardware", Map.of());
            Map<String, Object> os = (Map<String, Object>) f.getOrDefault("os", Map.of());
            Map<String, Object> storage = (Map<String, Object>) f.getOrDefault("storage", Map.of());
            Map<String, Object> battery = (Map<String, Object>) f.getOrDefault("battery", Map.of());
            m.put("model", hw.getOrDefault("model_name", hw.get("model")));
            m.put("os_version", os.get("version"));
            m.put("os_build", os.get("build"));
            m.put("capacity_gb", storage.get("capacity_gb"));
            m.put("available_gb", storage.get("available_gb"));
            m.put("battery_percent", battery.get("percent"));
            m.put("supervised", ((Map<String, Object>) f.getOrDefault("management", Map.of())).get("supervised"));
            m.put("device_collected_at", ApiJson.time(device.collectedAt()));
            m.put("device_age_seconds", age(device.collectedAt()));
        }
        InventoryStore.Stored security = facts.get(InventoryParser.SECURITY);
        if (security != null) {
            Map<String, Object> f = security.facts();
            m.put("passcode_present", f.get("passcode_present"));
            m.put("filevault_enabled", ((Map<String, Object>) f.getOrDefault("filevault", Map.of())).get("enabled"));
            m.put("sip_enabled", f.get("sip_enabled"));
            m.put("firewall_enabled", ((Map<String, Object>) f.getOrDefault("firewall", Map.of())).get("enabled"));
            m.put("security_collected_at", ApiJson.time(security.collectedAt()));
            m.put("security_age_seconds", age(security.collectedAt()));
        }
        InventoryStore.Stored apps = facts.get(InventoryParser.APPS);
        if (apps != null) {
            m.put("app_count", apps.facts().get("apps") instanceof List<?> l ? l.size() : 0);
            m.put("apps_collected_at", ApiJson.time(apps.collectedAt()));
            m.put("apps_age_seconds", age(apps.collectedAt()));
        }
        putSchedule(m, hostId);
        return m;
    }

    static Map<String, Object> hostJson(HostView v, List<String> groups) {
        HostRecord h = v.host();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("serial_number", h.serialNumber());
        m.put("udid", h.udid());
        m.put("enrollment_id", h.deviceId());
        m.put("status", v.status());
        m.put("enrollment_type", v.enrollmentType());
        m.put("platform", h.platform());
        m.put("product_name", h.productName());
        m.put("os_version", h.osVersion());
        m.put("device_name", h.deviceName());
        m.put("enrolled_at", ApiJson.time(h.enrolledAt()));
        m.put("last_seen_at", ApiJson.time(v.lastSeenAt()));
        m.put("created_at", ApiJson.time(h.createdAt()));
        m.put("groups", groups);
        return m;
    }
}

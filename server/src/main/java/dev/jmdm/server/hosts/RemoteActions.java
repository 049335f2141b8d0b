package dev.jmdm.server.hosts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.protocol.Command;
import dev.jmdm.server.storage.CommandStore;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Lock, wipe, restart and clear-passcode for one host, with Apple's limits enforced before
 * anything is queued: User Enrollment (BYOD) hosts refuse them, each action runs only on the
 * platforms Apple's schema lists, a wipe needs the host's serial number typed back, and macOS
 * lock and wipe get a generated six-digit PIN that is stored and audited.
 */
final class RemoteActions {
    /** One action: its command, the platforms it runs on, and the JSON fields an admin may add. */
    enum Action {
        LOCK("lock", "DeviceLock", Set.of("macos", "ios", "ipados", "visionos", "watchos"), Set.of("message", "phone_number")),
        WIPE("wipe", "EraseDevice", Set.of("macos", "ios", "ipados", "tvos", "visionos", "watchos"),
                Set.of("preserve_data_plan", "disallow_proximity_setup", "obliteration_behavior")),
        RESTART("restart", "RestartDevice", Set.of("macos", "ios", "ipados", "tvos"), Set.of("notify_user")),
        CLEAR_PASSCODE("clear-passcode", "ClearPasscode", Set.of("ios", "ipados", "visionos", "watchos"), Set.of());

        final String path;
        final String requestType;
        final Set<String> platforms;
        final Set<String> fields;

        Action(String path, String requestType, Set<String> platforms, Set<String> fields) {
            this.path = path;
            this.requestType = requestType;
            this.platforms = platforms;
            this.fields = fields;
        }
    }

    private final HostDirectory directory;
    private final InventoryStore inventory;
    private final CommandStore commands;
    private final PinStore pins;
    private final AuditLog audit;
    private final HostsApi api;
    private final long maxBody;

    RemoteActions(HostDirectory directory, InventoryStore inventory, CommandStore commands, PinStore pins, AuditLog audit,
            HostsApi api, long maxBody) {
        this.directory = directory;
        this.inventory = inventory;
        this.commands = commands;
        this.pins = pins;
        this.audit = audit;
        this.api = api;
        this.maxBody = maxBody;
    }

    static void requireEnrolled(HostView v) {
        if (v.host().pendingEnrollment()) {
            throw new HttpError(409, "host " + v.host().id() + " is pending enrollment: it has never enrolled");
        }
        if (!"enrolled".equals(v.status())) {
            throw new HttpError(409, "host " + v.host().id() + " is not enrolled now (checked out, or re-enrolling)");
        }
    }

    /** POST /v1/hosts/{id}/{action} */
    void perform(HttpServerExchange exchange, Action action) throws Exception {
        HostView v = directory.resolve(Requests.pathParam(exchange, "id"));
        JsonNode body = optionalBody(exchange);
        requireEnrolled(v);
        if (v.userEnrollment()) {
            throw new HttpError(403, action.requestType + " is not allowed on User Enrollment (BYOD) hosts: Apple reserves it "
                    + "for devices the organisation owns");
        }
        String platform = v.host().platform();
        if (platform == null || !action.platforms.contains(platform)) {
            throw new HttpError(403, action.requestType + " is not supported on " + (platform == null ? "an unknown platform" : platform)
                    + "; it runs on " + String.join(", ", action.platforms.stream().sorted().toList()));
        }
        if (action == Action.RESTART && isIos(platform) && Boolean.FALSE.equals(supervised(v.host().id()))) {
            throw new HttpError(403, "RestartDevice needs a supervised iPhone or iPad; the inventory says this one is not supervised");
        }
        Map<String, JsonNode> fields = fields(body, action);
        if (action == Action.WIPE) {
            JsonNode confirm = body.get("confirm");
            String serial = v.host().serialNumber();
            if (confirm == null || !confirm.isTextual() || serial == null || !serial.equals(confirm.asText().trim())) {
                throw new HttpError(400, "wiping erases the device: send {\"confirm\": \"<the host's serial number>\"}"
                        + (confirm == null ? "" : "; the confirmation does not match"));
            }
        }
        if (action == Action.CLEAR_PASSCODE) {
            byte[] token = directory.unlockToken(v.host().deviceId()).orElseThrow(() -> new HttpError(409,
                    "no UnlockToken stored for host " + v.host().id() + ": the device sends one in TokenUpdate when it "
                            + "allows passcode removal; ClearPasscode cannot work without it"));
            fields.put("UnlockToken", new TextNode(Base64.getEncoder().encodeToString(token)));
        }
        String pin = null;
        if ((action == Action.LOCK || action == Action.WIPE) && "macos".equals(platform)) {
            pin = PinStore.generate();
            fields.put("PIN", new TextNode(pin));
        }
        Command command = CommandBuilder.build(CommandSchemas.spec(action.requestType), fields, UUID.randomUUID().toString().toUpperCase());
        String actor = ApiJson.actor(exchange);
        if (pin != null) {
            // Stored before the command is queued: a queued lock whose PIN was lost would lock the Mac for good.
            pins.store(v.host().id(), command.commandUuid(), action.requestType, pin, actor);
        }
        commands.enqueue(command, List.of(v.host().deviceId()));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("request_type", action.requestType);
        if (pin != null) {
            detail.put("pin_generated", true);
        }
        for (String f : action.fields) {
            if (body.has(f)) {
                detail.put(f, body.get(f).isTextual() ? body.get(f).asText() : body.get(f).toString());
            }
        }
        audit.record(actor, action.path, v.host().id(), HostsApi.target(v.host()), command.commandUuid(), detail);
        var push = api.push(exchange, List.of(v.host().deviceId()));
        Json.send(exchange, HostsApi.status(push), new HostAnswers.ActionQueued(command.commandUuid(), action.requestType, v.host().id(),
                v.host().deviceId(), pin, push));
    }

    private static boolean isIos(String platform) {
        return "ios".equals(platform) || "ipados".equals(platform);
    }

    @SuppressWarnings("unchecked")
    private Boolean supervised(long hostId) {
        InventoryStore.Stored device = inventory.facts(hostId).get(InventoryParser.DEVICE);
        if (device != null && device.facts().get("management") instanceof Map<?, ?> m) {
            return (Boolean) ((Map<String, Object>) m).get("supervised");
        }
        return null;
    }

    private static Map<String, JsonNode> fields(JsonNode body, Action action) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (action.fields.contains(e.getKey())) {
                fields.put(e.getKey(), e.getValue());
            } else if (!(action == Action.WIPE && "confirm".equals(e.getKey()))) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            List<String> allowed = new ArrayList<>(action.fields.stream().sorted().toList());
            if (action == Action.WIPE) {
                allowed.add(0, "confirm");
            }
            throw new HttpError(400, "unknown field(s) for " + action.path + ": " + String.join(", ", unknown)
                    + (allowed.isEmpty() ? "; it takes no fields" : "; allowed: " + String.join(", ", allowed)));
        }
        return fields;
    }

    private JsonNode optionalBody(HttpServerExchange exchange) throws Exception {
        byte[] raw = Requests.body(exchange, maxBody);
        if (raw.length == 0) {
            return ApiJson.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = ApiJson.MAPPER.readTree(raw);
            if (node == null || !node.isObject()) {
                throw new HttpError(400, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }
}

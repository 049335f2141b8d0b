package dev.jmdm.server.ade;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jmdm.server.hosts.HostCommands;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The setup steps of an ADE profile, run while Setup Assistant awaits configuration, in order: install a
 * configuration profile (by identifier; the step ends when the device acknowledged it) or run a command (the
 * command builder's JSON, as {@code POST /v1/commands} takes it; the step ends with the device's answer). DeviceConfigured
 * follows the last one; no steps: it goes out at once.
 *
 * <p>Body of {@code PUT /v1/dep/profiles/{name}/setup}: {@code {"steps": [{"profile": "com.example.wifi"},
 * {"command": {"request_type": "Settings", ...}}]}}.
 */
final class SetupSteps {
    /** A device stays in Setup Assistant while these run: a short list, not a deployment. */
    static final int MAX_STEPS = 50;

    /** One step: exactly one of the two. */
    record Step(String profile, JsonNode command) {
    }

    private SetupSteps() {
    }

    /**
     * Reads and checks a body; the commands are built once here so a bad one is a 400 now, not a stuck device later.
     *
     * @param profileExists whether a configuration profile with that identifier is stored
     * @throws HttpError 400 naming the step that is wrong
     */
    static List<Step> parse(JsonNode body, Predicate<String> profileExists) {
        JsonNode steps = body == null ? null : body.get("steps");
        if (steps == null || !steps.isArray()) {
            throw new HttpError(400, "the body must be {\"steps\": [...]}, each step {\"profile\": IDENTIFIER} or {\"command\": {...}}; "
                    + "[] sends DeviceConfigured at once");
        }
        if (steps.size() > MAX_STEPS) {
            throw new HttpError(400, "at most " + MAX_STEPS + " setup steps (got " + steps.size() + ")");
        }
        List<Step> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            JsonNode s = steps.get(i);
            String where = "steps[" + i + "]";
            if (!s.isObject() || s.size() != 1 || !(s.has("profile") || s.has("command"))) {
                throw new HttpError(400, where + " must be {\"profile\": IDENTIFIER} or {\"command\": {...}}");
            }
            if (s.has("profile")) {
                JsonNode id = s.get("profile");
                if (!id.isTextual() || id.asText().isBlank()) {
                    throw new HttpError(400, where + ".profile must be a profile identifier");
                }
                if (!profileExists.test(id.asText())) {
                    throw new HttpError(400, where + ".profile: no configuration profile '" + id.asText() + "' is stored (PUT /v1/profiles first)");
                }
                out.add(new Step(id.asText(), null));
            } else {
                JsonNode command = s.get("command");
                if (!command.isObject()) {
                    throw new HttpError(400, where + ".command must be an object, as POST /v1/commands takes it");
                }
                if (command.has("command_uuid") || command.has("hosts")) {
                    throw new HttpError(400, where + ".command: no command_uuid or hosts here; each device gets its own command");
                }
                HostCommands.problem(command).ifPresent(p -> {
                    throw new HttpError(400, where + ".command: " + p);
                });
                out.add(new Step(null, command));
            }
        }
        return out;
    }

    static String toJson(List<Step> steps) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Step s : steps) {
            ObjectNode o = array.addObject();
            if (s.profile() != null) {
                o.put("profile", s.profile());
            } else {
                o.set("command", s.command());
            }
        }
        return array.toString();
    }

    /** Steps as stored (always written by {@link #toJson}). */
    static List<Step> fromJson(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            List<Step> out = new ArrayList<>();
            for (JsonNode s : Json.MAPPER.readTree(json)) {
                out.add(s.has("profile") ? new Step(s.get("profile").asText(), null) : new Step(null, s.get("command")));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored setup steps are not JSON: " + e.getMessage(), e);
        }
    }
}

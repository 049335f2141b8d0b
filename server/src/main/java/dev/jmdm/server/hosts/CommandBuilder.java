package dev.jmdm.server.hosts;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.plist.PlistCodec;
import dev.jmdm.server.protocol.Command;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Builds command plists from JSON, checked against {@link CommandSchemas}: unknown request types,
 * unknown keys, wrong value types, values outside Apple's lists and missing required keys are
 * refused with a 400 naming them. JSON fields may use Apple's key ({@code "Queries"}) or its
 * snake_case form ({@code "queries"}).
 */
final class CommandBuilder {
    /** JSON fields that address the command rather than fill it. */
    static final java.util.Set<String> ENVELOPE_FIELDS = java.util.Set.of("request_type", "hosts", "command_uuid");
    /** Longest string value (or array item) the builder puts into a command. */
    static final int MAX_TEXT = 1024;

    private CommandBuilder() {
    }

    /** Builds from an API body; host actions (lock, wipe, ...) are refused: they have their own endpoints. */
    static Command fromJson(JsonNode body) {
        JsonNode type = body.get("request_type");
        if (type == null || !type.isTextual() || type.asText().isBlank()) {
            throw new HttpError(400, "request_type is required (one of " + String.join(", ", builderTypes()) + ")");
        }
        CommandSchemas.Spec spec = CommandSchemas.spec(type.asText());
        if (spec == null) {
            throw new HttpError(400, "unknown request_type '" + type.asText() + "'; supported: " + String.join(", ", builderTypes()));
        }
        if (spec.hostAction() != null) {
            throw new HttpError(400, spec.requestType() + " has safeguards and an audit trail: use " + spec.hostAction());
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!ENVELOPE_FIELDS.contains(e.getKey())) {
                fields.put(e.getKey(), e.getValue());
            }
        }
        return build(spec, fields, commandUuid(body.get("command_uuid")));
    }

    /** Builds a command of a known type from JSON fields (Apple or snake_case names). */
    static Command build(CommandSchemas.Spec spec, Map<String, JsonNode> fields, String commandUuid) {
        NSDictionary command = new NSDictionary();
        command.put("RequestType", spec.requestType());
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : fields.entrySet()) {
            CommandSchemas.Key key = keyFor(spec, f.getKey());
            if (key == null) {
                unknown.add(f.getKey());
                continue;
            }
            if (f.getValue() == null || f.getValue().isNull()) {
                continue;
            }
            command.put(key.name(), value(spec, key, f.getValue()));
        }
        if (!unknown.isEmpty()) {
            List<String> allowed = spec.keys().stream().map(k -> snake(k.name())).toList();
            throw new HttpError(400, "unknown field(s) for " + spec.requestType() + ": " + String.join(", ", unknown)
                    + (allowed.isEmpty() ? "; it takes no fields" : "; allowed: " + String.join(", ", allowed)));
        }
        for (CommandSchemas.Key k : spec.keys()) {
            if (k.required() && !command.containsKey(k.name())) {
                throw new HttpError(400, spec.requestType() + " requires " + snake(k.name()));
            }
        }
        NSDictionary envelope = new NSDictionary();
        envelope.put("CommandUUID", commandUuid);
        envelope.put("Command", command);
        return new Command(commandUuid, spec.requestType(), PlistCodec.toXml(envelope));
    }

    /** A command built in the server (inventory, host actions) from plist values already checked. */
    static Command build(String requestType, Map<String, NSObject> values) {
        NSDictionary command = new NSDictionary();
        command.put("RequestType", requestType);
        values.forEach(command::put);
        String uuid = UUID.randomUUID().toString().toUpperCase();
        NSDictionary envelope = new NSDictionary();
        envelope.put("CommandUUID", uuid);
        envelope.put("Command", command);
        return new Command(uuid, requestType, PlistCodec.toXml(envelope));
    }

    private static String commandUuid(JsonNode given) {
        if (given == null || given.isNull()) {
            return UUID.randomUUID().toString().toUpperCase();
        }
        if (!given.isTextual() || given.asText().isBlank() || given.asText().length() > Command.MAX_UUID_LENGTH) {
            throw new HttpError(400, "command_uuid must be a non-empty string of at most " + Command.MAX_UUID_LENGTH + " characters");
        }
        return given.asText();
    }

    private static CommandSchemas.Key keyFor(CommandSchemas.Spec spec, String field) {
        for (CommandSchemas.Key k : spec.keys()) {
            if (k.name().equals(field) || snake(k.name()).equals(field)) {
                return k;
            }
        }
        return null;
    }

    private static NSObject value(CommandSchemas.Spec spec, CommandSchemas.Key key, JsonNode v) {
        String where = spec.requestType() + "." + key.name();
        switch (key.type()) {
            case STRING -> {
                if (!v.isTextual()) {
                    throw new HttpError(400, where + " must be a string");
                }
                checkLength(where, v.asText());
                checkAllowed(where, key, List.of(v.asText()));
                return new NSString(v.asText());
            }
            case BOOLEAN -> {
                if (!v.isBoolean()) {
                    throw new HttpError(400, where + " must be true or false");
                }
                return new NSNumber(v.asBoolean());
            }
            case INTEGER -> {
                if (!v.isIntegralNumber()) {
                    throw new HttpError(400, where + " must be an integer");
                }
                return new NSNumber(v.asLong());
            }
            case REAL -> {
                if (!v.isNumber()) {
                    throw new HttpError(400, where + " must be a number");
                }
                return new NSNumber(v.asDouble());
            }
            case DATA -> {
                try {
                    if (v.isTextual()) {
                        return new NSData(Base64.getDecoder().decode(v.asText()));
                    }
                } catch (IllegalArgumentException e) {
                    // reported below
                }
                throw new HttpError(400, where + " must be base64 data");
            }
            case ARRAY -> {
                if (!v.isArray()) {
                    throw new HttpError(400, where + " must be an array of strings");
                }
                List<String> items = new ArrayList<>();
                for (JsonNode item : v) {
                    if (!item.isTextual()) {
                        throw new HttpError(400, where + " must be an array of strings");
                    }
                    checkLength(where, item.asText());
                    items.add(item.asText());
                }
                checkAllowed(where, key, items);
                NSArray a = new NSArray(items.size());
                for (int i = 0; i < items.size(); i++) {
                    a.setValue(i, new NSString(items.get(i)));
                }
                return a;
            }
            case DICTIONARY -> {
                if (!v.isObject()) {
                    throw new HttpError(400, where + " must be an object");
                }
                return NSObject.fromJavaObject(dd(v));
            }
            default -> throw new IllegalStateException(key.type().name());
        }
    }

    private static Object dd(JsonNode v) {
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.fields().forEachRemaining(e -> m.put(e.getKey(), dd(e.getValue())));
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(i -> l.add(dd(i)));
            return l.toArray();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        return v.asText();
    }

    /**
     * Free text goes to the device as is and is shown there (a lock screen message) or stored with the
     * command; nothing an admin means to send is longer, and a megabyte of it would only bloat the queue.
     */
    private static void checkLength(String where, String text) {
        if (text.length() > MAX_TEXT) {
            throw new HttpError(400, where + " is " + text.length() + " characters long; at most " + MAX_TEXT + " are allowed");
        }
    }

    private static void checkAllowed(String where, CommandSchemas.Key key, List<String> values) {
        if (key.allowed().isEmpty()) {
            return;
        }
        List<String> bad = values.stream().filter(x -> !key.allowed().contains(x)).toList();
        if (!bad.isEmpty()) {
            String hint = key.allowed().size() <= 10 ? "; allowed: " + String.join(", ", new TreeSet<>(key.allowed())) : "";
            throw new HttpError(400, "unknown value(s) for " + where + ": " + String.join(", ", bad) + hint);
        }
    }

    /** Request types the builder queues. */
    static List<String> builderTypes() {
        return CommandSchemas.SPECS.values().stream().filter(s -> s.hostAction() == null).map(CommandSchemas.Spec::requestType).toList();
    }

    /** Apple's key in snake_case: PhoneNumber → phone_number, PIN → pin, ManagedAppsOnly → managed_apps_only. */
    static String snake(String key) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char prev = key.charAt(i - 1);
                boolean nextLower = i + 1 < key.length() && Character.isLowerCase(key.charAt(i + 1));
                if (Character.isLowerCase(prev) || Character.isDigit(prev) || Character.isUpperCase(prev) && nextLower) {
                    b.append('_');
                }
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }
}

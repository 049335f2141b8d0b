package dev.jmdm.server.dep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * An ADE profile as PUT /v1/dep/profiles/{name} takes it, checked and turned into the document POST /profile sends
 * Apple (Apple's field names; see docs/ade.md). {@code url} defaults to this server's ADE enrollment URL; {@code default}
 * is ours (assign to new devices) and is not sent.
 */
final class ProfileDocument {
    /** The profile and whether it is the default. */
    record Parsed(ObjectNode body, boolean isDefault) {
    }

    static final Set<String> BOOLEANS = Set.of("allow_pairing", "is_supervised", "is_multi_user", "is_mandatory", "await_device_configured",
            "is_mdm_removable", "auto_advance_setup", "is_return_to_service");
    static final Set<String> STRINGS = Set.of("profile_name", "url", "support_phone_number", "support_email_address", "org_magic",
            "department", "language", "region", "configuration_web_url");
    static final Set<String> STRING_ARRAYS = Set.of("skip_setup_items", "anchor_certs", "supervising_host_certs");
    private static final int MAX_STRING = 1024;
    private static final int MAX_ARRAY = 256;

    private ProfileDocument() {
    }

    /** @throws IllegalArgumentException naming the field that is wrong */
    static Parsed parse(JsonNode body, URI defaultUrl) {
        ObjectNode out = DepClient.MAPPER.createObjectNode();
        boolean isDefault = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String k = f.getKey();
            JsonNode v = f.getValue();
            if (v.isNull()) {
                continue;
            }
            if (k.equals("default")) {
                isDefault = bool(k, v);
            } else if (BOOLEANS.contains(k)) {
                out.put(k, bool(k, v));
            } else if (STRINGS.contains(k)) {
                if (!v.isTextual() || v.asText().length() > MAX_STRING) {
                    throw new IllegalArgumentException(k + " must be a string of at most " + MAX_STRING + " characters");
                }
                out.put(k, v.asText());
            } else if (STRING_ARRAYS.contains(k)) {
                if (!v.isArray() || v.size() > MAX_ARRAY) {
                    throw new IllegalArgumentException(k + " must be an array of at most " + MAX_ARRAY + " strings");
                }
                var arr = out.putArray(k);
                for (JsonNode e : v) {
                    if (!e.isTextual() || e.asText().isBlank() || e.asText().length() > 16 * MAX_STRING) {
                        throw new IllegalArgumentException(k + " must hold non-empty strings");
                    }
                    arr.add(e.asText());
                }
            } else {
                throw new IllegalArgumentException("unknown field " + k + "; ADE profiles take " + known());
            }
        }
        if (!out.hasNonNull("profile_name") || out.get("profile_name").asText().isBlank()) {
            throw new IllegalArgumentException("profile_name is required: Setup Assistant shows it");
        }
        if (!out.hasNonNull("url")) {
            out.put("url", defaultUrl.toString());
        } else {
            try {
                URI u = new URI(out.get("url").asText());
                if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("url must be an absolute http(s) URL (devices POST their MachineInfo to it)");
                }
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("url is not a URL: " + e.getMessage());
            }
        }
        return new Parsed(out, isDefault);
    }

    private static boolean bool(String k, JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(k + " must be true or false");
        }
        return v.asBoolean();
    }

    private static String known() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(BOOLEANS);
        all.addAll(STRINGS);
        all.addAll(STRING_ARRAYS);
        all.add("default");
        return String.join(", ", all);
    }
}

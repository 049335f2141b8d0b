package dev.jmdm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading {@code GET /v1/hosts} page by page. */
public final class HostList {
    static final int PAGE = 1000;

    private HostList() {
    }

    /** Every host matching the filters (following next_cursor), or the first {@code limit}. */
    public static ArrayNode list(ApiClient api, Map<String, Object> filters, Integer limit) {
        ArrayNode all = ApiClient.JSON.createArrayNode();
        String cursor = null;
        do {
            Map<String, Object> q = new LinkedHashMap<>(filters);
            q.put("limit", limit == null ? PAGE : Math.min(PAGE, limit - all.size()));
            q.put("cursor", cursor);
            JsonNode page = api.get(ApiClient.query("/v1/hosts", q));
            page.path("hosts").forEach(all::add);
            boolean more = page.hasNonNull("next_cursor") && page.path("hosts").size() > 0;
            cursor = more ? page.get("next_cursor").asText() : null;
        } while (cursor != null && (limit == null || all.size() < limit));
        return all;
    }
}

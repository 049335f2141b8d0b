package dev.jmdm.server.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import java.util.ArrayList;
import java.util.List;

/**
 * Host groups: {@code PUT /v1/groups/{name}} with {"hosts": [host id, UDID or serial, …]} creates the group
 * or replaces its members; {@code GET /v1/groups}, {@code GET /v1/groups/{name}}, {@code DELETE}.
 */
final class GroupApi {
    static final int MAX_NAME = 255;

    private final GroupStore groups;
    private final HostStore hosts;
    private final long maxBody;
    private final Runnable changed;

    GroupApi(GroupStore groups, HostStore hosts, long maxBody, Runnable changed) {
        this.groups = groups;
        this.hosts = hosts;
        this.maxBody = maxBody;
        this.changed = changed;
    }

    void register(ApiRouter r) {
        r.get("/v1/groups", this::list).get("/v1/groups/{name}", this::get).put("/v1/groups/{name}", this::put)
                .delete("/v1/groups/{name}", this::delete);
    }

    private void put(HttpServerExchange ex) throws Exception {
        String name = Requests.pathParam(ex, "name");
        if (name.length() > MAX_NAME || name.isBlank()) {
            throw new HttpError(400, "a group name is 1 to " + MAX_NAME + " characters");
        }
        JsonNode body = Requests.jsonBody(ex, maxBody);
        JsonNode list = body.get("hosts");
        if (list == null || !list.isArray()) {
            throw new HttpError(400, "hosts must be an array of host ids, UDIDs or serial numbers");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode ref : list) {
            if (!ref.isTextual() && !ref.isIntegralNumber()) {
                throw new HttpError(400, "hosts must be an array of host ids, UDIDs or serial numbers");
            }
            ids.add(hosts.resolve(ref.asText()).orElseThrow(() -> new HttpError(400, "hosts: no host '" + ref.asText() + "'")).id());
        }
        groups.replace(name, ids);
        changed.run();
        Json.send(ex, 200, json(groups.find(name).orElseThrow(), groups.members(name)));
    }

    private void list(HttpServerExchange ex) {
        Json.send(ex, 200, new ProfileApiAnswers.Groups(groups.list().stream().map(g -> json(g, null)).toList()));
    }

    private void get(HttpServerExchange ex) {
        String name = Requests.pathParam(ex, "name");
        GroupStore.Group g = groups.find(name).orElseThrow(() -> new HttpError(404, "no group " + name));
        Json.send(ex, 200, json(g, groups.members(name)));
    }

    private void delete(HttpServerExchange ex) {
        String name = Requests.pathParam(ex, "name");
        if (!groups.delete(name)) {
            throw new HttpError(404, "no group " + name);
        }
        changed.run();
        ex.setStatusCode(204);
        ex.endExchange();
    }

    private static ProfileApiAnswers.Group json(GroupStore.Group g, List<Long> members) {
        return new ProfileApiAnswers.Group(g.name(), g.members(), members, ProfileApiAnswers.time(g.createdAt()),
                ProfileApiAnswers.time(g.updatedAt()));
    }
}

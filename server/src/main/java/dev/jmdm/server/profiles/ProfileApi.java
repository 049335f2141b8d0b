package dev.jmdm.server.profiles;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.profiles.ParsedProfile;
import dev.jmdm.profiles.ProfileParser;
import dev.jmdm.profiles.ProfileValidationException;
import dev.jmdm.profiles.VersionedProfile;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The profile API: upload (create or edit), read, delete, targets, per-profile and per-host status,
 * refresh of a host, and a synchronous reconciliation.
 */
final class ProfileApi {
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;
    private static final Set<String> STATUSES = Set.of("pending", "verifying", "verified", "failed");

    private final ProfileStore store;
    private final HostStore hosts;
    private final ProfileSweep sweep;
    private final ProfileListSchedule lists;
    private final GroupStore groupStore;
    private final StatusQueries status;
    private final ProfileParser parser = new ProfileParser();
    private final long maxBody;
    /** Told which profile changed, so its hosts are reconciled soon. */
    private final Consumer<String> changed;

    ProfileApi(ProfileStore store, GroupStore groups, HostStore hosts, ProfileSweep sweep, ProfileListSchedule lists,
            StatusQueries status, long maxBody, Consumer<String> changed) {
        this.store = store;
        this.hosts = hosts;
        this.sweep = sweep;
        this.lists = lists;
        this.groupStore = groups;
        this.status = status;
        this.maxBody = maxBody;
        this.changed = changed;
    }

    void register(ApiRouter r) {
        r.post("/v1/profiles", this::upload)
                .get("/v1/profiles", this::list)
                .post("/v1/profiles/reconcile", this::reconcile)
                .get("/v1/profiles/{identifier}", this::get)
                .get("/v1/profiles/{identifier}/raw", this::raw)
                .delete("/v1/profiles/{identifier}", this::delete)
                .get("/v1/profiles/{identifier}/targets", this::getTargets)
                .put("/v1/profiles/{identifier}/targets", this::putTargets)
                .get("/v1/profiles/{identifier}/status", this::profileStatus)
                .get("/v1/hosts/{id}/profiles", this::hostProfiles)
                .post("/v1/hosts/{id}/refresh", this::refresh);
    }

    private void upload(HttpServerExchange ex) throws Exception {
        byte[] body = Requests.body(ex, maxBody);
        VersionedProfile v;
        try {
            ParsedProfile parsed = parser.parse(body);
            v = store.store(parsed);
        } catch (ProfileValidationException e) {
            throw new HttpError(400, e.getMessage());
        } catch (ProfileStore.ConcurrentUploadException e) {
            throw new HttpError(409, e.getMessage());
        }
        if (v.outcome() != VersionedProfile.Outcome.UNCHANGED) {
            changed.accept(v.identifier());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identifier", v.identifier());
        m.put("uuid", v.uuid());
        m.put("version", v.version());
        m.put("outcome", v.outcome().name().toLowerCase(Locale.ROOT));
        if (v.uuidRewritten()) {
            m.put("uuid_rewritten", true);
            m.put("warning", "the upload reused an earlier PayloadUUID with changed content; the server gave it the PayloadUUID " + v.uuid());
        }
        Json.send(ex, v.outcome() == VersionedProfile.Outcome.CREATED ? 201 : 200, m);
    }

    private void list(HttpServerExchange ex) {
        List<Object> all = new ArrayList<>();
        store.list().forEach(p -> all.add(meta(p)));
        Json.send(ex, 200, Map.of("profiles", all));
    }

    private ProfileStore.Profile profile(HttpServerExchange ex) {
        String id = Requests.pathParam(ex, "identifier");
        return store.find(id).orElseThrow(() -> new HttpError(404, "no profile " + id));
    }

    private void get(HttpServerExchange ex) throws Exception {
        ProfileStore.Profile p = profile(ex);
        Map<String, Object> m = meta(p);
        List<Object> versions = new ArrayList<>();
        for (ProfileStore.Version v : store.versions(p.identifier())) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("version", v.version());
            vm.put("uuid", v.uuid());
            vm.put("checksum", v.checksum());
            vm.put("size", v.size());
            if (v.uuidRewritten()) {
                vm.put("uuid_rewritten", true);
            }
            vm.put("created_at", time(v.createdAt()));
            versions.add(vm);
        }
        m.put("versions", versions);
        List<Object> payloads = new ArrayList<>();
        byte[] raw = store.raw(p.identifier()).orElseThrow(() -> new HttpError(404, "no profile " + p.identifier()));
        for (ParsedProfile.Payload pl : parser.parse(raw).payloads()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("type", pl.type());
            pm.put("identifier", pl.identifier());
            pm.put("uuid", pl.uuid());
            pm.put("display_name", pl.displayName());
            payloads.add(pm);
        }
        m.put("payloads", payloads);
        m.put("targets", targetsJson(store.targets(p.identifier())));
        Json.send(ex, 200, m);
    }

    private void raw(HttpServerExchange ex) {
        String id = Requests.pathParam(ex, "identifier");
        byte[] raw = store.raw(id).orElseThrow(() -> new HttpError(404, "no profile " + id));
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-apple-aspen-config");
        ex.getResponseSender().send(ByteBuffer.wrap(raw));
    }

    private void delete(HttpServerExchange ex) {
        String id = Requests.pathParam(ex, "identifier");
        if (!store.delete(id)) {
            throw new HttpError(404, "no profile " + id);
        }
        changed.accept(id);
        ex.setStatusCode(204);
        ex.endExchange();
    }

    private void getTargets(HttpServerExchange ex) {
        ProfileStore.Profile p = profile(ex);
        Json.send(ex, 200, targetsJson(store.targets(p.identifier())));
    }

    private void putTargets(HttpServerExchange ex) throws Exception {
        String id = Requests.pathParam(ex, "identifier");
        JsonNode body = Requests.jsonBody(ex, maxBody);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("all", "groups", "hosts", "exclude_groups", "exclude_hosts").contains(f)) {
                throw new HttpError(400, "unknown field '" + f + "'; use all, groups, hosts, exclude_groups, exclude_hosts");
            }
        }
        JsonNode all = body.get("all");
        if (all != null && !all.isBoolean()) {
            throw new HttpError(400, "all must be true or false");
        }
        ProfileStore.Targets t = new ProfileStore.Targets(all != null && all.asBoolean(),
                groups(body, "groups"), hostIds(body, "hosts"), groups(body, "exclude_groups"), hostIds(body, "exclude_hosts"));
        if (!store.replaceTargets(id, t)) {
            throw new HttpError(404, "no profile " + id);
        }
        changed.accept(id);
        Json.send(ex, 200, targetsJson(store.targets(id)));
    }

    private List<String> strings(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new HttpError(400, field + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual() && !e.isIntegralNumber() || e.asText().isBlank()) {
                throw new HttpError(400, field + " must be an array of non-empty strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private List<String> groups(JsonNode body, String field) {
        List<String> names = strings(body, field);
        for (String n : names) {
            if (!groupStore.exists(n)) {
                throw new HttpError(400, field + ": no group '" + n + "' (create it with PUT /v1/groups/" + n + ")");
            }
        }
        return names;
    }

    private List<Long> hostIds(JsonNode body, String field) {
        List<Long> ids = new ArrayList<>();
        for (String ref : strings(body, field)) {
            ids.add(hosts.resolve(ref).orElseThrow(() -> new HttpError(400, field + ": no host '" + ref + "'")).id());
        }
        return ids;
    }

    private void profileStatus(HttpServerExchange ex) {
        String id = Requests.pathParam(ex, "identifier");
        if (store.find(id).isEmpty() && !status.anyHost(id)) {
            throw new HttpError(404, "no profile " + id);
        }
        String only = Requests.query(ex, "status");
        if (only != null && !STATUSES.contains(only)) {
            throw new HttpError(400, "status must be pending, verifying, verified or failed");
        }
        int limit = Requests.intQuery(ex, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        long cursor = longQuery(ex, "cursor");
        List<StatusQueries.HostRow> rows = status.hosts(id, only, cursor, limit);
        List<Object> list = new ArrayList<>();
        for (StatusQueries.HostRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", r.hostId());
            m.put("udid", r.udid());
            m.put("serial", r.serial());
            m.put("status", r.status());
            m.put("operation", r.operation());
            m.put("detail", r.detail());
            m.put("uuid", r.uuid());
            m.put("version", r.version());
            m.put("command_uuid", r.commandUuid());
            m.put("updated_at", time(r.updatedAt()));
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("identifier", id);
        out.put("counts", status.counts(id));
        out.put("hosts", list);
        if (rows.size() == limit) {
            out.put("next_cursor", String.valueOf(rows.get(rows.size() - 1).hostId()));
        }
        Json.send(ex, 200, out);
    }

    private HostRecord host(HttpServerExchange ex) {
        String ref = Requests.pathParam(ex, "id");
        return hosts.resolve(ref).orElseThrow(() -> new HttpError(404, "no host " + ref));
    }

    private void hostProfiles(HttpServerExchange ex) {
        HostRecord host = host(ex);
        List<Object> list = new ArrayList<>();
        for (StatusQueries.HostRow r : status.profilesOf(host.id())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("identifier", r.identifier());
            m.put("display_name", r.displayName());
            m.put("status", r.status());
            m.put("operation", r.operation());
            m.put("detail", r.detail());
            m.put("uuid", r.uuid());
            m.put("version", r.version());
            m.put("installed_uuid", r.installedUuid());
            m.put("command_uuid", r.commandUuid());
            m.put("updated_at", time(r.updatedAt()));
            list.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host.id());
        out.put("udid", host.udid());
        out.put("serial", host.serialNumber());
        out.put("profiles", list);
        Json.send(ex, 200, out);
    }

    private void refresh(HttpServerExchange ex) {
        HostRecord host = host(ex);
        String command = lists.requestProfileList(host.id())
                .orElseThrow(() -> new HttpError(409, "host " + host.id() + " is not enrolled (checked out or never enrolled)"));
        Json.send(ex, 202, Map.of("host", host.id(), "command_uuid", command));
    }

    private void reconcile(HttpServerExchange ex) {
        ProfileSweep.SweepResult r = sweep.sweep();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hosts", r.hosts());
        m.put("hosts_changed", r.hostsChanged());
        m.put("commands_queued", r.commandsQueued());
        m.put("millis", r.millis());
        Json.send(ex, 200, m);
    }

    private static long longQuery(HttpServerExchange ex, String name) {
        String v = Requests.query(ex, name);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new HttpError(400, name + " must be a next_cursor from an earlier page");
        }
    }

    private static Map<String, Object> meta(ProfileStore.Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("identifier", p.identifier());
        m.put("uuid", p.uuid());
        m.put("version", p.version());
        m.put("display_name", p.displayName());
        m.put("checksum", p.checksum());
        m.put("signed", p.signed());
        m.put("signer", p.signerSubject());
        m.put("created_at", time(p.createdAt()));
        m.put("updated_at", time(p.updatedAt()));
        return m;
    }

    private static Map<String, Object> targetsJson(ProfileStore.Targets t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("all", t.all());
        m.put("groups", t.groups());
        m.put("hosts", t.hosts());
        m.put("exclude_groups", t.excludeGroups());
        m.put("exclude_hosts", t.excludeHosts());
        return m;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}

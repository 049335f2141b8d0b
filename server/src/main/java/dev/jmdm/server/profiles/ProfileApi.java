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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        String warning = v.uuidRewritten()
                ? "the upload reused an earlier PayloadUUID with changed content; the server gave it the PayloadUUID " + v.uuid() : null;
        Json.send(ex, v.outcome() == VersionedProfile.Outcome.CREATED ? 201 : 200, new ProfileApiAnswers.Uploaded(v.identifier(), v.uuid(),
                v.version(), v.outcome().name().toLowerCase(Locale.ROOT), v.uuidRewritten() ? true : null, warning));
    }

    private void list(HttpServerExchange ex) {
        Json.send(ex, 200, new ProfileApiAnswers.Profiles(store.list().stream().map(ProfileApiAnswers.Profile::of).toList()));
    }

    private ProfileStore.Profile profile(HttpServerExchange ex) {
        String id = Requests.pathParam(ex, "identifier");
        return store.find(id).orElseThrow(() -> new HttpError(404, "no profile " + id));
    }

    private void get(HttpServerExchange ex) throws Exception {
        ProfileStore.Profile p = profile(ex);
        List<ProfileApiAnswers.ProfileVersion> versions = store.versions(p.identifier()).stream().map(ProfileApiAnswers.ProfileVersion::of).toList();
        byte[] raw = store.raw(p.identifier()).orElseThrow(() -> new HttpError(404, "no profile " + p.identifier()));
        List<ProfileApiAnswers.Payload> payloads = parser.parse(raw).payloads().stream().map(ProfileApiAnswers.Payload::of).toList();
        Json.send(ex, 200, new ProfileApiAnswers.ProfileDetail(ProfileApiAnswers.Profile.of(p), versions, payloads,
                targetsJson(store.targets(p.identifier()))));
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
        List<ProfileApiAnswers.HostStatus> list = rows.stream().map(r -> new ProfileApiAnswers.HostStatus(r.hostId(), r.udid(), r.serial(),
                r.status(), r.operation(), r.detail(), r.uuid(), r.version(), r.commandUuid(), time(r.updatedAt()))).toList();
        Json.send(ex, 200, new ProfileApiAnswers.ProfileStatus(id, status.counts(id), list,
                rows.size() == limit ? String.valueOf(rows.get(rows.size() - 1).hostId()) : null));
    }

    private HostRecord host(HttpServerExchange ex) {
        String ref = Requests.pathParam(ex, "id");
        return hosts.resolve(ref).orElseThrow(() -> new HttpError(404, "no host " + ref));
    }

    private void hostProfiles(HttpServerExchange ex) {
        HostRecord host = host(ex);
        List<ProfileApiAnswers.HostProfile> list = status.profilesOf(host.id()).stream().map(r -> new ProfileApiAnswers.HostProfile(
                r.identifier(), r.displayName(), r.status(), r.operation(), r.detail(), r.uuid(), r.version(), r.installedUuid(),
                r.commandUuid(), time(r.updatedAt()))).toList();
        Json.send(ex, 200, new ProfileApiAnswers.HostProfiles(host.id(), host.udid(), host.serialNumber(), list));
    }

    private void refresh(HttpServerExchange ex) {
        HostRecord host = host(ex);
        String command = lists.requestProfileList(host.id())
                .orElseThrow(() -> new HttpError(409, "host " + host.id() + " is not enrolled (checked out or never enrolled)"));
        Json.send(ex, 202, new ProfileApiAnswers.Refresh(host.id(), command));
    }

    private void reconcile(HttpServerExchange ex) {
        ProfileSweep.SweepResult r = sweep.sweep();
        Json.send(ex, 200, new ProfileApiAnswers.Sweep(r.hosts(), r.hostsChanged(), r.commandsQueued(), r.millis()));
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

    private static ProfileApiAnswers.Targets targetsJson(ProfileStore.Targets t) {
        return ProfileApiAnswers.Targets.of(t);
    }

    private static String time(long millis) {
        return ProfileApiAnswers.time(millis);
    }
}

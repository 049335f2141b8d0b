package dev.jmdm.server.policies;

import dev.jmdm.policies.PolicyDocument;
import dev.jmdm.server.http.ApiRouter;
import dev.jmdm.server.http.HttpError;
import dev.jmdm.server.http.Json;
import dev.jmdm.server.http.Requests;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** /v1/policies, /v1/hosts/{id}/policies and /v1/events. Reports (/v1/compliance) are {@link ComplianceApi}. */
final class PolicyApi {
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;
    /** The reason of a first-result transition: first results are kept in the host's packed entry, without reason. */
    static final String FIRST_REASON = "first evaluation (its reason is not stored)";

    private final PolicyStore store;
    private final PolicyDocuments documents;
    private final Reports reports;
    private final ResultStore results;
    private final HostStore hosts;
    private final PolicyFeature.Scheduler scheduler;
    private final long maxBody;

    PolicyApi(PolicyStore store, PolicyDocuments documents, Reports reports, ResultStore results, HostStore hosts,
            PolicyFeature.Scheduler scheduler, long maxBody) {
        this.store = store;
        this.documents = documents;
        this.reports = reports;
        this.results = results;
        this.hosts = hosts;
        this.scheduler = scheduler;
        this.maxBody = maxBody;
    }

    void register(ApiRouter r) {
        r.post("/v1/policies", ex -> save(ex, null));
        r.get("/v1/policies", this::list);
        r.get("/v1/policies/{name}", this::show);
        r.put("/v1/policies/{name}", ex -> save(ex, Requests.pathParam(ex, "name")));
        r.delete("/v1/policies/{name}", this::delete);
        r.get("/v1/policies/{name}/results", this::results);
        r.get("/v1/hosts/{id}/policies", this::ofHost);
        r.get("/v1/events", this::events);
    }

    /** POST (name == null: create, 409 if taken) or PUT (create or replace). */
    private void save(HttpServerExchange ex, String name) throws Exception {
        byte[] body = Requests.body(ex, maxBody);
        PolicyDocuments.Valid valid;
        try {
            valid = documents.read(body, ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE), name);
        } catch (PolicyDocuments.InvalidPolicyException e) {
            Json.send(ex, 400, new Views.Refusal("invalid policy: " + e.getMessage(),
                    e.problems.stream().map(p -> new Views.Problem(p.path(), p.message())).toList()));
            return;
        }
        StoredPolicy saved;
        try {
            saved = store.save(valid.document(), valid.targets(), actor(ex), name != null);
        } catch (PolicyStore.NameTakenException e) {
            throw new HttpError(409, e.getMessage());
        }
        results.event("policy.saved", null, saved.name(), Map.of("version", saved.version(), "actor", actor(ex)));
        scheduler.evaluateSoon(saved);
        Json.send(ex, saved.version() == 1 ? 201 : 200, view(saved, Views.Counts.NONE, null));
    }

    private void list(HttpServerExchange ex) {
        Map<String, Views.Counts> counts = reports.counts();
        List<Views.Policy> out = new ArrayList<>();
        for (StoredPolicy p : store.all()) {
            out.add(view(p, counts.getOrDefault(p.name(), Views.Counts.NONE), null));
        }
        Json.send(ex, 200, new Views.Policies(out));
    }

    private void show(HttpServerExchange ex) {
        StoredPolicy p = policy(ex);
        Json.send(ex, 200, view(p, reports.counts().getOrDefault(p.name(), Views.Counts.NONE), store.versions(p.name())));
    }

    private void delete(HttpServerExchange ex) {
        String name = Requests.pathParam(ex, "name");
        if (!store.delete(name)) {
            throw new HttpError(404, "no policy named " + name);
        }
        results.event("policy.deleted", null, name, Map.of("actor", actor(ex)));
        scheduler.recountSoon();
        Json.send(ex, 200, new Views.PolicyDeleted(name));
    }

    /** GET /v1/policies/{name}/results?result=pass|fail|unknown&platform=&q=&limit=&cursor= (host id order). */
    private void results(HttpServerExchange ex) {
        StoredPolicy p = policy(ex);
        String result = Requests.query(ex, "result");
        if (result != null && !List.of("pass", "fail", "unknown").contains(result)) {
            throw new HttpError(400, "result must be pass, fail or unknown");
        }
        int limit = Requests.intQuery(ex, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        long cursor = cursor(ex, 0);
        String q = Requests.query(ex, "q");
        if (q != null && q.length() > 255) {
            throw new HttpError(400, "q is at most 255 characters");
        }
        List<Views.HostResult> page = reports.results(p, new Reports.ResultFilter(result, Requests.query(ex, "platform"),
                q == null || q.isEmpty() ? null : q), cursor, limit);
        String next = page.size() == limit ? Long.toString(page.get(page.size() - 1).hostId()) : null;
        Json.send(ex, 200, new Views.Results(page, reports.counts().getOrDefault(p.name(), Views.Counts.NONE), next));
    }

    /**
     * GET /v1/hosts/{id}/policies: the host's result for each policy that applies to it, with its transitions. The first
     * is the host's first result when it was not a pass (stored in its entry, with no reason: that was not kept).
     */
    private void ofHost(HttpServerExchange ex) {
        String ref = Requests.pathParam(ex, "id");
        HostRecord host = hosts.resolve(ref).orElseThrow(() -> new HttpError(404, "unknown host " + ref));
        List<Views.HostResult> out = new ArrayList<>();
        for (Map.Entry<Views.HostResult, ResultRow> e : reports.ofHost(host.id())) {
            Views.HostResult r = e.getKey();
            ResultRow entry = e.getValue();
            List<Views.Transition> transitions = new ArrayList<>();
            if (!ResultRow.PASS.equals(entry.firstResult())) {
                transitions.add(new Views.Transition(null, entry.firstResult(), FIRST_REASON, Map.of(), Reports.time(entry.firstAt())));
            }
            transitions.addAll(results.transitions(r.policy(), host.id(), entry.firstAt()));
            out.add(new Views.HostResult(r.hostId(), r.serialNumber(), r.deviceName(), r.policy(), r.result(), r.since(), r.reason(),
                    r.facts(), r.updatedAt(), r.remediation(), transitions));
        }
        Json.send(ex, 200, new Views.Results(out, null, null));
    }

    /** GET /v1/events?kind=&host=&policy=&limit=&cursor= newest first. */
    private void events(HttpServerExchange ex) {
        String hostRef = Requests.query(ex, "host");
        Long hostId = null;
        if (hostRef != null) {
            hostId = hosts.resolve(hostRef).map(HostRecord::id).orElseThrow(() -> new HttpError(404, "unknown host " + hostRef));
        }
        int limit = Requests.intQuery(ex, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        List<Views.Event> page = reports.events(Requests.query(ex, "kind"), hostId, Requests.query(ex, "policy"),
                cursor(ex, Long.MAX_VALUE), limit);
        String next = page.size() == limit ? Long.toString(page.get(page.size() - 1).id()) : null;
        Json.send(ex, 200, new Views.Events(page, next));
    }

    private StoredPolicy policy(HttpServerExchange ex) {
        String name = Requests.pathParam(ex, "name");
        return store.find(name).orElseThrow(() -> new HttpError(404, "no policy named " + name));
    }

    private static long cursor(HttpServerExchange ex, long none) {
        String c = Requests.query(ex, "cursor");
        if (c == null || c.isEmpty()) {
            return none;
        }
        try {
            return Long.parseLong(c);
        } catch (NumberFormatException e) {
            throw new HttpError(400, "cursor must be the next_cursor of a previous page");
        }
    }

    static Views.Policy view(StoredPolicy p, Views.Counts counts, List<Views.PolicyVersion> versions) {
        PolicyDocument d = p.document();
        return new Views.Policy(p.name(), p.version(), d.description(), d.severity().name().toLowerCase(Locale.ROOT), d.platforms(),
                d.remediationEnabled(), d.remediation() == null ? null : d.remediation().kind(), d.source(), counts,
                new Views.Evaluation(p.evaluation(), p.evaluationHosts(), time(p.evaluationStartedAt()), time(p.evaluationFinishedAt())),
                Reports.time(p.createdAt()), Reports.time(p.updatedAt()), versions);
    }

    private static String time(Long millis) {
        return millis == null ? null : Reports.time(millis);
    }

    private static String actor(HttpServerExchange ex) {
        return dev.jmdm.server.hosts.HostCommands.actor(ex);
    }
}

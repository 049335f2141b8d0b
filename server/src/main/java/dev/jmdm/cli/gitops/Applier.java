package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jmdm.cli.ApiClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out a plan through the admin API in dependency order: hosts to pre-register, groups (targets name
 * them), profiles and their targets, policies (their remediation may name a profile); then deletions in the
 * reverse order: policies, profiles, groups. Finally one audit entry ({@code gitops.apply}) with the caller's
 * message and the changes, never their contents.
 */
public final class Applier {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final ApiClient api;
    private final PrintWriter log;

    public Applier(ApiClient api, PrintWriter log) {
        this.api = api;
        this.log = log;
    }

    public void apply(Desired d, Plan plan, String message) {
        List<String> done = new ArrayList<>();
        List<String> serials = plan.of(Plan.Kind.host, Plan.Op.create).stream().map(Plan.Change::name).toList();
        if (!serials.isEmpty()) {
            api.postJson("/v1/hosts", Map.of("serials", serials));
            serials.forEach(s -> done(done, "pre-register host " + s));
        }
        Map<String, Desired.Group> groups = new LinkedHashMap<>();
        d.groups().forEach(g -> groups.put(g.name(), g));
        for (Plan.Change c : plan.changes()) {
            if (c.kind() == Plan.Kind.group && (c.op() == Plan.Op.create || c.op() == Plan.Op.update)) {
                api.putJson("/v1/groups/" + ApiClient.segment(c.name()), Map.of("hosts", groups.get(c.name()).hosts()));
                done(done, c.op() + " group " + c.name());
            }
        }
        Map<String, Desired.Profile> profiles = new LinkedHashMap<>();
        d.profiles().forEach(p -> profiles.put(p.identifier(), p));
        for (Plan.Change c : plan.changes()) {
            if (c.kind() == Plan.Kind.profile && (c.op() == Plan.Op.create || c.op() == Plan.Op.update)) {
                Desired.Profile p = profiles.get(c.name());
                String seg = "/v1/profiles/" + ApiClient.segment(p.identifier());
                api.call("POST", "/v1/profiles", p.bytes(), "application/x-apple-aspen-config");
                Desired.Targets t = p.targets();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("all", t.all());
                body.put("groups", t.groups());
                body.put("hosts", t.hosts());
                body.put("exclude_groups", t.excludeGroups());
                body.put("exclude_hosts", t.excludeHosts());
                api.putJson(seg + "/targets", body);
                done(done, c.op() + " profile " + c.name());
            }
        }
        Map<String, Desired.Policy> policies = new LinkedHashMap<>();
        d.policies().forEach(p -> policies.put(p.name(), p));
        for (Plan.Change c : plan.changes()) {
            if (c.kind() == Plan.Kind.policy && (c.op() == Plan.Op.create || c.op() == Plan.Op.update)) {
                api.call("PUT", "/v1/policies/" + ApiClient.segment(c.name()), json(policies.get(c.name()).document()), "application/json");
                done(done, c.op() + " policy " + c.name());
            }
        }
        for (Plan.Kind kind : new Plan.Kind[] {Plan.Kind.policy, Plan.Kind.profile, Plan.Kind.group}) {
            for (Plan.Change c : plan.of(kind, Plan.Op.delete)) {
                String base = switch (kind) {
                    case policy -> "/v1/policies/";
                    case profile -> "/v1/profiles/";
                    default -> "/v1/groups/";
                };
                api.delete(base + ApiClient.segment(c.name()));
                done(done, "delete " + kind + " " + c.name());
            }
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("changes", done);
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("action", "gitops.apply");
        if (message != null) {
            note.put("note", message);
        }
        note.put("detail", detail);
        api.postJson("/v1/audit", note);
    }

    private void done(List<String> done, String what) {
        done.add(what);
        log.println("applied: " + what);
        log.flush();
    }

    private static byte[] json(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

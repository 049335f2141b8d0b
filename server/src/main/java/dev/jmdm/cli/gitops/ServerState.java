package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.cli.ApiClient;
import dev.jmdm.cli.HostList;
import dev.jmdm.profiles.StoredProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the server holds, read through the admin API: hosts (to resolve references and count who a change
 * touches), groups with members, profiles with their stored bytes, earlier PayloadUUIDs and targets, policies
 * with their documents. Hosts are named by a stable key: serial number, else UDID, else host id.
 */
public final class ServerState {
    /** A host as the plan names it. */
    public record Host(long id, String serial, String udid, String enrollmentId, List<String> groups) {
        public String key() {
            if (serial != null && !serial.isEmpty()) {
                return serial;
            }
            return udid != null && !udid.isEmpty() ? udid : Long.toString(id);
        }
    }

    /** A stored profile: its latest version as the versioner needs it, display name, and targets by host key. */
    public record Profile(StoredProfile stored, String displayName, Desired.Targets targets) {
    }

    final Map<Long, Host> hosts = new HashMap<>();
    private final Map<String, Host> byRef = new HashMap<>();
    final Map<String, Set<String>> groups = new TreeMap<>();
    final Map<String, Profile> profiles = new TreeMap<>();
    final Map<String, JsonNode> policies = new TreeMap<>();

    private ServerState() {
    }

    public static ServerState read(ApiClient api) {
        ServerState s = new ServerState();
        for (JsonNode h : HostList.list(api, Map.of(), null)) {
            List<String> gs = new ArrayList<>();
            h.path("groups").forEach(g -> gs.add(g.asText()));
            Host host = new Host(h.path("id").asLong(), text(h, "serial_number"), text(h, "udid"), text(h, "enrollment_id"), gs);
            s.hosts.put(host.id(), host);
            for (String ref : new String[] {Long.toString(host.id()), host.serial(), host.udid(), host.enrollmentId()}) {
                if (ref != null && !ref.isEmpty()) {
                    s.byRef.putIfAbsent(ref, host);
                }
            }
        }
        for (JsonNode g : api.get("/v1/groups").path("groups")) {
            s.groups.put(g.path("name").asText(), new TreeSet<>());
        }
        for (Host h : s.hosts.values()) {
            for (String g : h.groups()) {
                s.groups.computeIfAbsent(g, k -> new TreeSet<>()).add(h.key());
            }
        }
        for (JsonNode p : api.get("/v1/profiles").path("profiles")) {
            String id = p.path("identifier").asText();
            String seg = "/v1/profiles/" + ApiClient.segment(id);
            JsonNode full = api.get(seg);
            byte[] raw = api.call("GET", seg + "/raw", null, null).body();
            Set<String> earlier = new LinkedHashSet<>();
            int version = full.path("version").asInt();
            full.path("versions").forEach(v -> {
                if (v.path("version").asInt() < version) {
                    earlier.add(v.path("uuid").asText());
                }
            });
            StoredProfile stored = new StoredProfile(id, version, full.path("uuid").asText(), raw, earlier);
            s.profiles.put(id, new Profile(stored, text(full, "display_name"), s.targets(full.path("targets"))));
        }
        for (JsonNode p : api.get("/v1/policies").path("policies")) {
            s.policies.put(p.path("name").asText(), p.path("document"));
        }
        return s;
    }

    /** The host a reference (id, serial, UDID, enrollment id) names, if the server has it. */
    public Optional<Host> resolve(String ref) {
        return Optional.ofNullable(byRef.get(ref));
    }

    /** A reference as a host key: the host's key when the server knows it, else the reference (a serial to pre-register). */
    public String keyOf(String ref) {
        return resolve(ref).map(Host::key).orElse(ref);
    }

    public Map<String, Set<String>> groups() {
        return groups;
    }

    public Map<String, Profile> profiles() {
        return profiles;
    }

    public Map<String, JsonNode> policies() {
        return policies;
    }

    public java.util.Collection<Host> hosts() {
        return hosts.values();
    }

    private Desired.Targets targets(JsonNode t) {
        return new Desired.Targets(t.path("all").asBoolean(), strings(t.path("groups")), hostKeys(t.path("hosts")),
                strings(t.path("exclude_groups")), hostKeys(t.path("exclude_hosts")));
    }

    private List<String> hostKeys(JsonNode ids) {
        List<String> out = new ArrayList<>();
        ids.forEach(i -> {
            Host h = hosts.get(i.asLong());
            out.add(h == null ? i.asText() : h.key());
        });
        return out;
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.profiles.ProfileValidationException;
import dev.jmdm.profiles.ProfileVersioner;
import dev.jmdm.profiles.VersionedProfile;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a checked folder with the server and lists the changes. Profile content is compared the way the server
 * decides an upload ({@link ProfileVersioner}: the same plist again is no edit, even when the server had rewritten
 * its PayloadUUID), policies by their documents, groups and targets by host keys.
 */
public final class Planner {
    private final ServerState server;
    private final boolean prune;

    public Planner(ServerState server, boolean prune) {
        this.server = server;
        this.prune = prune;
    }

    public Plan plan(Desired d) {
        List<Plan.Change> out = new ArrayList<>();
        Map<String, Set<String>> desiredGroups = new java.util.HashMap<>();
        Set<String> toRegister = new TreeSet<>();
        for (Desired.Group g : d.groups()) {
            Set<String> keys = new TreeSet<>();
            for (String ref : g.hosts()) {
                keys.add(server.keyOf(ref));
                if (server.resolve(ref).isEmpty()) {
                    toRegister.add(ref);
                }
            }
            desiredGroups.put(g.name(), keys);
        }
        toRegister.forEach(s -> out.add(new Plan.Change(Plan.Kind.host, Plan.Op.create, s, List.of(), 1)));
        // Membership after the apply: the folder's groups, and the server's others unless they are pruned.
        Map<String, Set<String>> after = new java.util.HashMap<>(desiredGroups);
        if (!prune) {
            server.groups().forEach(after::putIfAbsent);
        }
        for (Desired.Group g : d.groups()) {
            Set<String> want = desiredGroups.get(g.name());
            Set<String> have = server.groups().get(g.name());
            if (have == null) {
                out.add(new Plan.Change(Plan.Kind.group, Plan.Op.create, g.name(), diff("hosts", Set.of(), want), want.size()));
            } else if (!have.equals(want)) {
                List<String> lines = diff("hosts", have, want);
                out.add(new Plan.Change(Plan.Kind.group, Plan.Op.update, g.name(), lines, symmetric(have, want)));
            }
        }
        for (Desired.Profile p : d.profiles()) {
            out.addAll(profile(p, after));
        }
        for (Desired.Policy p : d.policies()) {
            JsonNode have = server.policies().get(p.name());
            int reach = targeted(p.targets(), after).size();
            if (have == null) {
                out.add(new Plan.Change(Plan.Kind.policy, Plan.Op.create, p.name(), secretNote(p.secrets()), reach));
            } else if (!have.equals(p.document())) {
                List<String> lines = new ArrayList<>(changedKeys(have, p.document()));
                lines.addAll(secretNote(p.secrets()));
                out.add(new Plan.Change(Plan.Kind.policy, Plan.Op.update, p.name(), lines, reach));
            }
        }
        deletions(d, out);
        return new Plan(out);
    }

    private List<Plan.Change> profile(Desired.Profile p, Map<String, Set<String>> groupsAfter) {
        ServerState.Profile have = server.profiles().get(p.identifier());
        Set<String> newReach = targeted(p.targets(), groupsAfter);
        if (have == null) {
            List<String> lines = new ArrayList<>(targetDiff(Desired.Targets.NONE, keyed(p.targets())));
            lines.addAll(secretNote(p.secrets()));
            return List.of(new Plan.Change(Plan.Kind.profile, Plan.Op.create, p.identifier(), lines, newReach.size()));
        }
        List<String> lines = new ArrayList<>();
        boolean content;
        try {
            VersionedProfile v = ProfileVersioner.decide(p.parsed(), Optional.of(have.stored()), n -> Optional.empty());
            content = v.outcome() != VersionedProfile.Outcome.UNCHANGED;
            if (content) {
                lines.add("content: version " + have.stored().version() + " → " + v.version() + " (" + p.path() + ")");
            }
        } catch (ProfileValidationException e) {
            throw new IllegalStateException("a profile that passed validation was refused: " + e.getMessage(), e);
        }
        Desired.Targets want = keyed(p.targets());
        lines.addAll(targetDiff(have.targets(), want));
        if (!content && lines.isEmpty()) {
            return List.of();
        }
        lines.addAll(secretNote(p.secrets()));
        Set<String> oldReach = targeted(have.targets(), server.groups());
        int touched = content ? union(oldReach, newReach).size() : symmetric(oldReach, newReach);
        return List.of(new Plan.Change(Plan.Kind.profile, Plan.Op.update, p.identifier(), lines, touched));
    }

    private void deletions(Desired d, List<Plan.Change> out) {
        Plan.Op op = prune ? Plan.Op.delete : Plan.Op.unmanaged;
        Set<String> policies = new HashSet<>();
        d.policies().forEach(p -> policies.add(p.name()));
        for (Map.Entry<String, JsonNode> e : server.policies().entrySet()) {
            if (!policies.contains(e.getKey())) {
                out.add(new Plan.Change(Plan.Kind.policy, op, e.getKey(), List.of(), targetedByDocument(e.getValue()).size()));
            }
        }
        Set<String> profiles = new HashSet<>();
        d.profiles().forEach(p -> profiles.add(p.identifier()));
        for (Map.Entry<String, ServerState.Profile> e : server.profiles().entrySet()) {
            if (!profiles.contains(e.getKey())) {
                out.add(new Plan.Change(Plan.Kind.profile, op, e.getKey(), List.of(),
                        targeted(e.getValue().targets(), server.groups()).size()));
            }
        }
        Set<String> groups = new HashSet<>();
        d.groups().forEach(g -> groups.add(g.name()));
        for (Map.Entry<String, Set<String>> e : server.groups().entrySet()) {
            if (!groups.contains(e.getKey())) {
                out.add(new Plan.Change(Plan.Kind.group, op, e.getKey(), List.of(), e.getValue().size()));
            }
        }
    }

    // ---- targets -------------------------------------------------------------------------------------

    /** Targets with host references turned into host keys, as the server's are. */
    private Desired.Targets keyed(Desired.Targets t) {
        return new Desired.Targets(t.all(), t.groups(), t.hosts().stream().map(server::keyOf).toList(), t.excludeGroups(),
                t.excludeHosts().stream().map(server::keyOf).toList());
    }

    /** The host keys a target set reaches, given group memberships. */
    Set<String> targeted(Desired.Targets t, Map<String, Set<String>> groups) {
        Set<String> in = new TreeSet<>();
        if (t.all()) {
            server.hosts().forEach(h -> in.add(h.key()));
        }
        t.groups().forEach(g -> in.addAll(groups.getOrDefault(g, Set.of())));
        t.hosts().forEach(h -> in.add(server.keyOf(h)));
        t.excludeGroups().forEach(g -> in.removeAll(groups.getOrDefault(g, Set.of())));
        t.excludeHosts().forEach(h -> in.remove(server.keyOf(h)));
        return in;
    }

    private Set<String> targetedByDocument(JsonNode doc) {
        JsonNode t = doc.path("targets");
        if (t.isMissingNode()) {
            Set<String> all = new TreeSet<>();
            server.hosts().forEach(h -> all.add(h.key()));
            return all;
        }
        return targeted(new Desired.Targets(t.path("all").asBoolean(), ServerState.strings(t.path("groups")),
                ServerState.strings(t.path("hosts")), ServerState.strings(t.path("exclude_groups")),
                ServerState.strings(t.path("exclude_hosts"))), server.groups());
    }

    static List<String> targetDiff(Desired.Targets have, Desired.Targets want) {
        List<String> lines = new ArrayList<>();
        if (have.all() != want.all()) {
            lines.add("targets.all: " + have.all() + " → " + want.all());
        }
        lines.addAll(diff("targets.groups", have.groups(), want.groups()));
        lines.addAll(diff("targets.hosts", have.hosts(), want.hosts()));
        lines.addAll(diff("targets.exclude_groups", have.excludeGroups(), want.excludeGroups()));
        lines.addAll(diff("targets.exclude_hosts", have.excludeHosts(), want.excludeHosts()));
        return lines;
    }

    /** {@code + x} for what is added, {@code - x} for what goes, under a label. */
    static List<String> diff(String label, Collection<String> have, Collection<String> want) {
        List<String> lines = new ArrayList<>();
        for (String w : new TreeSet<>(want)) {
            if (!have.contains(w)) {
                lines.add(label + ": + " + w);
            }
        }
        for (String h : new TreeSet<>(have)) {
            if (!want.contains(h)) {
                lines.add(label + ": - " + h);
            }
        }
        return lines;
    }

    private static List<String> changedKeys(JsonNode have, JsonNode want) {
        Set<String> keys = new TreeSet<>();
        have.fieldNames().forEachRemaining(keys::add);
        want.fieldNames().forEachRemaining(keys::add);
        List<String> lines = new ArrayList<>();
        for (String k : keys) {
            if (!java.util.Objects.equals(have.get(k), want.get(k))) {
                lines.add("changed: " + k);
            }
        }
        return lines;
    }

    private static List<String> secretNote(Set<String> secrets) {
        if (secrets.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        new TreeSet<>(secrets).forEach(s -> names.add(s + "=" + Secrets.MASK));
        return List.of("secrets: " + String.join(", ", names));
    }

    private static int symmetric(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return s.size() - both.size();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }
}

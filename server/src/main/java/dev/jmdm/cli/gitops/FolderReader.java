package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jmdm.profiles.ParsedProfile;
import dev.jmdm.profiles.ProfileParser;
import dev.jmdm.profiles.ProfileValidationException;
import dev.jmdm.profiles.ProfileVersioner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a GitOps folder and checks all of it before anything is sent: YAML syntax, keys, profiles (parsed and
 * versioned with the server's own rules from the {@code profiles} module), policies (the server's policy
 * parser), secrets, and that every group, host and profile a target or remediation names exists in the folder
 * or on the server. Every problem is collected with its file and line.
 */
public final class FolderReader {
    static final long MAX_FILE = 8L * 1024 * 1024;
    static final Set<String> TOP_KEYS = Set.of("groups", "profiles", "policies");
    static final Set<String> GROUP_KEYS = Set.of("name", "hosts");
    static final Set<String> PROFILE_KEYS = Set.of("path", "targets");
    static final Set<String> TARGET_KEYS = Set.of("all", "groups", "hosts", "exclude_groups", "exclude_hosts");

    private final Path folder;
    private final Secrets secrets;
    private final ServerState server;
    private final boolean prune;
    final List<Desired.Problem> problems = new ArrayList<>();
    private final ProfileParser profileParser = new ProfileParser();

    record Ref(String kind, String name, String file, int line) {
    }

    /** References checked once everything is read (a profile may name a group defined in a later file). */
    final List<Ref> refs = new ArrayList<>();

    public FolderReader(Path folder, Secrets secrets, ServerState server, boolean prune) {
        this.folder = folder.toAbsolutePath().normalize();
        this.secrets = secrets;
        this.server = server;
        this.prune = prune;
    }

    /** The folder's desired state, or the problems (never both). */
    public record Result(Desired desired, List<Desired.Problem> problems) {
    }

    public Result read() {
        List<Desired.Group> groups = new ArrayList<>();
        List<Desired.Profile> profiles = new ArrayList<>();
        List<Desired.Policy> policies = new ArrayList<>();
        List<Path> files = yamlFiles();
        if (files.isEmpty() && problems.isEmpty()) {
            problems.add(new Desired.Problem(folder.toString(), 1, "no jmdm.yml (or other .yml file) in the folder"));
        }
        for (Path f : files) {
            String name = folder.relativize(f).toString();
            Yaml.Located doc = parse(name, f);
            if (doc == null) {
                continue;
            }
            JsonNode root = doc.tree();
            if (root == null || root.isMissingNode() || root.isNull()) {
                continue;
            }
            if (!root.isObject()) {
                problem(name, doc, "", "the file must be a map with groups, profiles and policies");
                continue;
            }
            unknownKeys(name, doc, "", root, TOP_KEYS);
            readGroups(name, doc, root.get("groups"), groups);
            readProfiles(name, doc, root.get("profiles"), profiles);
            new PolicyEntries(this, secrets).read(name, doc, root.get("policies"), policies);
        }
        checkUnique(groups, profiles, policies);
        checkRefs(groups, profiles);
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        return new Result(new Desired(groups, profiles, policies), List.of());
    }

    private List<Path> yamlFiles() {
        if (!Files.isDirectory(folder)) {
            problems.add(new Desired.Problem(folder.toString(), 1, "not a folder"));
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")))
                    .sorted((a, b) -> {
                        // jmdm.yml first, the rest by name: problems and the plan come out in a stable order.
                        boolean am = a.getFileName().toString().startsWith("jmdm.");
                        boolean bm = b.getFileName().toString().startsWith("jmdm.");
                        return am != bm ? (am ? -1 : 1) : a.compareTo(b);
                    }).toList();
        } catch (IOException e) {
            problems.add(new Desired.Problem(folder.toString(), 1, "cannot list the folder: " + e.getMessage()));
            return List.of();
        }
    }

    Yaml.Located parse(String name, Path f) {
        try {
            if (Files.size(f) > MAX_FILE) {
                problems.add(new Desired.Problem(name, 1, "larger than " + MAX_FILE + " bytes"));
                return null;
            }
            return Yaml.read(Files.readString(f, StandardCharsets.UTF_8));
        } catch (Yaml.SyntaxError e) {
            problems.add(new Desired.Problem(name, e.line, e.getMessage()));
        } catch (IOException e) {
            problems.add(new Desired.Problem(name, 1, "cannot read: " + e.getMessage()));
        }
        return null;
    }

    // ---- groups ------------------------------------------------------------------------------------

    private void readGroups(String file, Yaml.Located doc, JsonNode list, List<Desired.Group> out) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            problem(file, doc, "/groups", "groups must be a list of {name, hosts}");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "/groups/" + i;
            JsonNode g = list.get(i);
            if (!g.isObject()) {
                problem(file, doc, at, "a group is a map with name and hosts");
                continue;
            }
            unknownKeys(file, doc, at, g, GROUP_KEYS);
            String name = g.path("name").isTextual() ? g.get("name").asText() : null;
            if (name == null || name.isBlank() || name.length() > 255) {
                problem(file, doc, at + "/name", "name is required: 1 to 255 characters");
                continue;
            }
            List<String> hosts = strings(file, doc, at + "/hosts", g.get("hosts"), "hosts must be a list of serial numbers");
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < hosts.size(); j++) {
                if (!seen.add(hosts.get(j))) {
                    problem(file, doc, at + "/hosts/" + j, "host " + hosts.get(j) + " is listed twice in group " + name);
                }
            }
            out.add(new Desired.Group(name, hosts, new Desired.Source(file, doc.line(at))));
        }
    }

    // ---- profiles ----------------------------------------------------------------------------------

    private void readProfiles(String file, Yaml.Located doc, JsonNode list, List<Desired.Profile> out) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            problem(file, doc, "/profiles", "profiles must be a list of {path, targets}");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "/profiles/" + i;
            JsonNode p = list.get(i);
            if (!p.isObject() || !p.path("path").isTextual()) {
                problem(file, doc, at, "a profile needs path: the .mobileconfig, relative to the folder");
                continue;
            }
            unknownKeys(file, doc, at, p, PROFILE_KEYS);
            Desired.Targets targets = targets(file, doc, at + "/targets", p.get("targets"));
            String rel = p.get("path").asText();
            Path f = inside(file, doc, at + "/path", rel);
            if (f == null) {
                continue;
            }
            byte[] bytes;
            Set<String> used = Set.of();
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                problem(file, doc, at + "/path", "cannot read " + rel + ": " + e.getMessage());
                continue;
            }
            if (looksLikeXml(bytes)) {
                Secrets.Result r = secrets.substituteXml(new String(bytes, StandardCharsets.UTF_8));
                r.missing().forEach(m -> problems.add(new Desired.Problem(rel, m.line(), "the environment variable " + m.name() + " is not set")));
                if (!r.missing().isEmpty()) {
                    continue;
                }
                bytes = r.text().getBytes(StandardCharsets.UTF_8);
                used = r.used();
            }
            ParsedProfile parsed;
            try {
                parsed = profileParser.parse(bytes);
                ServerState.Profile stored = server.profiles().get(parsed.identifier());
                ProfileVersioner.decide(parsed, Optional.ofNullable(stored).map(ServerState.Profile::stored), this::displayNameOwner);
            } catch (ProfileValidationException e) {
                problems.add(new Desired.Problem(rel, 1, secrets.mask(e.getMessage(), used)));
                continue;
            }
            Desired.Source src = new Desired.Source(file, doc.line(at));
            out.add(new Desired.Profile(rel, parsed, bytes, targets, used, src));
            addTargetRefs(targets, file, doc.line(at + "/targets"));
        }
    }

    /** The server's owner of a display name, unless the folder renames or prunes that profile in this same apply. */
    private Optional<String> displayNameOwner(String displayName) {
        return server.profiles().entrySet().stream().filter(e -> displayName.equals(e.getValue().displayName()))
                .map(Map.Entry::getKey).findFirst();
    }

    private static boolean looksLikeXml(byte[] b) {
        String head = new String(b, 0, Math.min(b.length, 64), StandardCharsets.UTF_8).stripLeading();
        return head.startsWith("<") || head.startsWith("\uFEFF<");
    }

    // ---- targets and references --------------------------------------------------------------------

    private Desired.Targets targets(String file, Yaml.Located doc, String at, JsonNode t) {
        if (t == null || t.isNull()) {
            return Desired.Targets.NONE;
        }
        if (!t.isObject()) {
            problem(file, doc, at, "targets must be a map of all, groups, hosts, exclude_groups, exclude_hosts");
            return Desired.Targets.NONE;
        }
        unknownKeys(file, doc, at, t, TARGET_KEYS);
        JsonNode all = t.get("all");
        if (all != null && !all.isBoolean()) {
            problem(file, doc, at + "/all", "all must be true or false");
        }
        return new Desired.Targets(all != null && all.asBoolean(),
                strings(file, doc, at + "/groups", t.get("groups"), "groups must be a list of group names"),
                strings(file, doc, at + "/hosts", t.get("hosts"), "hosts must be a list of serial numbers, UDIDs or host ids"),
                strings(file, doc, at + "/exclude_groups", t.get("exclude_groups"), "exclude_groups must be a list of group names"),
                strings(file, doc, at + "/exclude_hosts", t.get("exclude_hosts"), "exclude_hosts must be a list of hosts"));
    }

    void addTargetRefs(Desired.Targets t, String file, int line) {
        Stream.concat(t.groups().stream(), t.excludeGroups().stream()).forEach(g -> refs.add(new Ref("group", g, file, line)));
        Stream.concat(t.hosts().stream(), t.excludeHosts().stream()).forEach(h -> refs.add(new Ref("host", h, file, line)));
    }

    private void checkRefs(List<Desired.Group> groups, List<Desired.Profile> profiles) {
        Set<String> groupNames = new HashSet<>();
        Set<String> folderSerials = new HashSet<>();
        groups.forEach(g -> {
            groupNames.add(g.name());
            folderSerials.addAll(g.hosts());
        });
        Set<String> profileIds = new HashSet<>();
        profiles.forEach(p -> profileIds.add(p.identifier()));
        for (Ref r : refs) {
            switch (r.kind()) {
                case "group" -> {
                    if (!groupNames.contains(r.name())) {
                        boolean onServer = server.groups().containsKey(r.name());
                        if (!onServer || prune) {
                            problems.add(new Desired.Problem(r.file(), r.line(), "no group " + r.name() + " in the folder"
                                    + (onServer ? " (the server has it, but --prune would delete it)" : " or on the server")));
                        }
                    }
                }
                case "host" -> {
                    if (server.resolve(r.name()).isEmpty() && !folderSerials.contains(r.name())) {
                        problems.add(new Desired.Problem(r.file(), r.line(), "no host " + r.name()
                                + " on the server (name it in a group of the folder to pre-register it)"));
                    }
                }
                default -> {
                    if (!profileIds.contains(r.name())) {
                        boolean onServer = server.profiles().containsKey(r.name());
                        if (!onServer || prune) {
                            problems.add(new Desired.Problem(r.file(), r.line(), "no profile " + r.name() + " in the folder"
                                    + (onServer ? " (the server has it, but --prune would delete it)" : " or on the server")));
                        }
                    }
                }
            }
        }
    }

    private void checkUnique(List<Desired.Group> groups, List<Desired.Profile> profiles, List<Desired.Policy> policies) {
        Map<String, Desired.Source> seen = new HashMap<>();
        for (Desired.Group g : groups) {
            Desired.Source first = seen.putIfAbsent("group " + g.name(), g.source());
            if (first != null) {
                problems.add(new Desired.Problem(g.source().file(), g.source().line(), "group " + g.name() + " is already defined at " + first));
            }
        }
        for (Desired.Profile p : profiles) {
            Desired.Source first = seen.putIfAbsent("profile " + p.identifier(), p.source());
            if (first != null) {
                problems.add(new Desired.Problem(p.source().file(), p.source().line(), p.path() + ": the profile " + p.identifier()
                        + " is already listed at " + first));
            }
            String dn = p.parsed().displayName();
            if (dn != null) {
                Desired.Source other = seen.putIfAbsent("display " + dn, p.source());
                if (other != null) {
                    problems.add(new Desired.Problem(p.source().file(), p.source().line(), p.path() + ": the PayloadDisplayName '" + dn
                            + "' is already used by the profile listed at " + other));
                }
            }
        }
        for (Desired.Policy p : policies) {
            Desired.Source first = seen.putIfAbsent("policy " + p.name(), p.source());
            if (first != null) {
                problems.add(new Desired.Problem(p.source().file(), p.source().line(), "policy " + p.name() + " is already defined at " + first));
            }
        }
    }

    // ---- small checks ------------------------------------------------------------------------------

    /** A path inside the folder (no escaping with .. or an absolute path), that exists. */
    Path inside(String file, Yaml.Located doc, String at, String rel) {
        Path p = folder.resolve(rel).normalize();
        if (!p.startsWith(folder) || Path.of(rel).isAbsolute()) {
            problem(file, doc, at, rel + " is outside the folder (paths are relative to it)");
            return null;
        }
        if (!Files.isRegularFile(p)) {
            problem(file, doc, at, "no file " + rel + " in the folder");
            return null;
        }
        try {
            if (Files.size(p) > MAX_FILE) {
                problem(file, doc, at, rel + " is larger than " + MAX_FILE + " bytes");
                return null;
            }
        } catch (IOException e) {
            problem(file, doc, at, "cannot read " + rel + ": " + e.getMessage());
            return null;
        }
        return p;
    }

    private List<String> strings(String file, Yaml.Located doc, String at, JsonNode n, String message) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            problem(file, doc, at, message);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!(e.isTextual() || e.isIntegralNumber()) || e.asText().isBlank()) {
                problem(file, doc, at + "/" + i, message);
            } else {
                out.add(e.asText());
            }
        }
        return out;
    }

    void unknownKeys(String file, Yaml.Located doc, String at, JsonNode n, Set<String> known) {
        n.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                problem(file, doc, at + "/" + k, "unknown key '" + k + "'; use " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        });
    }

    void problem(String file, Yaml.Located doc, String pointer, String message) {
        problems.add(new Desired.Problem(file, doc.line(pointer), message));
    }
}

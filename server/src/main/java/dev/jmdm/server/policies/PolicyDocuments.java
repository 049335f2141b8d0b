package dev.jmdm.server.policies;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.jmdm.policies.PolicyDocument;
import dev.jmdm.policies.PolicyParser;
import dev.jmdm.policies.Problem;
import dev.jmdm.server.hosts.HostCommands;
import dev.jmdm.server.profiles.ProfileCatalog;
import dev.jmdm.server.storage.HostRecord;
import dev.jmdm.server.storage.HostStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A request body into a valid policy with resolved targets, or every problem with its path: what the
 * document says about itself (the rule language) and what only the server knows (groups, hosts,
 * profiles, buildable commands).
 */
final class PolicyDocuments {
    /** Only a YAML body needs it: the YAML parser's classes load on the first one, not at every start. */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProfileCatalog catalog;
    private final HostStore hosts;

    PolicyDocuments(ProfileCatalog catalog, HostStore hosts) {
        this.catalog = catalog;
        this.hosts = hosts;
    }

    /** A refused document: the problems, in document order. */
    static final class InvalidPolicyException extends RuntimeException {
        final List<Problem> problems;

        InvalidPolicyException(List<Problem> problems) {
            super(problems.size() + " problem(s): " + problems.stream().map(Problem::toString).reduce((a, b) -> a + "; " + b).orElse(""));
            this.problems = problems;
        }
    }

    record Valid(PolicyDocument document, Targets targets) {
    }

    /** Parses a YAML or JSON body (by Content-Type; JSON unless it names yaml). nameFromPath fills or must match name. */
    Valid read(byte[] body, String contentType, String nameFromPath) {
        boolean yaml = contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("yaml");
        Object root;
        try {
            root = body.length == 0 ? null : (yaml ? Yaml.MAPPER : JSON).readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException(List.of(new Problem("$", "not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage())));
        } catch (IOException e) {
            throw new InvalidPolicyException(List.of(new Problem("$", "unreadable body: " + e.getMessage())));
        }
        if (nameFromPath != null && root instanceof java.util.Map<?, ?> m) {
            Object named = m.get("name");
            if (named == null) {
                @SuppressWarnings("unchecked")
                java.util.Map<String, Object> doc = (java.util.Map<String, Object>) m;
                java.util.Map<String, Object> withName = new java.util.LinkedHashMap<>();
                withName.put("name", nameFromPath);
                withName.putAll(doc);
                root = withName;
            } else if (!nameFromPath.equals(named)) {
                throw new InvalidPolicyException(List.of(new Problem("name", "must be " + nameFromPath + ", the name in the path")));
            }
        }
        PolicyParser.Parsed parsed = PolicyParser.parse(root);
        if (!parsed.valid()) {
            throw new InvalidPolicyException(parsed.problems());
        }
        PolicyDocument doc = parsed.document();
        List<Problem> problems = new ArrayList<>();
        PolicyDocument.Targets t = doc.targets();
        Targets targets = new Targets(t.all(), groups(t.groups(), "targets.groups", problems), hostIds(t.hosts(), "targets.hosts", problems),
                groups(t.excludeGroups(), "targets.exclude_groups", problems), hostIds(t.excludeHosts(), "targets.exclude_hosts", problems));
        PolicyDocument.Remediation r = doc.remediation();
        if (r != null && r.installProfile() != null && !catalog.profileExists(r.installProfile())) {
            problems.add(new Problem("remediation.install_profile", "no profile " + r.installProfile() + " is stored (upload it first)"));
        }
        if (r != null && r.command() != null) {
            HostCommands.problem(JSON.valueToTree(r.command())).ifPresent(p -> problems.add(new Problem("remediation.command", p)));
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        return new Valid(doc, targets);
    }

    private Set<String> groups(List<String> names, String path, List<Problem> problems) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (catalog.groupExists(name)) {
                out.add(name);
            } else {
                problems.add(new Problem(path + "[" + i + "]", "unknown group " + name));
            }
        }
        return out;
    }

    private Set<Long> hostIds(List<String> refs, String path, List<Problem> problems) {
        Set<Long> out = new LinkedHashSet<>();
        for (int i = 0; i < refs.size(); i++) {
            Optional<HostRecord> host = hosts.resolve(refs.get(i));
            if (host.isPresent()) {
                out.add(host.get().id());
            } else {
                problems.add(new Problem(path + "[" + i + "]", "unknown host " + refs.get(i)));
            }
        }
        return out;
    }
}

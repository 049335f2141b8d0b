package dev.jmdm.cli.gitops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.jmdm.policies.PolicyDocument;
import dev.jmdm.policies.PolicyParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code policies} list of a folder file: documents by path or inline, secrets substituted in their string
 * values, checked with the server's own policy parser; problems (with the policy file's lines) and references go
 * to the {@link FolderReader} that reads the rest.
 */
final class PolicyEntries {
    private final FolderReader folder;
    private final Secrets secrets;

    PolicyEntries(FolderReader folder, Secrets secrets) {
        this.folder = folder;
        this.secrets = secrets;
    }

    void read(String file, Yaml.Located doc, JsonNode list, List<Desired.Policy> out) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            folder.problem(file, doc, "/policies", "policies must be a list of {path} or inline policy documents");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "/policies/" + i;
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                folder.problem(file, doc, at, "a policy is {path: FILE} or a policy document");
                continue;
            }
            String policyFile = file;
            Yaml.Located policyDoc = doc;
            String base = at;
            JsonNode document = p;
            if (p.has("path")) {
                folder.unknownKeys(file, doc, at, p, Set.of("path"));
                String rel = p.path("path").asText();
                Path f = folder.inside(file, doc, at + "/path", rel);
                if (f == null) {
                    continue;
                }
                policyDoc = folder.parse(rel, f);
                if (policyDoc == null) {
                    continue;
                }
                policyFile = rel;
                base = "";
                document = policyDoc.tree();
            }
            Set<String> used = new LinkedHashSet<>();
            List<Secrets.Missing> missing = new ArrayList<>();
            JsonNode substituted = substituteValues(document == null ? null : document.deepCopy(), used, missing);
            for (Secrets.Missing m : missing) {
                folder.problems.add(new Desired.Problem(policyFile, policyDoc.line(base), "the environment variable " + m.name() + " is not set"));
            }
            Object root = substituted == null ? null : Yaml.MAPPER.convertValue(substituted, Object.class);
            PolicyParser.Parsed parsed = PolicyParser.parse(root);
            if (!parsed.valid()) {
                for (dev.jmdm.policies.Problem pr : parsed.problems()) {
                    String ptr = base + Yaml.pointerOf(pr.path());
                    folder.problems.add(new Desired.Problem(policyFile, policyDoc.line(ptr),
                            secrets.mask(pr.path() + ": " + pr.message(), used)));
                }
                continue;
            }
            if (!missing.isEmpty()) {
                continue;
            }
            PolicyDocument d = parsed.document();
            PolicyDocument.Targets t = d.targets();
            Desired.Targets targets = new Desired.Targets(t.all(), t.groups(), t.hosts(), t.excludeGroups(), t.excludeHosts());
            String install = d.remediation() == null ? null : d.remediation().installProfile();
            int line = policyDoc.line(base);
            out.add(new Desired.Policy(d.name(), substituted, targets, install, used, new Desired.Source(policyFile, line)));
            folder.addTargetRefs(targets, policyFile, policyDoc.line(base + "/targets"));
            if (install != null) {
                folder.refs.add(new FolderReader.Ref("profile", install, policyFile, policyDoc.line(base + "/remediation/install_profile")));
            }
        }
    }

    /** $ENV{NAME} in every string value of a policy (not in its text, so a value with quotes keeps the YAML valid). */
    private JsonNode substituteValues(JsonNode n, Set<String> used, List<Secrets.Missing> missing) {
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            Secrets.Result r = secrets.substitute(n.asText());
            used.addAll(r.used());
            missing.addAll(r.missing());
            return TextNode.valueOf(r.text());
        }
        if (n.isObject()) {
            ObjectNode o = (ObjectNode) n;
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(substituteValues(e.getValue(), used, missing));
            }
            return o;
        }
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) n).set(i, substituteValues(n.get(i), used, missing));
            }
        }
        return n;
    }
}

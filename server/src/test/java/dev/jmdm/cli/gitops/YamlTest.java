package dev.jmdm.cli.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Lines of values in block and flow YAML, so a folder's problems point at the right line. */
class YamlTest {
    @Test
    void everyValueKnowsItsLine() throws Exception {
        Yaml.Located doc = Yaml.read("""
                # a comment
                groups:
                  - name: lab
                    hosts: [A, B]
                  - name: office
                    hosts:
                      - C
                profiles:
                  - path: p.mobileconfig
                    targets: {groups: [lab], exclude_hosts: []}
                """);
        assertThat(doc.line("/groups")).isEqualTo(2);
        assertThat(doc.line("/groups/0")).isEqualTo(3);
        assertThat(doc.line("/groups/0/hosts/1")).isEqualTo(4);
        assertThat(doc.line("/groups/1/name")).isEqualTo(5);
        assertThat(doc.line("/groups/1/hosts/0")).isEqualTo(7);
        assertThat(doc.line("/profiles/0/targets/groups/0")).isEqualTo(10);
        // A pointer with no value of its own takes its nearest parent's line.
        assertThat(doc.line("/profiles/0/targets/all")).isEqualTo(10);
        assertThat(doc.line("/profiles/3")).isEqualTo(8);
    }

    @Test
    void policyProblemPathsBecomePointers() {
        assertThat(Yaml.pointerOf("check.all[2].gte")).isEqualTo("/check/all/2/gte");
        assertThat(Yaml.pointerOf("$")).isEmpty();
        assertThat(Yaml.pointerOf("targets.groups[0]")).isEqualTo("/targets/groups/0");
    }

    @Test
    void aSyntaxErrorNamesItsLine() {
        assertThatThrownBy(() -> Yaml.read("groups:\n  - name: a\n   bad: [\n"))
                .isInstanceOfSatisfying(Yaml.SyntaxError.class, e -> assertThat(e.line).isBetween(2, 4));
    }
}

package dev.jmdm.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyValidationTest {
    static List<String> problems(String yaml) {
        PolicyParser.Parsed p = PolicyParser.parse(Yaml.read(yaml));
        assertThat(p.document()).isNull();
        return p.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void aFullDocumentParses() {
        PolicyDocument d = Yaml.policy("""
                name: filevault-on
                description: Disks are encrypted
                platforms: [macOS]
                severity: high
                targets: {groups: [office], exclude_hosts: [C02XK1ABCDEF, 42]}
                check: {fact: security.filevault_enabled, eq: true}
                remediation: {install_profile: com.example.filevault, cooldown: 2h}
                """);
        assertThat(d.name()).isEqualTo("filevault-on");
        assertThat(d.platforms()).containsExactly("macos");
        assertThat(d.severity()).isEqualTo(PolicyDocument.Severity.HIGH);
        assertThat(d.targets().all()).isFalse();
        assertThat(d.targets().groups()).containsExactly("office");
        assertThat(d.targets().excludeHosts()).containsExactly("C02XK1ABCDEF", "42");
        assertThat(d.remediation().installProfile()).isEqualTo("com.example.filevault");
        assertThat(d.remediation().cooldown()).isEqualTo(Duration.ofHours(2));
        assertThat(d.remediationEnabled()).isTrue();
        assertThat(d.appliesToPlatform("macos")).isTrue();
        assertThat(d.appliesToPlatform("ios")).isFalse();
    }

    @Test
    void defaults() {
        PolicyDocument d = Yaml.policy("name: x\ncheck: {fact: host.enrolled, eq: true}\nremediation: {refetch: true}");
        assertThat(d.targets()).isEqualTo(PolicyDocument.Targets.ALL);
        assertThat(d.severity()).isEqualTo(PolicyDocument.Severity.MEDIUM);
        assertThat(d.remediation().cooldown()).isEqualTo(Duration.ofHours(1));
        assertThat(d.platforms()).isEmpty();
    }

    @Test
    void everyProblemIsListedWithItsPath() {
        List<String> p = problems("""
                name: "bad name/with slash"
                severity: urgent
                platforms: [macos, amiga]
                colour: blue
                check:
                  all:
                    - {fact: device.os_version, gte: '15.2'}
                    - {fact: device.os_version, lt: banana}
                    - {fact: device.os_version, gte: 15.10}
                    - {fact: device.cpu_temperature, gt: 3}
                    - {fact: security.filevault_enabled, gt: true}
                    - {fact: device.model, eq: x, ne: y}
                    - {fact: device.model, like: x}
                    - {fact: device.model, matches: '(a+)+$'}
                    - {app: {identifier: com.x, present: maybe}}
                    - {profile: {identifier: com.y, status: installed}}
                    - {some: thing}
                    - {fact: host.last_seen_at, gt: yesterday}
                remediation: {install_profile: a, refetch: true, cooldown: 5y}
                """);
        assertThat(p).contains(
                "name: required: 1 to 127 letters, digits, '.', '_' or '-', starting with a letter or digit",
                "severity: low, medium or high",
                "$.colour: unknown key; allowed: name, description, platforms, targets, check, remediation, remediation_enabled, severity",
                "check.all[1].lt: not a version (dotted numbers such as 15.2 or 17.4.1)",
                "check.all[4].gt: gt does not apply to security.filevault_enabled (boolean)",
                "check.all[5]: a comparison has exactly one operator (eq, ne, lt, lte, gt, gte, in, contains, exists, matches); found eq, ne",
                "check.all[6].like: unknown operator; use eq, ne, lt, lte, gt, gte, in, contains, exists or matches",
                "check.all[8].app.present: true or false",
                "check.all[9].profile.status: one of verified, verifying, pending, failed, absent",
                "check.all[10].some: unknown rule; use all, any, not, fact, app or profile",
                "check.all[11].gt: not a date (ISO-8601: 2026-01-31 or 2026-01-31T12:00:00Z)",
                "remediation: exactly one of install_profile, command, refetch",
                "remediation.cooldown: a duration from 1m to 30d (90s, 15m, 1h, 2d)");
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("platforms[1]: unknown platform amiga"));
        // YAML reads 15.10 as 15.1: refused rather than silently meaning another version
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("check.all[2].gte: not a version: write it as a string ('15.1')"));
        // an unknown fact lists the known ones
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("check.all[3].fact: unknown fact device.cpu_temperature; known facts: device.os_version,")
                .contains("security.filevault_enabled", "host.last_seen_age_hours"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("check.all[7].matches: a repeated group"));
        assertThat(p).hasSize(17);
    }

    @Test
    void missingCheckAndNonMapDocuments() {
        assertThat(problems("name: x")).containsExactly("check: required: the rule hosts must pass");
        assertThat(problems("- a\n- b")).singleElement().asString().startsWith("$: a policy document is a map");
        assertThat(problems("name: x\ncheck: {all: []}")).containsExactly("check.all: a non-empty list of rules");
        assertThat(problems("name: x\ncheck: {fact: host.platform, in: []}")).containsExactly("check.in: a list of 1 to 1000 values");
    }

    @Test
    void deepOrHugeChecksAreRefused() {
        String deep = "{not: ".repeat(20) + "{fact: host.enrolled, eq: true}" + "}".repeat(20);
        assertThat(problems("name: x\ncheck: " + deep)).anySatisfy(s -> assertThat(s).contains("nest deeper than 16"));
        String many = "{any: [" + String.join(", ", java.util.Collections.nCopies(600, "{fact: host.enrolled, eq: true}")) + "]}";
        assertThat(problems("name: x\ncheck: " + many)).containsExactly("check.any[499]: a check has at most 500 rules");
    }

    @Test
    void runawayRegularExpressionsAreRefused() {
        for (String re : List.of("(a+)+$", "(a*)*", "(a|aa)+", "(x+x+)+y", "(\\w+\\s?)*$", "(a)\\1", "(?=a)b", "(?:a{1,5})+", "x".repeat(300))) {
            assertThat(BoundedRegex.problem(re)).as(re).isPresent();
        }
        for (String re : List.of("^15\\.", "^(Mac|iPad)[0-9]+,[0-9]+$", "[a-z]+-[0-9]*", "(ab)?c+", "(?:abc){2}", "a{1,3}b", "\\(a+\\)+")) {
            assertThat(BoundedRegex.problem(re)).as(re).isEmpty();
        }
    }

    @Test
    void theDocumentedFactsAreTheCatalog() throws Exception {
        java.nio.file.Path doc = java.nio.file.Path.of("..", "docs", "policies.md");
        String text = java.nio.file.Files.readString(doc);
        for (FactCatalog.Fact f : FactCatalog.all()) {
            assertThat(text).as("docs/policies.md documents " + f.name()).contains("`" + f.name() + "`");
        }
    }
}

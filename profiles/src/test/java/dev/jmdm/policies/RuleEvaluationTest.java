package dev.jmdm.policies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleEvaluationTest {
    static final Map<String, Object> MAC = new HashMap<>();

    static {
        MAC.put("device.os_version", "15.10");
        MAC.put("device.build_version", "24F74");
        MAC.put("device.model", "Mac14,2");
        MAC.put("device.available_capacity_gb", 120.5);
        MAC.put("security.filevault_enabled", false);
        MAC.put("security.firewall_enabled", true);
        MAC.put("host.platform", "macos");
        MAC.put("host.last_seen_at", java.time.Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());
        MAC.put("host.last_seen_age_hours", 3.5);
    }

    static final Facts FACTS = Facts.of(MAC, Map.of("com.google.Chrome", "125.0.6422.142", "org.example.Old", "1.2 (45)"),
            Map.of("com.example.wifi", "verified", "com.example.vpn", "pending"));

    /** The result, checked to be the same through the fast path sweeps use. */
    static Result eval(String rule) {
        Rule r = Yaml.rule(rule);
        Result full = r.evaluate(FACTS).result();
        assertThat(r.test(FACTS)).as("test() agrees with evaluate() on " + rule).isEqualTo(full);
        return full;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{fact: device.os_version, eq: '15.10'}                | PASS",
        "{fact: device.os_version, eq: '15.10.0'}              | PASS",
        "{fact: device.os_version, ne: '15.1'}                 | PASS",
        // dotted versions compare part by part: 15.10 is after 15.9
        "{fact: device.os_version, gt: '15.9'}                 | PASS",
        "{fact: device.os_version, gte: '15.10'}               | PASS",
        "{fact: device.os_version, lt: '15.9'}                 | FAIL",
        "{fact: device.os_version, lte: '15.2'}                | FAIL",
        "{fact: device.os_version, gte: 15}                    | PASS",
        "{fact: device.os_version, lt: 16}                     | PASS",
        "{fact: device.available_capacity_gb, gt: 100}         | PASS",
        "{fact: device.available_capacity_gb, lt: 120.5}       | FAIL",
        "{fact: device.available_capacity_gb, lte: 120.5}      | PASS",
        "{fact: device.available_capacity_gb, gte: 200}        | FAIL",
        "{fact: security.filevault_enabled, eq: true}          | FAIL",
        "{fact: security.filevault_enabled, ne: true}          | PASS",
        "{fact: security.firewall_enabled, eq: true}           | PASS",
        "{fact: host.platform, in: [ios, macos]}               | PASS",
        "{fact: host.platform, in: [ios, ipados]}              | FAIL",
        "{fact: device.os_version, in: ['14.7', '15.10']}      | PASS",
        "{fact: device.model, contains: 'Mac14'}               | PASS",
        "{fact: device.model, contains: 'iPhone'}              | FAIL",
        "{fact: device.build_version, matches: '^24[A-Z]'}     | PASS",
        "{fact: device.build_version, matches: '^23'}          | FAIL",
        "{fact: device.os_version, exists: true}               | PASS",
        "{fact: device.supervised, exists: false}              | PASS",
        "{fact: device.supervised, exists: true}               | FAIL",
        "{fact: host.last_seen_at, gt: '2026-11-30'}           | PASS",
        "{fact: host.last_seen_at, lt: '2026-12-01T09:00:00Z'} | FAIL",
        "{fact: host.last_seen_age_hours, lte: 24}             | PASS",
    })
    void everyOperator(String rule, Result expected) {
        assertThat(eval(rule)).as(rule).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // a missing fact is unknown, whatever the operator, except exists
        "{fact: device.supervised, eq: true}                                                       | UNKNOWN",
        "{fact: security.sip_enabled, ne: false}                                                   | UNKNOWN",
        "{fact: security.passcode_present, in: [true]}                                             | UNKNOWN",
        // all: a failure decides; else an unknown
        "{all: [{fact: device.supervised, eq: true}, {fact: security.filevault_enabled, eq: true}]} | FAIL",
        "{all: [{fact: device.supervised, eq: true}, {fact: security.firewall_enabled, eq: true}]}  | UNKNOWN",
        "{all: [{fact: host.platform, eq: macos}, {fact: security.firewall_enabled, eq: true}]}     | PASS",
        // any: a pass decides; else an unknown
        "{any: [{fact: device.supervised, eq: true}, {fact: security.firewall_enabled, eq: true}]}  | PASS",
        "{any: [{fact: device.supervised, eq: true}, {fact: security.filevault_enabled, eq: true}]} | UNKNOWN",
        "{any: [{fact: host.platform, eq: ios}, {fact: security.filevault_enabled, eq: true}]}      | FAIL",
        "{not: {fact: security.filevault_enabled, eq: true}}                                        | PASS",
        "{not: {fact: device.supervised, eq: true}}                                                 | UNKNOWN",
    })
    void threeValuedLogic(String rule, Result expected) {
        assertThat(eval(rule)).as(rule).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{app: {identifier: com.google.Chrome}}                         | PASS",
        "{app: {identifier: com.google.Chrome, min_version: '125.1'}}    | FAIL",
        "{app: {identifier: com.google.Chrome, min_version: '124'}}      | PASS",
        "{app: {identifier: org.example.Old, min_version: '1.2'}}        | PASS",
        "{app: {identifier: org.example.Missing}}                       | FAIL",
        "{app: {identifier: com.google.Chrome, present: false}}         | FAIL",
        "{app: {identifier: org.example.Missing, present: false}}       | PASS",
        "{profile: {identifier: com.example.wifi}}                      | PASS",
        "{profile: {identifier: com.example.vpn, status: verified}}     | FAIL",
        "{profile: {identifier: com.example.vpn, status: pending}}      | PASS",
        "{profile: {identifier: com.example.none}}                      | FAIL",
        "{profile: {identifier: com.example.none, status: absent}}      | PASS",
    })
    void appsAndProfiles(String rule, Result expected) {
        assertThat(eval(rule)).as(rule).isEqualTo(expected);
    }

    @Test
    void appChecksAreUnknownUntilAnAppListArrived() {
        Facts noApps = Facts.of(MAC, null, Map.of());
        assertThat(Yaml.rule("{app: {identifier: com.google.Chrome, present: false}}").evaluate(noApps).result()).isEqualTo(Result.UNKNOWN);
    }

    @Test
    void aVerdictNamesTheFactsThatDecidedIt() {
        Verdict v = Yaml.rule("{all: [{fact: host.platform, eq: macos}, {fact: security.filevault_enabled, eq: true}]}").evaluate(FACTS);
        assertThat(v.result()).isEqualTo(Result.FAIL);
        assertThat(v.facts()).containsOnlyKeys("security.filevault_enabled").containsEntry("security.filevault_enabled", false);
        assertThat(v.reason()).isEqualTo("security.filevault_enabled = false, wanted eq true");

        Verdict unknown = Yaml.rule("{fact: device.supervised, eq: true}").evaluate(FACTS);
        assertThat(unknown.reason()).isEqualTo("device.supervised is not known");
    }

    @Test
    void aFactOfTheWrongShapeIsUnknownNotAGuess() {
        Facts odd = Facts.of(Map.of("device.os_version", "beta", "device.available_capacity_gb", "lots"), Map.of(), Map.of());
        assertThat(Yaml.rule("{fact: device.os_version, gte: '15'}").evaluate(odd).result()).isEqualTo(Result.UNKNOWN);
        assertThat(Yaml.rule("{fact: device.available_capacity_gb, gt: 1}").evaluate(odd).result()).isEqualTo(Result.UNKNOWN);
    }

    @Test
    void versionsCompareNumerically() {
        assertThat(Versions.compare("15.10", "15.9")).isPositive();
        assertThat(Versions.compare("15", "15.0.0")).isZero();
        assertThat(Versions.compare("17.4.1", "17.4")).isPositive();
        assertThat(Versions.compare("9.9", "10")).isNegative();
    }

    @Test
    void aRunawayInputEndsAsUnknown() {
        // A pattern the shape check lets through still cannot run long: a huge input is cut and reads are budgeted.
        Facts huge = Facts.of(Map.of("device.device_name", "a".repeat(100_000)), Map.of(), Map.of());
        Verdict v = Yaml.rule("{fact: device.device_name, matches: 'a*a*a*a*a*a*b'}").evaluate(huge);
        assertThat(v.result()).isEqualTo(Result.UNKNOWN);
        assertThat(v.reason()).contains("budget");
    }
}

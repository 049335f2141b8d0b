package dev.jmdm.server.policies;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.jmdm.policies.PolicyParser;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.testing.ManualClock;
import dev.jmdm.server.testing.TestDatabases.Engine;
import dev.jmdm.server.testing.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The evaluator against a real database on both engines: results, transitions and events as facts
 * change, and the remediation rules (once when a host turns failing, a cooldown, never a loop, an
 * ineffective remediation reported once), with a clock the test moves.
 */
class PolicyEvaluatorTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Targets ALL = new Targets(true, Set.of(), Set.of(), Set.of(), Set.of());

    /** A database with one macOS host (id 1), a store, an evaluator whose remediations are recorded. */
    static final class Bed implements AutoCloseable {
        final String url;
        final Database db;
        final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
        final PolicyStore store;
        final List<String> remediated = new ArrayList<>();
        final PolicyEvaluator evaluator;
        final Reports reports;

        Bed(Engine engine) {
            url = TestDatabases.freshUrl(engine);
            db = Database.open(url, 2);
            store = new PolicyStore(db.jdbi(), clock);
            reports = new Reports(db.jdbi(), clock, store, new HostFactsReader(clock));
            evaluator = new PolicyEvaluator(store, new ResultStore(db.jdbi(), clock), new HostFactsReader(clock),
                    (policy, r, host) -> {
                        remediated.add(policy + "@" + host);
                        return "ok";
                    }, clock);
            db.jdbi().useHandle(h -> h.execute("""
                    INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at)
                    VALUES (1, 'U1', 'S1', 'U1', 'macos', 1, 1, 1)"""));
        }

        void fileVault(boolean on) {
            String facts = "{\"filevault\":{\"enabled\":" + on + "}}";
            db.jdbi().useHandle(h -> {
                h.createUpdate("DELETE FROM host_inventory WHERE host_id = 1 AND source = 'security'").execute();
                h.createUpdate("INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (1, 'security', :f, 1)")
                        .bind("f", facts).execute();
            });
        }

        StoredPolicy save(String yaml) throws Exception {
            PolicyParser.Parsed p = PolicyParser.parse(YAML.readValue(yaml, Object.class));
            assertThat(p.problems()).isEmpty();
            return store.save(p.document(), ALL, "test", true);
        }

        String result(String policy) {
            ResultRow e = entry(policy, 1);
            return e == null ? "none" : e.result();
        }

        /** The host's stored entry for the policy, null if none. */
        ResultRow entry(String policy, long hostId) {
            int id = store.find(policy).orElseThrow().id();
            return db.jdbi().withHandle(h -> HostResults.range(h, hostId, hostId, 1, i -> i == id)).stream()
                    .map(r -> r.entries().get(id)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }

        Views.Counts counts(String policy) {
            return reports.counts().get(policy);
        }

        List<String> events(String policy) {
            List<String> kinds = new ArrayList<>();
            reports.events(null, null, policy, Long.MAX_VALUE, 1000).forEach(e -> kinds.add(0, e.kind()));
            return kinds;
        }

        @Override
        public void close() {
            db.close();
            TestDatabases.drop(url);
        }
    }

    static final String FILEVAULT = """
            name: fv
            check: {fact: security.filevault_enabled, eq: true}
            remediation: {refetch: true, cooldown: 1h}
            """;

    @ParameterizedTest
    @EnumSource(Engine.class)
    void remediationRunsOnceWhenAHostTurnsFailingAndAnIneffectiveOneIsReportedNotRepeated(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.save(FILEVAULT);
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1);
            assertThat(bed.result("fv")).isEqualTo("fail");
            assertThat(bed.remediated).containsExactly("fv@1");

            // New facts, still failing, within and after the cooldown: not run again, reported once.
            bed.evaluator.evaluateHost(1);
            bed.clock.advance(Duration.ofMinutes(59));
            bed.evaluator.evaluateHost(1);
            assertThat(bed.events("fv")).containsExactly("policy.fail", "remediation.run");
            bed.clock.advance(Duration.ofMinutes(2));
            bed.evaluator.evaluateHost(1);
            bed.clock.advance(Duration.ofHours(5));
            bed.evaluator.evaluateHost(1);
            assertThat(bed.remediated).containsExactly("fv@1");
            assertThat(bed.events("fv")).containsExactly("policy.fail", "remediation.run", "remediation.ineffective");

            // Passing clears it; turning failing again after the cooldown runs it again.
            bed.fileVault(true);
            bed.evaluator.evaluateHost(1);
            assertThat(bed.result("fv")).isEqualTo("pass");
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1);
            assertThat(bed.remediated).containsExactly("fv@1", "fv@1");

            // Within the cooldown of that run, a host that passes and fails again is not remediated.
            bed.fileVault(true);
            bed.evaluator.evaluateHost(1);
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1);
            assertThat(bed.remediated).hasSize(2);
            assertThat(bed.events("fv")).containsExactly("policy.fail", "remediation.run", "remediation.ineffective",
                    "policy.pass", "policy.fail", "remediation.run", "policy.pass", "policy.fail");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void missingFactsAreUnknownReportOnlyNeverActsAndAHostOutOfScopeLosesItsResult(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.save(FILEVAULT + "remediation_enabled: false\n");
            bed.evaluator.evaluateHost(1);
            assertThat(bed.result("fv")).isEqualTo("unknown");
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1);
            assertThat(bed.result("fv")).isEqualTo("fail");
            assertThat(bed.remediated).isEmpty();
            assertThat(bed.events("fv")).containsExactly("policy.unknown", "policy.fail");

            // Edited to iPhones only: the full evaluation drops the Mac's result.
            StoredPolicy ios = bed.save(FILEVAULT.replace("name: fv", "name: fv\nplatforms: [ios]"));
            assertThat(bed.evaluator.evaluatePolicy(ios)).isEqualTo(1);
            assertThat(bed.result("fv")).isEqualTo("none");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSweepWritesOnlyChangedResultsWithTheirEvents(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            StoredPolicy p = bed.save("name: os\ncheck: {fact: security.filevault_enabled, exists: true}\n");
            bed.evaluator.evaluateAll(List.of(p));
            assertThat(bed.result("os")).isEqualTo("fail");
            bed.evaluator.evaluateAll(List.of(p));
            // A sweep's first results are those a policy-wide evaluation would have made: no event per host.
            assertThat(bed.events("os")).isEmpty();
            bed.fileVault(true);
            bed.evaluator.evaluateAll(List.of(p));
            assertThat(bed.result("os")).isEqualTo("pass");
            assertThat(bed.events("os")).containsExactly("policy.pass");
        }
    }

    List<String> transitions(Bed bed, String policy) {
        return bed.db.jdbi().withHandle(h -> h.createQuery(
                "SELECT CONCAT(COALESCE(from_result, '-'), '>', to_result) FROM policy_transitions WHERE policy = :p ORDER BY id")
                .bind("p", policy).mapTo(String.class).list());
    }

    /**
     * Only changes are transitions: first results live in the host's entry (first result and time), with no
     * transition row. A policy-wide evaluation writes one policy.evaluated event, not one per host; evaluating one
     * host writes its per-host event for a first fail or unknown. Remediation runs on a first fail in both.
     */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void firstResultsLiveInTheEntryAPolicyWideEvaluationWritesOneEventAndAFirstFailIsRemediated(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.db.jdbi().useHandle(h -> h.execute("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, "
                    + "created_at, updated_at) VALUES (2, 'U2', 'S2', 'U2', 'macos', 1, 1, 1)"));
            bed.fileVault(true); // host 1 passes, host 2 (no SecurityInfo) is unknown
            StoredPolicy p = bed.save(FILEVAULT);
            assertThat(bed.evaluator.evaluatePolicy(p)).isEqualTo(2);
            assertThat(bed.result("fv")).isEqualTo("pass");
            assertThat(bed.entry("fv", 1).since()).isEqualTo(bed.clock.millis());
            assertThat(bed.entry("fv", 2)).isEqualTo(ResultRow.first(p.id(), "unknown", bed.clock.millis(), null, null));
            assertThat(transitions(bed, "fv")).isEmpty();
            assertThat(bed.events("fv")).containsExactly("policy.evaluated");
            Views.Event evaluated = bed.reports.events("policy.evaluated", null, "fv", Long.MAX_VALUE, 1).get(0);
            assertThat(evaluated.detail()).containsEntry("hosts", 2).containsEntry("passing", 1).containsEntry("unknown", 1)
                    .containsEntry("failing", 0);
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(1, 0, 1));

            // Its first change is stored as usual, from pass, and keeps the first result in the entry.
            long first = bed.clock.millis();
            bed.clock.advance(Duration.ofMinutes(5));
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1);
            assertThat(transitions(bed, "fv")).containsExactly("pass>fail");
            assertThat(bed.entry("fv", 1)).extracting(ResultRow::firstResult, ResultRow::firstAt, ResultRow::since)
                    .containsExactly("pass", first, bed.clock.millis());
            assertThat(bed.events("fv")).containsExactly("policy.evaluated", "policy.fail", "remediation.run");
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(0, 1, 1));

            // A new policy failing on host 1: no per-host event, but the first fail is remediated.
            StoredPolicy other = bed.save(FILEVAULT.replace("name: fv", "name: fv2"));
            bed.evaluator.evaluatePolicy(other);
            assertThat(transitions(bed, "fv2")).isEmpty();
            assertThat(bed.events("fv2")).containsExactly("remediation.run", "policy.evaluated");
            assertThat(bed.remediated).containsExactly("fv@1", "fv2@1");

            // A host evaluated on its own writes its event for a first fail (a newly enrolled Mac without FileVault).
            bed.db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) "
                        + "VALUES (3, 'U3', 'S3', 'U3', 'macos', 1, 1, 1)");
                h.execute("INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (3, 'security', '{\"filevault\":{\"enabled\":false}}', 1)");
            });
            bed.evaluator.evaluateHost(3);
            assertThat(bed.events("fv2")).containsExactly("remediation.run", "policy.evaluated", "policy.fail", "remediation.run");
            assertThat(transitions(bed, "fv2")).isEmpty();
            assertThat(bed.remediated).containsExactly("fv@1", "fv2@1", "fv@3", "fv2@3");
        }
    }

    /** Deleting a policy rewrites no host row; its entries are ignored, and a policy created again under its name starts anew. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDeletedPolicysEntriesAreIgnoredAndDroppedAndItsNameGetsANewNumber(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.fileVault(false);
            StoredPolicy p = bed.save(FILEVAULT + "remediation_enabled: false\n");
            StoredPolicy keep = bed.save("name: mac\ncheck: {fact: host.platform, eq: macos}\n");
            bed.evaluator.evaluateHost(1);
            assertThat(bed.store.delete("fv")).isTrue();
            PolicyCounts.recount(bed.db.jdbi());
            assertThat(bed.reports.overall()).isEqualTo(new Views.Counts(1, 0, 0));
            bed.fileVault(true);
            StoredPolicy again = bed.save(FILEVAULT + "remediation_enabled: false\n");
            assertThat(again.id()).isNotEqualTo(p.id());
            assertThat(bed.result("fv")).isEqualTo("none");
            bed.evaluator.evaluateHost(1);
            assertThat(bed.entry("fv", 1)).extracting(ResultRow::result, ResultRow::firstResult).containsExactly("pass", "pass");
            byte[] row = bed.db.jdbi().withHandle(h -> h.createQuery("SELECT results FROM host_policy_results WHERE host_id = 1")
                    .mapTo(byte[].class).one());
            assertThat(PackedResults.decode(row, i -> true).keySet()).containsExactlyInAnyOrder(keep.id(), again.id());
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(1, 0, 0));
        }
    }

    /** Forgetting a host and merging two hosts leave the counts as a recount finds them. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void forgettingAndMergingHostsKeepTheCountsExact(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            dev.jmdm.server.storage.HostStore hosts = new dev.jmdm.server.storage.HostStore(bed.db.jdbi(), bed.clock);
            PolicyCounts.followHosts(hosts);
            bed.db.jdbi().useHandle(h -> {
                for (int id = 2; id <= 4; id++) {
                    h.execute("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) "
                            + "VALUES (" + id + ", 'U" + id + "', " + (id == 4 ? "NULL" : "'S" + id + "'") + ", 'U" + id + "', 'macos', 1, 1, 1)");
                }
                h.execute("INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (2, 'security', '{\"filevault\":{\"enabled\":true}}', 1)");
                h.execute("INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (4, 'security', '{\"filevault\":{\"enabled\":false}}', 1)");
            });
            StoredPolicy p = bed.save(FILEVAULT + "remediation_enabled: false\n");
            bed.evaluator.evaluatePolicy(p); // 1, 3 unknown; 2 pass; 4 fail
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(1, 1, 2));
            hosts.forget(3);
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(1, 1, 1));
            // Host 4 reports host 2's serial: they merge into host 2, whose row host 4's replaces.
            assertThat(hosts.reportSerial(4, "S2")).isEqualTo(2);
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(0, 1, 1));
            assertThat(bed.reports.overall()).isEqualTo(new Views.Counts(0, 1, 1));
            PolicyCounts.recount(bed.db.jdbi());
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(0, 1, 1));
            assertThat(bed.reports.overall()).isEqualTo(new Views.Counts(0, 1, 1));
        }
    }

    /** The upgrade: rows of policy_results (before V30) become packed entries once, keeping since and the remediation state. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void resultsStoredPerPolicyAndHostBeforeV30AreConvertedOnceKeepingSinceAndRemediation(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            StoredPolicy fv = bed.save(FILEVAULT);
            bed.db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) "
                        + "VALUES (2, 'U2', 'S2', 'U2', 'macos', 1, 1, 1)");
                // Host 1 failed first at 1000 (a transition from nothing), was remediated at 1000, still fails; host 2 passes since 500.
                h.execute("INSERT INTO policy_results (policy, host_id, result, since, reason, facts, evaluated_at, remediated_at, "
                        + "remediation_state, seq) VALUES ('fv', 1, 'fail', 1000, 'r', '{}', 3000, 1000, 'ran', 1)");
                h.execute("INSERT INTO policy_results (policy, host_id, result, since, reason, facts, evaluated_at, remediated_at, "
                        + "remediation_state, seq) VALUES ('fv', 2, 'pass', 500, 'r', '{}', 500, NULL, NULL, 1)");
                h.execute("INSERT INTO policy_results (policy, host_id, result, since, reason, facts, evaluated_at, remediated_at, "
                        + "remediation_state, seq) VALUES ('gone', 2, 'fail', 500, 'r', '{}', 500, NULL, NULL, 1)");
                h.execute("INSERT INTO policy_transitions (policy, host_id, from_result, to_result, reason, facts, at) "
                        + "VALUES ('fv', 1, NULL, 'fail', 'r', '{}', 1000)");
            });
            assertThat(new ResultConversion(bed.db.jdbi()).run()).isEqualTo(2);
            assertThat(new ResultConversion(bed.db.jdbi()).run()).isZero();
            assertThat(bed.entry("fv", 1)).isEqualTo(new ResultRow(fv.id(), "fail", 1000, "fail", 1000, "ran", 1000L));
            assertThat(bed.entry("fv", 2)).isEqualTo(ResultRow.first(fv.id(), "pass", 500, null, null));
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts(1, 1, 0));
            int left = bed.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM policy_results").mapTo(Integer.class).one());
            assertThat(left).isZero();
            // Still failing within the cooldown: the converted remediation state holds, nothing runs again.
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1);
            assertThat(bed.remediated).isEmpty();
        }
    }

    /** Many hosts at once: the multi-row writes of a full evaluation, then a sweep that finds nothing changed. */
    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFullEvaluationOfManyHostsStoresEveryResultOnceAndASweepAfterItWritesNothing(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            int hosts = PolicyEvaluator.BATCH + ResultStore.ROWS_PER_INSERT + 7; // two batches, several statements each
            bed.db.jdbi().useTransaction(h -> {
                var b = h.prepareBatch("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) "
                        + "VALUES (:id, :u, :u, :u, 'macos', 1, 1, 1)");
                var inv = h.prepareBatch("INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (:id, 'security', :f, 1)");
                for (long id = 2; id <= hosts; id++) {
                    b.bind("id", id).bind("u", "U" + id).add();
                    inv.bind("id", id).bind("f", "{\"filevault\":{\"enabled\":" + (id % 3 == 0) + "}}").add();
                }
                b.execute();
                inv.execute();
            });
            StoredPolicy p = bed.save(FILEVAULT + "remediation_enabled: false\n");
            assertThat(bed.evaluator.evaluatePolicy(p)).isEqualTo(hosts);
            long failing = java.util.stream.LongStream.rangeClosed(2, hosts).filter(id -> id % 3 != 0).count() + 1; // host 1: unknown
            long stored = bed.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM host_policy_results").mapTo(Long.class).one());
            assertThat(stored).isEqualTo(hosts);
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts((int) (hosts - failing), (int) failing - 1, 1));
            assertThat(transitions(bed, "fv")).isEmpty();
            assertThat(bed.events("fv")).containsExactly("policy.evaluated");
            bed.evaluator.evaluateAll(List.of(p));
            assertThat(transitions(bed, "fv")).isEmpty();
            long rewritten = bed.db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM host_policy_results WHERE seq <> 1")
                    .mapTo(Long.class).one());
            assertThat(rewritten).isZero();
            assertThat(bed.counts("fv")).isEqualTo(new Views.Counts((int) (hosts - failing), (int) failing - 1, 1));
        }
    }

    /** A second server on the same database: its own store and evaluator, reading facts through reader. */
    static PolicyEvaluator secondServer(Bed bed, HostFactsReader reader, List<String> remediated) {
        return new PolicyEvaluator(new PolicyStore(bed.db.jdbi(), bed.clock), new ResultStore(bed.db.jdbi(), bed.clock), reader,
                (policy, r, host) -> {
                    synchronized (remediated) {
                        remediated.add(policy + "@" + host);
                    }
                    return "ok";
                }, bed.clock);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void twoServersEvaluatingTheSameHostAtOnceStoreOneTransitionAndRemediateOnce(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.save(FILEVAULT);
            // Both read the host's facts and results before either writes: each would decide the same change.
            CyclicBarrier bothRead = new CyclicBarrier(2);
            HostFactsReader meetAfterReading = new HostFactsReader(bed.clock) {
                @Override
                Read read(org.jdbi.v3.core.Handle h, List<Long> hostIds, java.util.function.IntPredicate known) {
                    Read out = super.read(h, hostIds, known);
                    try {
                        bothRead.await(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the other evaluation did not read", e);
                    }
                    return out;
                }
            };
            List<String> remediated = new ArrayList<>();
            PolicyEvaluator a = secondServer(bed, meetAfterReading, remediated);
            PolicyEvaluator b = secondServer(bed, meetAfterReading, remediated);
            ExecutorService two = Executors.newFixedThreadPool(2);
            try {
                for (boolean on : new boolean[] {false, true, false, true}) {
                    bed.fileVault(on);
                    Future<?> fa = two.submit(() -> a.evaluateHost(1));
                    Future<?> fb = two.submit(() -> b.evaluateHost(1));
                    fa.get(60, TimeUnit.SECONDS);
                    fb.get(60, TimeUnit.SECONDS);
                }
            } finally {
                two.shutdownNow();
            }
            assertThat(transitions(bed, "fv")).containsExactly("fail>pass", "pass>fail", "fail>pass");
            assertThat(bed.events("fv")).containsExactly("policy.fail", "remediation.run", "policy.pass", "policy.fail", "policy.pass");
            // The second failure is within the first remediation's cooldown.
            assertThat(remediated).containsExactly("fv@1");
            assertThat(bed.result("fv")).isEqualTo("pass");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aSweepCatchesFactsThatMoveWithTime(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            long seen = bed.clock.millis();
            bed.db.jdbi().useHandle(h -> h.createUpdate("""
                    INSERT INTO enrollments (id, device_id, type, topic, push_magic, token_hex, enabled, last_seen_at, created_at, updated_at)
                    VALUES ('U1', 'U1', 'Device', 't', 'm', 'ab', TRUE, :s, :s, :s)""").bind("s", seen).execute());
            StoredPolicy p = bed.save("name: seen\ncheck: {fact: host.last_seen_age_hours, lt: 24}\n");
            bed.evaluator.evaluateAll(List.of(p));
            assertThat(bed.result("seen")).isEqualTo("pass");
            // Nothing about the host changes; a day passes.
            bed.clock.advance(Duration.ofHours(25));
            bed.evaluator.evaluateAll(List.of(p));
            assertThat(bed.result("seen")).isEqualTo("fail");
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theSummaryHistoryIsBackfilledFromTransitionsForHoursWithoutAPoint(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.clock.set(Instant.parse("2026-12-01T10:30:00Z"));
            bed.save(FILEVAULT + "remediation_enabled: false\n");
            bed.fileVault(false);
            bed.evaluator.evaluateHost(1); // 10:30 fail
            // Host 2 passes from 10:30 on: a first pass, with no transition to replay.
            bed.db.jdbi().useHandle(h -> {
                h.execute("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) "
                        + "VALUES (2, 'U2', 'S2', 'U2', 'macos', 1, 1, 1)");
                h.execute("INSERT INTO host_inventory (host_id, source, facts, collected_at) VALUES (2, 'security', '{\"filevault\":{\"enabled\":true}}', 1)");
            });
            bed.evaluator.evaluateHost(2);
            bed.clock.advance(Duration.ofHours(2)); // 12:30 pass
            bed.fileVault(true);
            bed.evaluator.evaluateHost(1);
            bed.clock.advance(Duration.ofHours(1)); // 13:30: this hour is recordHour's
            bed.reports.recordHour();
            assertThat(bed.reports.backfill()).isEqualTo(6); // 10, 11 and 12 h: the policy and overall
            assertThat(bed.reports.backfill()).isZero();
            List<Views.HistoryPoint> fv = bed.reports.history().get("fv");
            assertThat(fv).extracting(Views.HistoryPoint::hour)
                    .containsExactly("2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", "2026-12-01T12:00:00Z", "2026-12-01T13:00:00Z");
            assertThat(fv).extracting(Views.HistoryPoint::failing).containsExactly(1, 1, 0, 0);
            assertThat(fv).extracting(Views.HistoryPoint::passing).containsExactly(1, 1, 2, 2);
            assertThat(bed.reports.history().get(Reports.OVERALL)).extracting(Views.HistoryPoint::failing).containsExactly(1, 1, 0, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void theComplianceReportPagesByHostAndPolicyWithoutSkippingOrRepeatingARow(Engine engine) throws Exception {
        try (Bed bed = new Bed(engine)) {
            bed.db.jdbi().useHandle(h -> {
                for (int id : new int[] {2, 5, 9}) {
                    h.execute("INSERT INTO hosts (id, udid, serial_number, device_id, platform, enrolled_at, created_at, updated_at) "
                            + "VALUES (" + id + ", 'U" + id + "', 'S" + id + "', 'U" + id + "', 'macos', 1, 1, 1)");
                }
            });
            StoredPolicy a = bed.save("name: a\ncheck: {fact: host.platform, eq: macos}\n");
            StoredPolicy b = bed.save("name: b\ncheck: {fact: security.filevault_enabled, eq: true}\n");
            bed.evaluator.evaluateAll(List.of(a, b));
            List<String> seen = new ArrayList<>();
            long host = 0;
            String policy = "";
            for (int pages = 0; pages < 10; pages++) {
                List<Views.HostResult> page = bed.reports.compliancePage(host, policy, 3);
                page.forEach(r -> seen.add(r.hostId() + r.policy() + "=" + r.result()));
                if (page.size() < 3) {
                    break;
                }
                host = page.get(2).hostId();
                policy = page.get(2).policy();
            }
            assertThat(seen).containsExactly("1a=pass", "1b=unknown", "2a=pass", "2b=unknown", "5a=pass", "5b=unknown", "9a=pass", "9b=unknown");
            List<String> streamed = new ArrayList<>();
            bed.reports.compliance(r -> streamed.add(r.hostId() + r.policy() + "=" + r.result()));
            assertThat(streamed).isEqualTo(seen);
        }
    }
}

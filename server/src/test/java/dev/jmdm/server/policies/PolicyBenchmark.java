package dev.jmdm.server.policies;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.jmdm.policies.Facts;
import dev.jmdm.policies.PolicyDocument;
import dev.jmdm.policies.PolicyParser;
import dev.jmdm.policies.Result;
import dev.jmdm.server.storage.Database;
import dev.jmdm.server.testing.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Prints how long policy evaluation takes (docs/benchmarks.md): (1) the rule language alone, P policies
 * over H hosts' facts in memory; (2) the server's full evaluation from the database (facts read,
 * one packed row per host written, first results in it: no transition or event for them), first and again with
 * nothing changed; (3) one host's incremental evaluation after its facts changed; (4) reads: a page of
 * {@code results?result=fail} of one policy (rare and common failures), the counts, the host list's policy filter. A harness, not a test:
 * {@code java -cp … dev.jmdm.server.policies.PolicyBenchmark [hosts] [db-hosts] [policies] [embedded|mysql]}.
 */
public final class PolicyBenchmark {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String[] TEMPLATES = {
        "{fact: security.filevault_enabled, eq: true}",
        "{fact: device.os_version, gte: '15.%d'}",
        "{fact: security.firewall_enabled, eq: true}",
        "{app: {identifier: com.example.forbidden%d, present: false}}",
        "{app: {identifier: com.example.app%d, min_version: '2.%d'}}",
        "{all: [{fact: host.platform, eq: macos}, {fact: security.sip_enabled, eq: true}, {fact: device.available_capacity_gb, gt: %d}]}",
        "{any: [{fact: device.model, in: ['Mac14,2', 'Mac15,3', 'Mac%d,1']}, {fact: device.supervised, eq: true}]}",
        "{fact: device.build_version, matches: '^24[A-F]%d'}",
        "{not: {fact: device.device_name, contains: 'test%d'}}",
        "{profile: {identifier: com.example.wifi%d}}",
    };

    private PolicyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dbHosts = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int policies = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        TestDatabases.Engine engine = args.length > 3 && args[3].equals("mysql") ? TestDatabases.Engine.MYSQL : TestDatabases.Engine.EMBEDDED;
        List<PolicyDocument> docs = policies(policies);
        System.out.printf("machine: %d cpus, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        // (1) The rule language alone.
        Random r = new Random(42);
        List<Facts> fleet = new ArrayList<>();
        for (int i = 0; i < hosts; i++) {
            fleet.add(facts(r, i));
        }
        for (int run = 1; run <= 3; run++) {
            long t0 = System.nanoTime();
            int failing = 0;
            for (Facts f : fleet) {
                for (PolicyDocument d : docs) {
                    if (d.check().test(f) == Result.FAIL) {
                        failing++;
                    }
                }
            }
            System.out.printf("rule language, results only: %d policies x %d hosts in memory: %d ms (run %d, %d failing)%n", policies, hosts,
                    (System.nanoTime() - t0) / 1_000_000, run, failing);
            t0 = System.nanoTime();
            for (Facts f : fleet) {
                for (PolicyDocument d : docs) {
                    d.check().evaluate(f);
                }
            }
            System.out.printf("rule language, with reasons and deciding facts: %d policies x %d hosts in memory: %d ms (run %d)%n",
                    policies, hosts, (System.nanoTime() - t0) / 1_000_000, run);
        }
        fleet.clear();
        if (dbHosts == 0) {
            return;
        }

        // (2) and (3) through the database.
        String url = TestDatabases.freshUrl(engine);
        try (Database db = Database.open(url, 4)) {
            Clock clock = Clock.systemUTC();
            long t0 = System.nanoTime();
            populate(db, dbHosts, r);
            System.out.printf("%s: %d hosts with device, security and apps inventory inserted in %d ms%n", engine, dbHosts,
                    (System.nanoTime() - t0) / 1_000_000);
            PolicyStore store = new PolicyStore(db.jdbi(), clock);
            for (PolicyDocument d : docs) {
                store.save(d, new Targets(true, Set.of(), Set.of(), Set.of(), Set.of()), "bench", false);
            }
            PolicyEvaluator evaluator = new PolicyEvaluator(store, new ResultStore(db.jdbi(), clock), new HostFactsReader(clock),
                    (p, rem, h) -> "none", clock);
            List<StoredPolicy> all = store.all();
            t0 = System.nanoTime();
            long cpu0 = cpu();
            evaluator.evaluateAll(all);
            System.out.printf("%s: full evaluation, first (every result written, one packed row per host): "
                    + "%d policies x %d hosts: %d ms (this process's CPU: %d ms; load average %.1f)%n",
                    engine, policies, dbHosts, (System.nanoTime() - t0) / 1_000_000, (cpu() - cpu0) / 1_000_000, load());
            db.jdbi().useHandle(h -> System.out.printf("%s: rows written: %d packed result rows (%d bytes on average), %d transitions, %d events%n",
                    engine, h.createQuery("SELECT COUNT(*) FROM host_policy_results").mapTo(Long.class).one(),
                    h.createQuery("SELECT COALESCE(AVG(LENGTH(results)), 0) FROM host_policy_results").mapTo(Long.class).one(),
                    h.createQuery("SELECT COUNT(*) FROM policy_transitions").mapTo(Long.class).one(),
                    h.createQuery("SELECT COUNT(*) FROM events").mapTo(Long.class).one()));
            // Twice: the first run after a short first evaluation still pays for compiling the hot paths (JIT threads count
            // in this process's CPU), the second is what a running server's sweep costs.
            for (String which : new String[] {"again", "again, warm"}) {
                t0 = System.nanoTime();
                cpu0 = cpu();
                evaluator.evaluateAll(all);
                System.out.printf("%s: full evaluation, %s (nothing changed): %d policies x %d hosts: %d ms (this process's CPU: %d ms; load average %.1f)%n",
                        engine, which, policies, dbHosts, (System.nanoTime() - t0) / 1_000_000, (cpu() - cpu0) / 1_000_000, load());
            }

            int samples = 500;
            long[] times = new long[samples];
            long cpuIncremental = 0;
            for (int i = 0; i < samples; i++) {
                long host = 1 + r.nextInt(dbHosts);
                String security = security(r.nextBoolean(), r.nextBoolean());
                db.jdbi().useHandle(h -> h.createUpdate("UPDATE host_inventory SET facts = :f WHERE host_id = :h AND source = 'security'")
                        .bind("f", security).bind("h", host).execute());
                long s = System.nanoTime();
                long c = cpu();
                evaluator.evaluateHost(host);
                times[i] = System.nanoTime() - s;
                cpuIncremental += cpu() - c;
            }
            Arrays.sort(times);
            System.out.printf("%s: incremental, one host's %d policies after its facts changed (%d samples): p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n",
                    engine, policies, samples, times[samples / 2] / 1e6, times[samples * 95 / 100] / 1e6, times[samples * 99 / 100] / 1e6);
            System.out.printf("%s: incremental, this process's CPU per evaluation (mean): %.2f ms (load average %.1f)%n", engine,
                    cpuIncremental / 1e6 / samples, load());

            // (4) Reads.
            Reports reports = new Reports(db.jdbi(), clock, store, new HostFactsReader(clock));
            for (int run = 1; run <= 3; run++) {
                long s = System.nanoTime();
                long c = cpu();
                Map<String, Views.Counts> counts = reports.counts();
                Views.Counts overall = reports.overall();
                System.out.printf("%s: counts of %d policies and overall: %.2f ms (CPU %.2f ms; overall %s)%n", engine, counts.size(),
                        (System.nanoTime() - s) / 1e6, (cpu() - c) / 1e6, overall);
            }
            Map<String, Views.Counts> counts = reports.counts();
            // The fewest failures: a page of them reads every host's row (the worst case).
            StoredPolicy rare = all.stream().min(java.util.Comparator.comparingInt(p -> counts.get(p.name()).failing())).orElseThrow();
            StoredPolicy common = all.stream().max(java.util.Comparator.comparingInt(p -> counts.get(p.name()).failing())).orElseThrow();
            for (StoredPolicy p : List.of(rare, common, rare, common)) {
                long s = System.nanoTime();
                long c = cpu();
                List<Views.HostResult> page = reports.results(p, new Reports.ResultFilter("fail", null, null), 0, 100);
                System.out.printf("%s: results?result=fail&limit=100 of %s (%d hosts failing): %d rows in %.1f ms (CPU %.1f ms)%n", engine,
                        p.name(), counts.get(p.name()).failing(), page.size(), (System.nanoTime() - s) / 1e6, (cpu() - c) / 1e6);
            }
            for (StoredPolicy p : List.of(rare, common)) {
                long s = System.nanoTime();
                long c = cpu();
                int n = reports.hostIds(p.name(), "fail").size();
                System.out.printf("%s: host list policy filter (policy_result=fail) of %s: %d host ids in %.1f ms (CPU %.1f ms)%n", engine,
                        p.name(), n, (System.nanoTime() - s) / 1e6, (cpu() - c) / 1e6);
            }
        } finally {
            TestDatabases.drop(url);
        }
    }

    /**
     * CPU time of this process: on a shared machine the wall time mostly measures the other builds; with
     * the embedded store, the database's work is in this process too.
     */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The machine's one-minute load average: on a shared machine, what the wall times above must be read against. */
    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static List<PolicyDocument> policies(int n) throws java.io.IOException {
        List<PolicyDocument> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String check = TEMPLATES[i % TEMPLATES.length].replace("%d", Integer.toString(i % 7));
            PolicyParser.Parsed p = PolicyParser.parse(YAML.readValue("name: bench-" + i + "\ncheck: " + check, Object.class));
            if (!p.valid()) {
                throw new IllegalStateException(check + ": " + p.problems());
            }
            out.add(p.document());
        }
        return out;
    }

    static Facts facts(Random r, int i) {
        Map<String, Object> f = new HashMap<>();
        f.put("host.platform", "macos");
        f.put("device.os_version", "15." + r.nextInt(8));
        f.put("device.build_version", "24" + (char) ('A' + r.nextInt(8)) + r.nextInt(100));
        f.put("device.model", "Mac1" + (3 + r.nextInt(3)) + ",2");
        f.put("device.device_name", "mac-" + i);
        f.put("device.available_capacity_gb", (double) r.nextInt(500));
        if (r.nextInt(10) > 0) {
            f.put("security.filevault_enabled", r.nextBoolean());
            f.put("security.firewall_enabled", r.nextBoolean());
            f.put("security.sip_enabled", true);
        }
        Map<String, String> apps = new HashMap<>();
        for (int a = 0; a < 30; a++) {
            apps.put("com.example.app" + r.nextInt(40), "2." + r.nextInt(9));
        }
        return Facts.of(f, apps, Map.of("com.example.wifi" + r.nextInt(7), "verified"));
    }

    static String security(boolean fileVault, boolean firewall) {
        return "{\"passcode_present\":true,\"filevault\":{\"enabled\":" + fileVault + "},\"sip_enabled\":true,\"firewall\":{\"enabled\":"
                + firewall + "}}";
    }

    private static void populate(Database db, int n, Random r) {
        long now = System.currentTimeMillis();
        for (int start = 0; start < n; start += 1000) {
            int from = start;
            db.jdbi().useTransaction(h -> {
                var hostRows = h.prepareBatch("""
                        INSERT INTO hosts (id, udid, serial_number, device_id, platform, product_name, os_version, device_name, enrolled_at,
                          created_at, updated_at) VALUES (:id, :u, :s, :u, 'macos', 'Mac14,2', :os, :name, :now, :now, :now)""");
                var inventory = h.prepareBatch("""
                        INSERT INTO host_inventory (host_id, source, facts, command_uuid, collected_at) VALUES (:h, :src, :f, NULL, :now)""");
                for (int i = from; i < Math.min(n, from + 1000); i++) {
                    long id = i + 1;
                    String os = "15." + r.nextInt(8);
                    hostRows.bind("id", id).bind("u", "UDID-" + id).bind("s", "SERIAL" + id).bind("os", os).bind("name", "mac-" + id)
                            .bind("now", now).add();
                    inventory.bind("h", id).bind("src", "device").bind("f", "{\"serial_number\":\"SERIAL" + id + "\",\"device_name\":\"mac-" + id
                            + "\",\"hardware\":{\"model\":\"Mac14,2\",\"product_name\":\"Mac14,2\"},\"os\":{\"version\":\"" + os
                            + "\",\"build\":\"24B" + r.nextInt(90) + "\"},\"storage\":{\"capacity_gb\":500.0,\"available_gb\":" + r.nextInt(500)
                            + ".0},\"management\":{\"supervised\":" + r.nextBoolean() + "}}").bind("now", now).add();
                    inventory.bind("h", id).bind("src", "security").bind("f", security(r.nextBoolean(), r.nextBoolean())).bind("now", now).add();
                    StringBuilder apps = new StringBuilder("{\"apps\":[");
                    for (int a = 0; a < 30; a++) {
                        apps.append(a == 0 ? "" : ",").append("{\"identifier\":\"com.example.app").append(a).append("\",\"name\":\"App ")
                                .append(a).append("\",\"short_version\":\"2.").append(r.nextInt(9)).append("\"}");
                    }
                    inventory.bind("h", id).bind("src", "apps").bind("f", apps.append("]}").toString()).bind("now", now).add();
                }
                hostRows.execute();
                inventory.execute();
            });
        }
    }
}

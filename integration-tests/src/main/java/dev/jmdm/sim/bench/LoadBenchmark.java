package dev.jmdm.sim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.AuthMode;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceState;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.Profiles;
import dev.jmdm.sim.SimulatedDevice;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load benchmark: N simulated devices with concurrency C go through enroll, enqueue, drain, idle
 * polling, push fan-out and a profile rollout, against a server it starts in its own JVM (embedded or
 * MySQL store) or a running one. It checks what it measures: every device must receive every command
 * exactly once, in order, every device must install the rolled-out profile exactly once and be reported
 * verified, and any error fails the run (exit code 1).
 *
 * <p>Longer than the ~400 lines other files keep to: it is one script of phases in the order they run, each a
 * short method next to the figures it prints; split across files, a reader would lose the run's order.
 */
@Command(name = "mdm-bench", mixinStandardHelpOptions = true, description = "Load benchmark with simulated Apple devices.")
public final class LoadBenchmark implements Callable<Integer> {
    /** A rollout with no device progressing for this long has stalled: the run fails instead of hanging. */
    private static final Duration STALL = Duration.ofMinutes(2);

    @Option(names = "--devices", description = "simulated devices (default ${DEFAULT-VALUE})")
    int devices = 1000;
    @Option(names = "--concurrency", description = "devices talking at once (default ${DEFAULT-VALUE})")
    int concurrency = 32;
    // Two or more, so that the drain check also proves commands arrive in enqueue order.
    @Option(names = "--commands", description = "commands enqueued to every device, each in its own enqueue call, "
            + "drained and checked for enqueue order (default ${DEFAULT-VALUE})")
    int commands = 2;
    @Option(names = "--storage", description = "store of the server the benchmark starts: embedded or mysql (default ${DEFAULT-VALUE})")
    String storage = "embedded";
    @Option(names = "--dsn", description = "JDBC URL for --storage mysql (an empty database)")
    String dsn;
    @Option(names = "--server-jvm", split = " ", description = "JVM options of the server the benchmark starts, e.g. \"-Xmx2g\"")
    List<String> serverJvm = new ArrayList<>();
    @Option(names = "--no-profiles", description = "skip the profile rollout phase")
    boolean noProfiles;
    @Option(names = "--server", description = "base URL of a running server instead of one the benchmark starts")
    URI server;
    @Option(names = "--server-pid", description = "pid of that running server, to read its CPU time and peak memory")
    Long serverPid;
    @Option(names = "--api-key", description = "API key of the running server")
    String apiKey;
    @Option(names = "--ca-cert", description = "device CA certificate PEM the running server trusts (certs-dev device-ca.pem)")
    Path caCert;
    @Option(names = "--ca-key", description = "device CA key PEM (certs-dev device-ca.key)")
    Path caKey;
    @Option(names = "--json", description = "also write the figures as JSON to this file")
    Path json;
    @Option(names = "--auth", description = "how devices identify themselves: signed (Mdm-Signature CMS on every request) or "
            + "cert-header (the RFC 9440 :base64(DER): client certificate in the " + CERT_HEADER + " header a TLS-terminating "
            + "proxy would add; no signing; a started server gets MDM_CERT_HEADER=" + CERT_HEADER + ") (default ${DEFAULT-VALUE})")
    String auth = "signed";
    @Option(names = "--idle-rounds", description = "idle polls per device, each round the whole fleet (default ${DEFAULT-VALUE})")
    int idleRounds = 1;
    @Option(names = "--runs", description = "runs of enroll, enqueue, drain and idle poll against the same server process, each "
            + "with a new fleet: the first is cold (JIT warm-up included), later ones warm (default ${DEFAULT-VALUE})")
    int runs = 1;

    /** The header the benchmark's devices (and the server it starts) use in --auth cert-header. */
    static final String CERT_HEADER = "X-Client-Cert";

    private final List<LatencyRecorder.Summary> results = new ArrayList<>();
    private final Map<String, Object> rollout = new LinkedHashMap<>();
    /** Figures that are not a phase's latencies, printed after the table in the order they were taken. */
    private final Map<String, Double> figures = new LinkedHashMap<>();
    private final List<Double> loadSamples = new CopyOnWriteArrayList<>();
    private long pid = -1;

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new CommandLine(new LoadBenchmark()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            // Pool and client threads must not keep a failed run alive.
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!auth.equals("signed") && !auth.equals("cert-header")) {
            System.err.println("--auth must be signed or cert-header, not " + auth);
            return 2;
        }
        String topic = "com.apple.mgmt.External." + UUID.randomUUID();
        CertificateAuthority ca;
        MockApns apns = null;
        dev.jmdm.certsdev.LoadedStack stack = null;
        ServerProcess started = null;
        URI base = server;
        String key = apiKey;
        Path tmp = Files.createTempDirectory("mdm-bench");
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "load-average");
            t.setDaemon(true);
            return t;
        });
        // The machine is shared: the load average during the run says how far the figures can be trusted.
        sampler.scheduleAtFixedRate(() -> loadSamples.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()),
                0, 5, TimeUnit.SECONDS);
        if (server == null) {
            ca = CertificateAuthority.createRoot("bench device CA", Duration.ofDays(2));
            Files.writeString(tmp.resolve("ca.pem"), Pem.encode(ca.certificate()));
            key = "bench";
            // A stand-in APNs so the push phases have somewhere real (TLS, HTTP/2) to push to.
            dev.jmdm.certsdev.DevStack.init(tmp.resolve("pki"));
            stack = dev.jmdm.certsdev.DevStack.load(tmp.resolve("pki"));
            apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate());
            topic = stack.pushTopic();
            Map<String, String> env = new HashMap<>();
            env.put("MDM_API_KEY", key);
            env.put("MDM_CA", tmp.resolve("ca.pem").toString());
            env.put("MDM_DATA_DIR", tmp.resolve("data").toString());
            env.put("MDM_LOG_LEVEL", "warn");
            env.put("MDM_STORAGE", storage);
            if (dsn != null) {
                env.put("MDM_DSN", dsn);
            }
            env.put("MDM_APNS_URL", apns.url());
            // calls of 1000 ids on a loaded machine: measure throughput, not MDM_APNS_TIMEOUT's pending answers
            env.put("MDM_APNS_TIMEOUT", "60s");
            // Unpaced: the benchmark measures how fast the server queues and pushes, and checks every push is answered
            // in the enqueue call; MDM_PUSH_RATE's pacing is a production limit on how fast devices are woken.
            env.put("MDM_PUSH_RATE", "0");
            env.put("MDM_APNS_CA", stack.files().caCert().toString());
            // Only the commands the benchmark sends, so that it can check each device got exactly those:
            // no inventory queries on enrollment, no re-pushes, no periodic profile sweep or ProfileList
            // (the rollout runs on the sweep its own target change triggers, as in production).
            env.put("MDM_INVENTORY", "false");
            env.put("MDM_REPUSH_AFTER", "0");
            env.put("MDM_PROFILE_SWEEP", "0");
            env.put("MDM_PROFILE_LIST_EVERY", "0");
            if (auth.equals("cert-header")) {
                env.put("MDM_CERT_HEADER", CERT_HEADER);
            }
            started = ServerProcess.start(env, serverJvm, tmp.resolve("server.log"));
            base = started.baseUri();
            pid = started.pid();
            figures.put("server start to /readyz s", started.secondsToReady());
        } else {
            if (caCert == null || caKey == null || apiKey == null) {
                System.err.println("--server needs --api-key, --ca-cert and --ca-key");
                return 2;
            }
            ca = CertificateAuthority.of(new Issued(Pem.certificates(Files.readString(caCert)).get(0),
                    Pem.privateKey(Files.readString(caKey)), List.of()));
            pid = serverPid == null ? -1 : serverPid;
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(Math.max(4, concurrency))).build();
        DeviceTransport transport = new DeviceTransport(http, base.resolve("/mdm"));
        AdminClient admin = new AdminClient(http, base, key);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        if (stack != null) {
            AdminClient.Reply up = admin.send("PUT", "/v1/pushcert", (Files.readString(stack.files().pushCert())
                    + Files.readString(stack.files().pushKey())).getBytes(StandardCharsets.UTF_8));
            if (up.status() != 200) {
                throw new IllegalStateException("push certificate upload answered " + up.status() + ": " + up.body());
            }
        }
        long cpuStart = processCpuNanos();
        double serverCpuStart = serverCpu();
        double serverCpuEnd;
        double serverPeakRss;
        boolean ok = false;
        try {
            String unusable = leftOvers(admin, started != null);
            if (unusable != null) {
                System.err.println(unusable);
                ok = true; // refused before anything ran: no server log to show
                return 2;
            }
            List<SimulatedDevice> fleet = null;
            for (int run = 1; run <= runs; run++) {
                fleet = protocolRun(run, ca, topic, transport, admin, apns, pool);
            }
            List<String> ids = fleet.stream().map(SimulatedDevice::enrollmentId).toList();
            if (apns != null) {
                pushFanOut(admin, ids, apns);
            }
            if (!noProfiles) {
                profileRollout(admin, fleet, apns, pool, transport);
            }
            ok = true;
        } finally {
            pool.shutdownNow();
            serverCpuEnd = serverCpu();
            serverPeakRss = pid > 0 ? ServerProcess.peakRssMib(pid) : Double.NaN;
            sampler.shutdownNow();
            if (started != null) {
                if (!ok) {
                    System.err.println("server log, last lines:\n" + started.tail());
                }
                started.close();
            }
            if (apns != null) {
                apns.close();
            }
            TempDirs.deleteQuietly(tmp);
        }
        report(started != null, processCpuNanos() - cpuStart, serverCpuEnd - serverCpuStart, serverPeakRss);
        boolean failed = results.stream().anyMatch(r -> r.errors() > 0);
        return failed ? 1 : 0;
    }

    /**
     * One run of the device protocol with a new fleet of N devices: enroll, enqueue every command to all of
     * them, drain, idle polls. Returns the fleet, which the push fan-out and rollout reuse.
     */
    private List<SimulatedDevice> protocolRun(int run, CertificateAuthority ca, String topic, DeviceTransport transport,
            AdminClient admin, MockApns apns, ExecutorService pool) throws Exception {
        List<SimulatedDevice> fleet = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            SimulatedDevice d = SimulatedDevice.mac(transport, ca.issueDeviceIdentity("bench-" + run + "-" + i, Duration.ofDays(1),
                    KeyAlgorithm.EC_P256), topic);
            if (auth.equals("cert-header")) {
                d.authMode(AuthMode.PROXY_HEADER).proxyHeader(CERT_HEADER);
            }
            fleet.add(d);
        }
        String tag = runs > 1 ? "run " + run + ": " : "";
        phase(tag + "enroll", devices * 2, pool, fleet, transport, SimulatedDevice::enroll);

        List<String> ids = fleet.stream().map(SimulatedDevice::enrollmentId).toList();
        Map<String, List<String>> expected = new HashMap<>();
        LatencyRecorder enq = new LatencyRecorder(commands * (ids.size() / 1000 + 1));
        if (apns != null) {
            apns.clear(); // a later run counts its own pushes
        }
        double cpu0 = serverCpu();
        long t0 = System.nanoTime();
        long apiNanos = 0;
        double apiCpu = 0;
        for (int c = 0; c < commands; c++) {
            // One command to the whole fleet, in calls of at most 1000 ids (each call its own CommandUUID), with
            // ?nopush=1: the enqueue API alone, the figure the issue's nanomdm comparison measured. Then, with a
            // stand-in APNs, the same ids pushed in calls of GET /v1/push, as an enqueue that pushes would.
            double apiCpu0 = serverCpu();
            long a0 = System.nanoTime();
            List<List<String>> chunks = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += 1000) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
                Commands.Built cmd = Commands.deviceInformation("SerialNumber", "OSVersion");
                long s = System.nanoTime();
                AdminClient.Reply r = admin.enqueue(cmd.plist(), chunk, true);
                enq.record(System.nanoTime() - s, r.status() == 200);
                if (r.status() != 200) {
                    throw new IllegalStateException("enqueue answered " + r.status() + ": " + r.body());
                }
                chunks.add(chunk);
                chunk.forEach(id -> expected.computeIfAbsent(id, k -> new ArrayList<>()).add(cmd.commandUuid()));
            }
            apiNanos += System.nanoTime() - a0;
            apiCpu += serverCpu() - apiCpu0;
            if (apns != null) {
                for (List<String> chunk : chunks) {
                    AdminClient.Reply r = admin.push(chunk);
                    for (String id : chunk) {
                        if (r.status() != 200 || !r.json().path("status").path(id).has("push_result")) {
                            throw new IllegalStateException("push did not reach " + id + ": " + r.status() + " " + r.body());
                        }
                    }
                }
            }
        }
        double enqSeconds = (System.nanoTime() - t0) / 1e9;
        results.add(enq.summarise(tag + "enqueue+push (calls of ≤1000)", enqSeconds, serverCpu() - cpu0));
        // The figure nanomdm's comparison quotes (enqueue calls alone, until the last one answered), and with the pushes.
        figures.put(tag + "enqueue API alone command×device/s", devices * commands / (apiNanos / 1e9));
        figures.put(tag + "enqueue API alone server CPU µs per command×device", apiCpu * 1e6 / (devices * commands));
        figures.put(tag + "enqueue + push command×device/s", devices * commands / enqSeconds);
        if (apns != null && apns.received().size() != devices * commands) {
            throw new IllegalStateException("stand-in APNs got " + apns.received().size() + " pushes for " + devices * commands + " enqueues");
        }

        Map<String, List<HandledCommand>> received = new ConcurrentHashMap<>();
        phase(tag + "drain", devices * (2 + commands), pool, fleet, transport, d -> received.put(d.enrollmentId(), d.channel().poll()));
        verify(fleet, received, expected);

        for (int round = 1; round <= idleRounds; round++) {
            phase(tag + "idle poll" + (idleRounds > 1 ? " " + round : ""), devices, pool, fleet, transport, d -> {
                if (!d.channel().idle().isEmpty()) {
                    throw new IllegalStateException("idle device " + d.enrollmentId() + " was sent a command");
                }
            });
        }
        if (pid > 0) {
            figures.put(tag + "server peak RSS MiB", ServerProcess.peakRssMib(pid));
        }
        return fleet;
    }

    /** GET /v1/push for the whole fleet in calls of 1000 ids; every device must get exactly one push. */
    private void pushFanOut(AdminClient admin, List<String> ids, MockApns apns) {
        apns.clear();
        LatencyRecorder rec = new LatencyRecorder(ids.size() / 1000 + 1);
        double cpu0 = serverCpu();
        long t0 = System.nanoTime();
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            long s = System.nanoTime();
            AdminClient.Reply r = admin.push(chunk);
            rec.record(System.nanoTime() - s, r.status() == 200);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LatencyRecorder.Summary calls = rec.summarise("push fan-out (calls of ≤1000)", seconds, serverCpu() - cpu0);
        results.add(calls);
        int got = apns.received().size();
        if (got != ids.size()) {
            throw new IllegalStateException("stand-in APNs received " + got + " pushes for " + ids.size() + " devices");
        }
        System.out.printf("push fan-out: %d pushes in %.2f s = %.0f pushes/s%n", got, seconds, got / seconds);
    }

    /**
     * One profile to every host: upload it, target {"all": true}, and let the server's own reconciliation
     * queue an InstallProfile per host and push. Each pushed device wakes and drains (Idle → InstallProfile
     * → ProfileList, which the server queues to verify the install). Done when the status API counts every
     * host verified. Without a stand-in APNs (a running server) the benchmark reconciles synchronously and
     * wakes every device itself.
     */
    private void profileRollout(AdminClient admin, List<SimulatedDevice> fleet, MockApns apns, ExecutorService pool,
            DeviceTransport transport) throws Exception {
        String identifier = "dev.jmdm.bench.rollout." + UUID.randomUUID();
        String payloadUuid = UUID.randomUUID().toString().toUpperCase();
        AdminClient.Reply up = admin.send("POST", "/v1/profiles",
                Profiles.withOnePayload(identifier, payloadUuid, "Benchmark rollout", "com.apple.dock", 48));
        if (up.status() != 201) {
            throw new IllegalStateException("profile upload answered " + up.status() + ": " + up.body());
        }
        Map<String, SimulatedDevice> byToken = new HashMap<>();
        Map<String, AtomicInteger> wakes = new HashMap<>();
        Map<String, List<HandledCommand>> handled = new ConcurrentHashMap<>();
        for (SimulatedDevice d : fleet) {
            byToken.put(d.channel().tokenHex(), d);
            wakes.put(d.enrollmentId(), new AtomicInteger());
            handled.put(d.enrollmentId(), Collections.synchronizedList(new ArrayList<>()));
        }
        Set<String> done = ConcurrentHashMap.newKeySet();
        CountDownLatch allDone = new CountDownLatch(fleet.size());
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger pushes = new AtomicInteger();
        AtomicLong lastPush = new AtomicLong();
        LatencyRecorder rec = new LatencyRecorder(fleet.size() * 4);
        transport.observe((kind, nanos, status) -> rec.record(nanos, status == 200));

        // A device polls until the server has nothing; a push that arrives meanwhile makes it poll once more.
        Consumer<SimulatedDevice> wake = d -> {
            if (wakes.get(d.enrollmentId()).getAndIncrement() > 0) {
                return;
            }
            pool.submit(() -> {
                try {
                    do {
                        handled.get(d.enrollmentId()).addAll(d.channel().poll());
                        if (d.state().profiles().containsKey(identifier) && lastIs(handled.get(d.enrollmentId()), "ProfileList")
                                && done.add(d.enrollmentId())) {
                            allDone.countDown();
                        }
                    } while (wakes.get(d.enrollmentId()).decrementAndGet() > 0);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
        };
        if (apns != null) {
            apns.clear();
            apns.behaviour(push -> {
                SimulatedDevice d = byToken.get(push.tokenHex());
                if (d != null) {
                    pushes.incrementAndGet();
                    lastPush.set(System.nanoTime());
                    wake.accept(d);
                }
            });
        }
        double cpu0 = serverCpu();
        long t0 = System.nanoTime();
        double verifiedAfter;
        try {
            AdminClient.Reply targets = admin.send("PUT", "/v1/profiles/" + identifier + "/targets",
                    "{\"all\": true}".getBytes(StandardCharsets.UTF_8));
            if (targets.status() != 200) {
                throw new IllegalStateException("targets answered " + targets.status() + ": " + targets.body());
            }
            if (apns == null) {
                AdminClient.Reply r = admin.send("POST", "/v1/profiles/reconcile", null);
                if (r.status() != 200) {
                    throw new IllegalStateException("reconcile answered " + r.status() + ": " + r.body());
                }
                fleet.forEach(wake);
            }
            long last = allDone.getCount();
            long progressAt = System.nanoTime();
            while (!allDone.await(1, TimeUnit.SECONDS)) {
                if (!failures.isEmpty()) {
                    rec.error();
                    throw new IllegalStateException("profile rollout failed: " + failures.get(0).getMessage(), failures.get(0));
                }
                if (allDone.getCount() != last) {
                    last = allDone.getCount();
                    progressAt = System.nanoTime();
                } else if (System.nanoTime() - progressAt > STALL.toNanos()) {
                    rec.error();
                    throw new IllegalStateException("profile rollout stalled: " + last + " of " + fleet.size()
                            + " devices not done after " + STALL.toSeconds() + " s without progress (" + pushes.get() + " pushes)");
                }
            }
            if (!failures.isEmpty()) {
                rec.error();
                throw new IllegalStateException("profile rollout failed: " + failures.get(0).getMessage(), failures.get(0));
            }
            verifiedAfter = awaitAllVerified(admin, identifier, fleet.size(), t0);
        } finally {
            transport.observe((kind, nanos, status) -> { });
            if (apns != null) {
                apns.behaviour(push -> { });
            }
            removeProfile(admin, identifier);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        results.add(rec.summarise("profile rollout", seconds, serverCpu() - cpu0));
        verifyRollout(fleet, handled, identifier, payloadUuid, apns != null, pushes.get());
        rollout.put("identifier", identifier);
        rollout.put("seconds_to_all_verified", verifiedAfter);
        if (apns != null) {
            rollout.put("pushes", pushes.get());
            rollout.put("seconds_to_last_push", (lastPush.get() - t0) / 1e9);
        }
        System.out.printf("profile rollout: %d hosts verified %.2f s after targeting all%s%n", fleet.size(), verifiedAfter,
                apns == null ? "" : String.format(" (%d pushes, the last %.2f s after)", pushes.get(), (lastPush.get() - t0) / 1e9));
    }

    /**
     * Why the server cannot give true counts, or null. Profiles, and the per-host profile state a deleted
     * profile leaves behind, make the server queue ProfileList and InstallProfile to newly enrolled devices,
     * which the exactly-these-commands check then counts as failures: a started server needs an empty
     * database (a new one per run), a running one no profiles.
     */
    private static String leftOvers(AdminClient admin, boolean started) {
        AdminClient.Reply profiles = admin.send("GET", "/v1/profiles", null);
        if (profiles.status() == 200 && !profiles.json().path("profiles").isEmpty()) {
            return "the server has profiles stored; the benchmark needs a server without any (delete them, or use a new database)";
        }
        AdminClient.Reply hosts = admin.send("GET", "/v1/hosts?limit=1", null);
        if (started && hosts.status() == 200 && !hosts.json().path("hosts").isEmpty()) {
            return "--dsn must name an empty database, a new one for every run (this one holds hosts, say from an earlier run)";
        }
        return null;
    }

    /**
     * A profile targeted at all hosts would reach the devices of a later run on the same database during
     * their enrollment and fail its exactly-these-commands check: take it away once measured.
     */
    private static void removeProfile(AdminClient admin, String identifier) {
        AdminClient.Reply r = admin.send("DELETE", "/v1/profiles/" + identifier, null);
        if (r.status() / 100 != 2) {
            System.err.println("could not delete the rollout profile " + identifier + " (" + r.status() + ": " + r.body()
                    + "); delete it before running the benchmark on this database again");
        }
    }

    private static boolean lastIs(List<HandledCommand> handled, String requestType) {
        synchronized (handled) {
            return !handled.isEmpty() && requestType.equals(handled.get(handled.size() - 1).requestType());
        }
    }

    /** Seconds from t0 until GET /v1/profiles/{id}/status counts every host verified and none otherwise. */
    private static double awaitAllVerified(AdminClient admin, String identifier, int hosts, long t0) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode counts = null;
        while (System.nanoTime() < deadline) {
            AdminClient.Reply r = admin.send("GET", "/v1/profiles/" + identifier + "/status?limit=1", null);
            if (r.status() != 200) {
                throw new IllegalStateException("profile status answered " + r.status() + ": " + r.body());
            }
            counts = r.json().get("counts");
            if (counts.path("verified").asInt() == hosts) {
                double at = (System.nanoTime() - t0) / 1e9;
                for (String other : List.of("pending", "verifying", "failed")) {
                    if (counts.path(other).asInt() != 0) {
                        throw new IllegalStateException("profile status counts " + counts + " for " + hosts + " hosts");
                    }
                }
                return at;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("profile status still counts " + counts + " for " + hosts + " hosts");
    }

    /** Every device installed the profile exactly once, verified it with one ProfileList, and holds that PayloadUUID. */
    private static void verifyRollout(List<SimulatedDevice> fleet, Map<String, List<HandledCommand>> handled, String identifier,
            String payloadUuid, boolean pushed, int pushes) {
        for (SimulatedDevice d : fleet) {
            List<HandledCommand> got = handled.get(d.enrollmentId());
            List<String> types = got.stream().map(h -> h.requestType() + "/" + h.status()).toList();
            if (!types.equals(List.of("InstallProfile/Acknowledged", "ProfileList/Acknowledged"))) {
                throw new IllegalStateException(d.enrollmentId() + " handled " + types + " in the rollout, expected one InstallProfile "
                        + "and one ProfileList");
            }
            DeviceState.InstalledProfile p = d.state().profiles().get(identifier);
            if (p == null || !payloadUuid.equals(p.uuid())) {
                throw new IllegalStateException(d.enrollmentId() + " holds " + p + ", expected PayloadUUID " + payloadUuid);
            }
        }
        if (pushed && pushes < fleet.size()) {
            throw new IllegalStateException("the rollout pushed " + pushes + " times for " + fleet.size() + " devices");
        }
    }

    /** Every device got exactly its commands, each once, in enqueue order, and acknowledged them. */
    private static void verify(List<SimulatedDevice> fleet, Map<String, List<HandledCommand>> received, Map<String, List<String>> expected) {
        for (SimulatedDevice d : fleet) {
            List<HandledCommand> handled = received.getOrDefault(d.enrollmentId(), List.of());
            List<String> got = handled.stream().map(HandledCommand::commandUuid).toList();
            if (!got.equals(expected.get(d.enrollmentId()))) {
                // Commands the server queues by itself show up here: inventory on enrollment (MDM_INVENTORY) and a
                // ProfileList on enrollment when it manages profiles. A running server needs both off for this check.
                throw new IllegalStateException(d.enrollmentId() + " received " + handled + ", expected only " + expected.get(d.enrollmentId())
                        + " (a server of your own must run with MDM_INVENTORY=false and no profiles)");
            }
            if (handled.stream().anyMatch(h -> !"Acknowledged".equals(h.status()))) {
                throw new IllegalStateException(d.enrollmentId() + " did not acknowledge every command: " + handled);
            }
        }
    }

    private void phase(String name, int expectedRequests, ExecutorService pool, List<SimulatedDevice> fleet, DeviceTransport transport,
            Consumer<SimulatedDevice> work) throws Exception {
        LatencyRecorder rec = new LatencyRecorder(expectedRequests * 2);
        transport.observe((kind, nanos, status) -> rec.record(nanos, status == 200));
        double cpu0 = serverCpu();
        long startMillis = System.currentTimeMillis();
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (SimulatedDevice d : fleet) {
            futures.add(pool.submit(() -> work.accept(d)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                rec.error();
                throw new IllegalStateException(name + " failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        results.add(rec.summarise(name, (System.nanoTime() - t0) / 1e9, serverCpu() - cpu0));
        transport.observe((kind, nanos, status) -> { });
        // Wall-clock bounds, to cut a server profile (JFR timestamps are epoch time) into phases.
        System.out.printf("phase %s: epoch ms %d..%d%n", name, startMillis, System.currentTimeMillis());
    }

    private void report(boolean started, long cpuNanos, double serverCpuSeconds, double serverPeakRssMib) throws Exception {
        System.out.printf("%nmdm-bench: %d devices, concurrency %d, %d command(s) each, %d idle round(s), %d run(s), auth %s, %s%n", devices,
                concurrency, commands, idleRounds, runs, auth,
                started ? "server started by the benchmark on " + storage + " storage" : "server " + server);
        System.out.printf("%-38s %9s %7s %9s %10s %8s %8s %8s %8s %12s %12s%n", "phase", "requests", "errors", "seconds", "req/s", "p50 ms",
                "p95 ms", "p99 ms", "max ms", "server CPU s", "CPU ms/req");
        for (LatencyRecorder.Summary s : results) {
            System.out.printf("%-38s %9d %7d %9.2f %10.1f %8.2f %8.2f %8.2f %8.2f %12.1f %12.2f%n", s.phase(), s.requests(), s.errors(),
                    s.seconds(), s.requestsPerSecond(), s.p50(), s.p95(), s.p99(), s.max(), s.serverCpuSeconds(),
                    s.requests() == 0 ? Double.NaN : s.serverCpuSeconds() * 1000 / s.requests());
        }
        figures.forEach((name, value) -> System.out.printf("%s: %.1f%n", name, value));
        if (rollout.containsKey("seconds_to_all_verified")) {
            System.out.printf("profile rollout: every host verified after %.2f s%n", (double) rollout.get("seconds_to_all_verified"));
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        double[] load = loadSamples.stream().mapToDouble(Double::doubleValue).filter(v -> v >= 0).sorted().toArray();
        System.out.printf("server: CPU %.1f s, peak RSS %.0f MiB%s%n", serverCpuSeconds, serverPeakRssMib,
                pid > 0 ? "" : " (unknown: give --server-pid)");
        System.out.printf("simulator (this JVM, with the stand-in APNs): CPU %.1f s, peak heap %d MiB%n", cpuNanos / 1e9, peakHeap >> 20);
        System.out.printf("machine: %d CPUs, load average during the run %s%n", Runtime.getRuntime().availableProcessors(),
                load.length == 0 ? "unknown" : String.format("min %.1f, median %.1f, max %.1f", load[0], load[load.length / 2], load[load.length - 1]));
        if (json != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("devices", devices);
            out.put("concurrency", concurrency);
            out.put("commands", commands);
            out.put("idle_rounds", idleRounds);
            out.put("runs", runs);
            out.put("auth", auth);
            out.put("figures", figures);
            out.put("target", started ? "started/" + storage : String.valueOf(server));
            out.put("phases", results);
            if (!rollout.isEmpty()) {
                out.put("profile_rollout", rollout);
            }
            out.put("server_cpu_seconds", serverCpuSeconds);
            out.put("server_peak_rss_mib", serverPeakRssMib);
            out.put("simulator_cpu_seconds", cpuNanos / 1e9);
            out.put("simulator_peak_heap_mib", peakHeap >> 20);
            out.put("cpus", Runtime.getRuntime().availableProcessors());
            out.put("load_average_samples", Arrays.stream(load).boxed().toList());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        }
    }

    /** The server's CPU seconds so far; NaN when its process cannot be read. */
    private double serverCpu() {
        return pid > 0 ? ServerProcess.cpuSeconds(pid) : Double.NaN;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }
}

package dev.jmdm.sim.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jmdm.certsdev.CertificateAuthority;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.KeyAlgorithm;
import dev.jmdm.certsdev.Pem;
import dev.jmdm.server.MdmServer;
import dev.jmdm.server.config.SettingsParser;
import dev.jmdm.sim.AdminClient;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.DeviceTransport;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.MockApns;
import dev.jmdm.sim.SimulatedDevice;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load benchmark: N simulated devices with concurrency C go through enroll, enqueue, drain
 * and idle polling, against an in-process server (embedded or MySQL) or a running one. It
 * checks what it measures: every device must receive every command exactly once, in order, and
 * any error fails the run (exit code 1).
 */
@Command(name = "mdm-bench", mixinStandardHelpOptions = true, description = "Load benchmark with simulated Apple devices.")
public final class LoadBenchmark implements Callable<Integer> {
    @Option(names = "--devices", description = "simulated devices (default ${DEFAULT-VALUE})")
    int devices = 1000;
    @Option(names = "--concurrency", description = "devices talking at once (default ${DEFAULT-VALUE})")
    int concurrency = 32;
    @Option(names = "--commands", description = "commands enqueued to every device (default ${DEFAULT-VALUE})")
    int commands = 1;
    @Option(names = "--storage", description = "in-process server store: embedded or mysql (default ${DEFAULT-VALUE})")
    String storage = "embedded";
    @Option(names = "--dsn", description = "JDBC URL for --storage mysql (an empty database)")
    String dsn;
    @Option(names = "--server", description = "base URL of a running server instead of an in-process one")
    URI server;
    @Option(names = "--api-key", description = "API key of the running server")
    String apiKey;
    @Option(names = "--ca-cert", description = "device CA certificate PEM the running server trusts (certs-dev device-ca.pem)")
    Path caCert;
    @Option(names = "--ca-key", description = "device CA key PEM (certs-dev device-ca.key)")
    Path caKey;
    @Option(names = "--json", description = "also write the figures as JSON to this file")
    Path json;

    private final List<LatencyRecorder.Summary> results = new ArrayList<>();

    public static void main(String[] args) {
        int code = 1;
        try {
            code = new CommandLine(new LoadBenchmark()).execute(args);
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            // The in-process server's threads must not keep a failed run alive.
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        String topic = "com.apple.mgmt.External." + UUID.randomUUID();
        CertificateAuthority ca;
        MockApns apns = null;
        dev.jmdm.certsdev.LoadedStack stack = null;
        MdmServer inProcess = null;
        URI base = server;
        String key = apiKey;
        Path tmp = Files.createTempDirectory("mdm-bench");
        if (server == null) {
            ca = CertificateAuthority.createRoot("bench device CA", Duration.ofDays(2));
            Files.writeString(tmp.resolve("ca.pem"), Pem.encode(ca.certificate()));
            key = "bench";
            Map<String, String> env = new HashMap<>();
            env.put("MDM_LISTEN", "127.0.0.1:0");
            env.put("MDM_API_KEY", key);
            env.put("MDM_CA", tmp.resolve("ca.pem").toString());
            env.put("MDM_DATA_DIR", tmp.resolve("data").toString());
            env.put("MDM_LOG_LEVEL", "warn");
            env.put("MDM_STORAGE", storage);
            if (dsn != null) {
                env.put("MDM_DSN", dsn);
            }
            // A stand-in APNs so the push fan-out phase has somewhere real (TLS, HTTP/2) to push to.
            dev.jmdm.certsdev.DevStack.init(tmp.resolve("pki"));
            stack = dev.jmdm.certsdev.DevStack.load(tmp.resolve("pki"));
            apns = new MockApns(stack.apnsServer(), stack.pushCa().certificate());
            topic = stack.pushTopic();
            env.put("MDM_APNS_URL", apns.url());
            env.put("MDM_APNS_CA", stack.files().caCert().toString());
            env.put("MDM_REPUSH_AFTER", "0");
            inProcess = MdmServer.start(SettingsParser.parse(new String[0], env), Clock.systemUTC());
            base = inProcess.baseUri();
        } else {
            if (caCert == null || caKey == null || apiKey == null) {
                System.err.println("--server needs --api-key, --ca-cert and --ca-key");
                return 2;
            }
            ca = CertificateAuthority.of(new Issued(Pem.certificates(Files.readString(caCert)).get(0),
                    Pem.privateKey(Files.readString(caKey)), List.of()));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(Math.max(4, concurrency))).build();
        DeviceTransport transport = new DeviceTransport(http, base.resolve("/mdm"));
        AdminClient admin = new AdminClient(http, base, key);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        if (stack != null) {
            AdminClient.Reply up = admin.send("PUT", "/v1/pushcert", (Files.readString(stack.files().pushCert())
                    + Files.readString(stack.files().pushKey())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (up.status() != 200) {
                throw new IllegalStateException("push certificate upload answered " + up.status() + ": " + up.body());
            }
        }
        long cpuStart = processCpuNanos();
        try {
            List<SimulatedDevice> fleet = new ArrayList<>(devices);
            for (int i = 0; i < devices; i++) {
                fleet.add(SimulatedDevice.mac(transport, ca.issueDeviceIdentity("bench-" + i, Duration.ofDays(1), KeyAlgorithm.EC_P256), topic));
            }
            phase("enroll", devices * 2, pool, fleet, transport, SimulatedDevice::enroll);

            List<String> ids = fleet.stream().map(SimulatedDevice::enrollmentId).toList();
            Map<String, List<String>> expected = new HashMap<>();
            LatencyRecorder enq = new LatencyRecorder(commands * (ids.size() / 1000 + 1));
            long t0 = System.nanoTime();
            for (int c = 0; c < commands; c++) {
                // One command to the whole fleet, in calls of at most 1000 ids (each call its own CommandUUID).
                for (int from = 0; from < ids.size(); from += 1000) {
                    List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
                    Commands.Built cmd = Commands.deviceInformation("SerialNumber", "OSVersion");
                    long s = System.nanoTime();
                    // With a stand-in APNs the enqueue also pushes every target, as in production.
                    AdminClient.Reply r = admin.enqueue(cmd.plist(), chunk, apns == null);
                    enq.record(System.nanoTime() - s, r.status() == 200);
                    if (r.status() != 200) {
                        throw new IllegalStateException("enqueue answered " + r.status() + ": " + r.body());
                    }
                    if (apns != null) {
                        for (String id : chunk) {
                            if (!r.json().path("status").path(id).has("push_result")) {
                                throw new IllegalStateException("enqueue did not push " + id + ": " + r.json().path("status").path(id));
                            }
                        }
                    }
                    chunk.forEach(id -> expected.computeIfAbsent(id, k -> new ArrayList<>()).add(cmd.commandUuid()));
                }
            }
            results.add(enq.summarise("enqueue+push (calls of ≤1000)", (System.nanoTime() - t0) / 1e9));
            if (apns != null && apns.received().size() != devices * commands) {
                throw new IllegalStateException("stand-in APNs got " + apns.received().size() + " pushes for " + devices * commands + " enqueues");
            }

            Map<String, List<HandledCommand>> received = new java.util.concurrent.ConcurrentHashMap<>();
            phase("drain", devices * (2 + commands), pool, fleet, transport, d -> received.put(d.enrollmentId(), d.channel().poll()));
            verify(fleet, received, expected);

            phase("idle poll", devices, pool, fleet, transport, d -> {
                if (!d.channel().idle().isEmpty()) {
                    throw new IllegalStateException("idle device " + d.enrollmentId() + " was sent a command");
                }
            });

            if (apns != null) {
                pushFanOut(admin, ids, apns);
            }
        } finally {
            pool.shutdownNow();
            if (inProcess != null) {
                inProcess.close();
            }
            if (apns != null) {
                apns.close();
            }
        }
        report(inProcess != null, processCpuNanos() - cpuStart);
        boolean failed = results.stream().anyMatch(r -> r.errors() > 0);
        return failed ? 1 : 0;
    }

    /** GET /v1/push for the whole fleet in calls of 1000 ids; every device must get exactly one push. */
    private void pushFanOut(AdminClient admin, List<String> ids, MockApns apns) {
        apns.clear();
        LatencyRecorder rec = new LatencyRecorder(ids.size() / 1000 + 1);
        long t0 = System.nanoTime();
        for (int from = 0; from < ids.size(); from += 1000) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
            long s = System.nanoTime();
            AdminClient.Reply r = admin.push(chunk);
            rec.record(System.nanoTime() - s, r.status() == 200);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LatencyRecorder.Summary calls = rec.summarise("push fan-out (calls of ≤1000)", seconds);
        results.add(calls);
        int got = apns.received().size();
        if (got != ids.size()) {
            throw new IllegalStateException("stand-in APNs received " + got + " pushes for " + ids.size() + " devices");
        }
        System.out.printf("push fan-out: %d pushes in %.2f s = %.0f pushes/s%n", got, seconds, got / seconds);
    }

    /** Every device got exactly its commands, each once, in enqueue order, and acknowledged them. */
    private static void verify(List<SimulatedDevice> fleet, Map<String, List<HandledCommand>> received, Map<String, List<String>> expected) {
        for (SimulatedDevice d : fleet) {
            List<String> got = received.getOrDefault(d.enrollmentId(), List.of()).stream().map(HandledCommand::commandUuid).toList();
            if (!got.equals(expected.get(d.enrollmentId()))) {
                throw new IllegalStateException(d.enrollmentId() + " received " + got + ", expected " + expected.get(d.enrollmentId()));
            }
        }
    }

    private void phase(String name, int expectedRequests, ExecutorService pool, List<SimulatedDevice> fleet, DeviceTransport transport,
            Consumer<SimulatedDevice> work) throws Exception {
        LatencyRecorder rec = new LatencyRecorder(expectedRequests * 2);
        transport.observe((kind, nanos, status) -> rec.record(nanos, status == 200));
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
        results.add(rec.summarise(name, (System.nanoTime() - t0) / 1e9));
        transport.observe((kind, nanos, status) -> { });
    }

    private void report(boolean inProcess, long cpuNanos) throws Exception {
        System.out.printf("%nmdm-bench: %d devices, concurrency %d, %d command(s) each, %s%n", devices, concurrency, commands,
                inProcess ? "in-process server on " + storage + " storage" : "server " + server);
        System.out.printf("%-30s %9s %7s %9s %10s %8s %8s %8s %8s%n", "phase", "requests", "errors", "seconds", "req/s", "p50 ms",
                "p95 ms", "p99 ms", "max ms");
        for (LatencyRecorder.Summary s : results) {
            System.out.printf("%-30s %9d %7d %9.2f %10.1f %8.2f %8.2f %8.2f %8.2f%n", s.phase(), s.requests(), s.errors(), s.seconds(),
                    s.requestsPerSecond(), s.p50(), s.p95(), s.p99(), s.max());
        }
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("process CPU %.1f s, peak heap %d MiB (%s)%n", cpuNanos / 1e9, peakHeap >> 20,
                inProcess ? "server and simulator share this JVM" : "simulator only");
        if (json != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("devices", devices);
            out.put("concurrency", concurrency);
            out.put("commands", commands);
            out.put("target", inProcess ? "in-process/" + storage : String.valueOf(server));
            out.put("phases", results);
            out.put("process_cpu_seconds", cpuNanos / 1e9);
            out.put("peak_heap_mib", peakHeap >> 20);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), out);
        }
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }
}

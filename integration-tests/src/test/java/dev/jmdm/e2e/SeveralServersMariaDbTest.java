package dev.jmdm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.TestDatabases;
import dev.jmdm.sim.Commands;
import dev.jmdm.sim.HandledCommand;
import dev.jmdm.sim.SimulatedDevice;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Three servers on one MariaDB database, as behind a load balancer, under simulated devices' load: each scheduled job
 * ran once per period in all (not once per server), no command was delivered twice and no answer was lost.
 */
class SeveralServersMariaDbTest {
    private static final int DEVICES = 24;
    private static final Duration LOAD = Duration.ofSeconds(20);
    /** Short periods so that a 20 s run holds many: the profile sweep, and the re-push sweep (half MDM_REPUSH_AFTER). */
    private static final Map<String, String> ENV = Map.of("MDM_PROFILE_SWEEP", "2s", "MDM_REPUSH_AFTER", "4s");
    private static final Map<String, Duration> JOBS = Map.of("profile-sweep", Duration.ofSeconds(2), "repush", Duration.ofSeconds(2));

    @Test
    void eachJobRunsOncePerPeriodAndEveryCommandIsDeliveredOnceAndAnswered() throws Exception {
        long started = System.nanoTime();
        try (TestServer a = new TestServer(TestDatabases.Engine.MYSQL, Files.createTempDirectory("jmdm-several-a"), ENV);
                TestServer b = new TestServer(a, Files.createTempDirectory("jmdm-several-b"));
                TestServer c = new TestServer(a, Files.createTempDirectory("jmdm-several-c"))) {
            List<TestServer> servers = List.of(a, b, c);
            List<SimulatedDevice> devices = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                SimulatedDevice d = servers.get(i % 3).newMac();
                d.enroll();
                devices.add(d);
            }
            Set<String> enqueued = ConcurrentHashMap.newKeySet();
            Map<String, String> answered = new ConcurrentHashMap<>();
            ExecutorService load = Executors.newFixedThreadPool(3);
            List<Future<?>> workers = new ArrayList<>();
            long until = System.nanoTime() + LOAD.toNanos();
            for (int w = 0; w < 3; w++) {
                List<SimulatedDevice> mine = devices.subList(w * DEVICES / 3, (w + 1) * DEVICES / 3);
                workers.add(load.submit(() -> {
                    while (System.nanoTime() < until) {
                        for (SimulatedDevice d : mine) {
                            // Queued through one server, fetched and answered through another: any server serves any device.
                            TestServer admin = servers.get(ThreadLocalRandom.current().nextInt(3));
                            Commands.Built cmd = Commands.of(ThreadLocalRandom.current().nextBoolean() ? "SecurityInfo" : "CertificateList");
                            assertThat(admin.admin.enqueue(cmd.plist(), List.of(d.enrollmentId()), true).status()).isEqualTo(200);
                            enqueued.add(cmd.commandUuid());
                            d.useTransport(servers.get(ThreadLocalRandom.current().nextInt(3)).transport);
                            for (HandledCommand h : d.channel().poll()) {
                                assertThat(answered.put(h.commandUuid(), d.enrollmentId())).as("answered twice").isNull();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            load.shutdown();
            double elapsedSeconds = (System.nanoTime() - started) / 1e9;

            assertThat(enqueued).hasSizeGreaterThan(DEVICES);
            assertThat(answered.keySet()).containsAll(enqueued);
            // Stored: every queue row (ours and what the servers queued on enrollment) answered, with its result,
            // after exactly one delivery.
            long rows = count(a, "SELECT COUNT(*) FROM enrollment_queue");
            assertThat(rows).isGreaterThanOrEqualTo(enqueued.size());
            assertThat(count(a, "SELECT COUNT(*) FROM enrollment_queue WHERE pending = FALSE AND result IS NOT NULL"
                    + " AND delivery_count = 1 AND status = 'Acknowledged'")).isEqualTo(rows);

            for (Map.Entry<String, Duration> job : JOBS.entrySet()) {
                long total = servers.stream().mapToLong(s -> s.mdm().jobs().ranHere(job.getKey())).sum();
                long stored = Long.parseLong(a.queryString("SELECT runs FROM job_leases WHERE job_name = ?", job.getKey()));
                double periods = elapsedSeconds / job.getValue().toSeconds();
                // Once per period in all: three servers each running it would make three times as many.
                assertThat(total).as("%s ran %s times in %.1f s", job.getKey(), total, elapsedSeconds)
                        .isEqualTo(stored)
                        .isBetween((long) (periods / 3), (long) Math.ceil(periods / 0.9) + 1);
            }
        }
    }

    private static long count(TestServer s, String sql) {
        return Long.parseLong(s.queryString(sql));
    }
}

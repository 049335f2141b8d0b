package dev.jmdm.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.ManualClock;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Scheduled jobs' leases on both engines: one holder at a time, once a period, taken over when the holder dies. */
class JobLeasesTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration PERIOD = Duration.ofMinutes(1);

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aDeadHoldersLeaseIsTakenOverOnceItExpiresAndNotBefore(Engine engine) {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            JobLeases a = new JobLeases(f.database.jdbi(), clock, "server-a", TTL);
            JobLeases b = new JobLeases(f.database.jdbi(), clock, "server-b", TTL);

            assertThat(a.hold("sweep")).isTrue();
            assertThat(b.hold("sweep")).as("held by a").isFalse();
            // a renews while alive: b never gets it.
            clock.advance(Duration.ofSeconds(40));
            assertThat(a.renew("sweep")).isTrue();
            clock.advance(Duration.ofSeconds(40));
            assertThat(b.hold("sweep")).as("a renewed 40 s ago").isFalse();
            // a dies (stops renewing); one second before expiry b still waits, at expiry it takes over.
            clock.advance(Duration.ofSeconds(19));
            assertThat(b.hold("sweep")).isFalse();
            clock.advance(Duration.ofSeconds(1));
            assertThat(b.hold("sweep")).isTrue();
            assertThat(b.lease("sweep").orElseThrow().holder()).isEqualTo("server-b");
            // a, back from a long pause, has lost it: neither renew nor a run.
            assertThat(a.renew("sweep")).isFalse();
            assertThat(a.claimRun("sweep", PERIOD)).isFalse();
            assertThat(b.claimRun("sweep", PERIOD)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aJobRunsOncePerPeriodWhicheverServerTicks(Engine engine) {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            LeasedJobs[] servers = new LeasedJobs[3];
            for (int i = 0; i < 3; i++) {
                servers[i] = new LeasedJobs(new JobLeases(f.database.jdbi(), clock, "server-" + i, TTL));
            }
            AtomicInteger runs = new AtomicInteger();
            try {
                // Ten periods, each server ticking twice a period (a timer a little off, a restart): ten runs.
                for (int period = 0; period < 10; period++) {
                    for (int tick = 0; tick < 2; tick++) {
                        for (LeasedJobs s : servers) {
                            s.runIfHeld("sweep", PERIOD, runs::incrementAndGet);
                        }
                        clock.advance(PERIOD.dividedBy(2));
                        servers[0].leases().renew("sweep");
                    }
                }
                assertThat(runs).hasValue(10);
                assertThat(servers[0].leases().lease("sweep").orElseThrow().runs()).isEqualTo(10);

                // The holder stops gracefully (its last run was a period ago): its lease is released, and the next
                // tick elsewhere takes it at once instead of after the lease's 60 s.
                assertThat(servers[0].leases().lease("sweep").orElseThrow().holder()).isEqualTo("server-0");
                servers[0].close();
                assertThat(servers[1].runIfHeld("sweep", PERIOD, runs::incrementAndGet)).isTrue();
                assertThat(servers[1].leases().lease("sweep").orElseThrow().holder()).isEqualTo("server-1");
                assertThat(servers[2].runIfHeld("sweep", PERIOD, runs::incrementAndGet)).as("server-1 holds it").isFalse();
                assertThat(runs).hasValue(11);
            } finally {
                for (LeasedJobs s : servers) {
                    s.close();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void aFailingJobKeepsItsScheduleAndTheLeaseStillCountsTheRun(Engine engine) {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
        try (StoreFixture f = new StoreFixture(engine, clock);
                LeasedJobs jobs = new LeasedJobs(new JobLeases(f.database.jdbi(), clock, "server-a", TTL))) {
            Runnable tick = jobs.leased("broken", PERIOD, () -> {
                throw new IllegalStateException("database hiccup");
            });
            tick.run(); // does not throw: a scheduled task that throws is never run again
            clock.advance(PERIOD);
            tick.run();
            assertThat(jobs.leases().lease("broken").orElseThrow().runs()).isEqualTo(2);
        }
    }
}

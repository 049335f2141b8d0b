package dev.jmdm.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.ManualClock;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The dashboard's counts are a snapshot: served up to 15 s old, refreshed behind the answer, never over 30 s old. */
class FleetSummaryTest {
    @ParameterizedTest
    @EnumSource(Engine.class)
    void theCountsFollowTheHostsWithinTheBound(Engine engine) {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            // The background refresh runs when the test says so, to see each step.
            Queue<Runnable> background = new ArrayDeque<>();
            FleetSummary summary = new FleetSummary(f.database.jdbi(), clock, background::add);
            f.hosts.preRegister(List.of("FS-A", "FS-B"));

            FleetSummary.Fleet first = summary.read();
            assertThat(first.hosts()).isEqualTo(2);
            assertThat(first.asOf()).isEqualTo("2026-12-06T12:00:00Z");

            f.hosts.preRegister(List.of("FS-C"));
            clock.advance(Duration.ofSeconds(14));
            assertThat(summary.read().hosts()).as("fresh snapshot").isEqualTo(2);
            assertThat(background).isEmpty();

            clock.advance(Duration.ofSeconds(2));
            FleetSummary.Fleet stale = summary.read();
            assertThat(stale.hosts()).as("served while the refresh runs").isEqualTo(2);
            assertThat(background).hasSize(1);
            summary.read();
            assertThat(background).as("one refresh at a time").hasSize(1);
            background.poll().run();
            FleetSummary.Fleet refreshed = summary.read();
            assertThat(refreshed.hosts()).isEqualTo(3);
            assertThat(refreshed.asOf()).isEqualTo("2026-12-06T12:00:16Z");
            assertThat(refreshed.byStatus()).contains(new FleetSummary.FleetCount("pending", 3));

            // Nobody asked for longer than the bound: the answer is computed before it is given.
            f.hosts.preRegister(List.of("FS-D"));
            clock.advance(Duration.ofSeconds(31));
            FleetSummary.Fleet late = summary.read();
            assertThat(late.hosts()).isEqualTo(4);
            assertThat(late.asOf()).isEqualTo("2026-12-06T12:00:47Z");
            assertThat(background).isEmpty();
        }
    }
}

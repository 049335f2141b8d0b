package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.protocol.CheckinMessage;
import dev.jmdm.server.protocol.Messages;
import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which enrollments the re-push sweep claims, and that a claim is taken once. */
class RepushClaimTest {
    static final class MovableClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }
    }

    private static void tokenUpdate(StoreFixture f, String udid) {
        tokenUpdate(f, udid, "AAEC");
    }

    /** Stores a TokenUpdate of the device channel with the token given as base64. */
    static void tokenUpdate(StoreFixture f, String udid, String tokenBase64) {
        String xml = "<?xml version=\"1.0\"?><plist><dict><key>MessageType</key><string>TokenUpdate</string><key>UDID</key><string>" + udid
                + "</string><key>Topic</key><string>t</string><key>PushMagic</key><string>m</string><key>Token</key><data>" + tokenBase64
                + "</data></dict></plist>";
        CheckinMessage.TokenUpdate t = (CheckinMessage.TokenUpdate) Messages.checkin(xml.getBytes(StandardCharsets.UTF_8));
        f.enrollments.storeTokenUpdate(t.enrollment().resolve(), t);
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void silentEnrollmentsWithWaitingCommandsAreClaimedOnceThenBackedOff(Engine engine) {
        MovableClock clock = new MovableClock();
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            tokenUpdate(f, "WAITING");
            tokenUpdate(f, "IDLE-NOTHING-QUEUED");
            tokenUpdate(f, "GONE-TOKEN");
            f.commands.enqueue(CommandStoreTest.command("ProfileList"), List.of("WAITING", "GONE-TOKEN"));
            assertThat(f.enrollments.markTokenInvalid("GONE-TOKEN", "000102", "Unregistered")).isTrue();
            long silence = Duration.ofMinutes(15).toMillis();

            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, 10)).as("not silent long enough").isEmpty();
            clock.advance(Duration.ofMinutes(16));
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, 10)).containsExactly("WAITING");
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, 10)).as("claimed once").isEmpty();
            // Backoff doubles: 15 min after the first re-push is not yet due (30 min), 31 min is.
            clock.advance(Duration.ofMinutes(16));
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, 10)).isEmpty();
            clock.advance(Duration.ofMinutes(15));
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, 10)).containsExactly("WAITING");
            // Once the device is seen again nothing is due until it has been silent again.
            f.enrollments.touch("WAITING");
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, 10)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Engine.class)
    void dueEnrollmentsAreClaimedEvenWhenMoreThanABatchOfOlderOnesAreInBackoff(Engine engine) {
        MovableClock clock = new MovableClock();
        try (StoreFixture f = new StoreFixture(engine, clock)) {
            int batch = 5;
            List<String> older = new java.util.ArrayList<>();
            for (int i = 0; i < batch * 6; i++) {
                older.add("OLDER-" + i);
                tokenUpdate(f, "OLDER-" + i);
            }
            clock.advance(Duration.ofMinutes(1));
            List<String> newer = List.of("NEWER-0", "NEWER-1", "NEWER-2", "NEWER-3", "NEWER-4", "NEWER-5", "NEWER-6");
            newer.forEach(id -> tokenUpdate(f, id));
            List<String> all = new java.util.ArrayList<>(older);
            all.addAll(newer);
            f.commands.enqueue(CommandStoreTest.command("ProfileList"), all);
            long silence = Duration.ofMinutes(15).toMillis();
            clock.advance(Duration.ofMinutes(16));
            // The older ones were silent first, so they are re-pushed first and now wait out their backoff.
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, older.size())).containsExactlyInAnyOrderElementsOf(older);
            clock.advance(Duration.ofMinutes(1));

            List<String> first = f.enrollments.claimRepush(clock.millis() - silence, silence, batch);
            List<String> second = f.enrollments.claimRepush(clock.millis() - silence, silence, batch);
            assertThat(first).hasSize(batch).allMatch(id -> id.startsWith("NEWER-"));
            assertThat(second).hasSize(newer.size() - batch).allMatch(id -> id.startsWith("NEWER-"));
            assertThat(f.enrollments.claimRepush(clock.millis() - silence, silence, batch)).isEmpty();
        }
    }
}

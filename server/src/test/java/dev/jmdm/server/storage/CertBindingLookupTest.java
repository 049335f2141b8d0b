package dev.jmdm.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jmdm.server.testing.StoreFixture;
import dev.jmdm.server.testing.TestDatabases.Engine;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The check-in's one look-up says whether the device's Setup Assistant enrollment is under way, the states ADE's
 * check-in steps act on, so every other device skips them without a statement.
 */
class CertBindingLookupTest {
    private static final String DEVICE = "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9";

    @ParameterizedTest
    @EnumSource(Engine.class)
    void setupIsPendingWhileEnrollingOrWhileARunningStepWaits(Engine engine) {
        try (StoreFixture f = new StoreFixture(engine, Clock.systemUTC())) {
            assertThat(pending(f)).as("no Setup Assistant enrollment").isFalse();
            ade(f, "enrolling", null);
            assertThat(pending(f)).as("profile handed out, first TokenUpdate to come").isTrue();
            ade(f, "enrolled", null);
            assertThat(pending(f)).as("enrolled without Await Device Configured").isFalse();
            ade(f, "running", "6A1E0C55-1D3B-4B7E-9C58-0E2B1F4A7D21");
            assertThat(pending(f)).as("a step waits for a command").isTrue();
            ade(f, "running", "profile:com.example.wifi");
            assertThat(pending(f)).as("a step waits for a profile").isTrue();
            ade(f, "running", null);
            assertThat(pending(f)).as("DeviceConfigured refused: nothing waits").isFalse();
            ade(f, "configured", null);
            assertThat(pending(f)).as("configured").isFalse();
        }
    }

    private static boolean pending(StoreFixture f) {
        return f.bindings.lookup("no-such-certificate", DEVICE, DEVICE).setupPending();
    }

    private static void ade(StoreFixture f, String state, String waiting) {
        f.database.jdbi().useHandle(h -> {
            h.execute("DELETE FROM ade_enrollments");
            h.createUpdate("""
                    INSERT INTO ade_enrollments (serial_number, udid, requested_at, setup_state, setup_waiting, updated_at)
                    VALUES ('C02ADE000001', :u, 1, :state, :waiting, 1)""")
                    .bind("u", DEVICE).bind("state", state).bind("waiting", waiting).execute();
        });
    }
}

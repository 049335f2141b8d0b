package dev.jmdm.server.ade;

import dev.jmdm.server.protocol.MachineInfo;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** {@code ade_enrollments} (each device's Setup Assistant enrollment and setup progress) and {@code ade_setup_steps}. */
final class AdeStore {
    /**
     * States of {@code ade_enrollments.setup_state}. The device look-up ({@code CertBindingStore.lookup}) reads
     * {@link #ENROLLING} and {@link #RUNNING} by name to tell {@link DeviceSetup} whether a check-in concerns it.
     */
    static final String ENROLLING = "enrolling";
    static final String ENROLLED = "enrolled";
    static final String AWAITING = "awaiting";
    static final String RUNNING = "running";
    static final String CONFIGURED = "configured";

    /**
     * A device's Setup Assistant enrollment.
     *
     * @param waiting what the current step waits for: a CommandUUID, {@link DeviceSetup#PROFILE_PREFIX} + identifier, or null
     * @param steps   the setup steps (JSON) as they were when the run started, or null before
     */
    record Row(String serialNumber, String udid, String profileName, String state, int step, int of, String waiting, String steps,
            String error, long updatedAt) {
    }

    private static final String COLUMNS = "serial_number, udid, profile_name, setup_state, setup_step, setup_of, setup_waiting, "
            + "setup_steps, setup_error, updated_at";

    private final Jdbi jdbi;
    private final Clock clock;

    AdeStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A device fetched its enrollment profile: its setup starts over, whatever an earlier enrollment left. */
    void requested(MachineInfo info, String profileName) {
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO ade_enrollments (serial_number, udid, product, os_version, profile_name, requested_at, setup_state,
                  setup_step, setup_of, setup_waiting, setup_steps, setup_error, updated_at)
                VALUES (:s, :u, :p, :v, :profile, :now, :state, 0, 0, NULL, NULL, NULL, :now)
                ON DUPLICATE KEY UPDATE udid = VALUES(udid), product = VALUES(product), os_version = VALUES(os_version),
                  profile_name = VALUES(profile_name), requested_at = VALUES(requested_at), setup_state = VALUES(setup_state),
                  setup_step = 0, setup_of = 0, setup_waiting = NULL, setup_steps = NULL, setup_error = NULL,
                  updated_at = VALUES(updated_at)""")
                .bind("s", info.serialNumber()).bind("u", info.udid()).bind("p", info.product())
                .bind("v", info.osVersion() != null ? info.osVersion() : info.version()).bind("profile", profileName)
                .bind("now", now).bind("state", ENROLLING).execute());
    }

    /** The newest Setup Assistant enrollment of a UDID. */
    Optional<Row> byUdid(String udid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ade_enrollments WHERE udid = :u ORDER BY requested_at DESC")
                .bind("u", udid).map(AdeStore::map).findFirst());
    }

    /** The enrollment of a UDID whose setup is under way: what every device answer asks (one indexed read). */
    Optional<Row> running(String udid) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ade_enrollments WHERE udid = :u AND setup_state = :r")
                .bind("u", udid).bind("r", RUNNING).map(AdeStore::map).findFirst());
    }

    Optional<Row> bySerial(String serial) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ade_enrollments WHERE serial_number = :s")
                .bind("s", serial).map(AdeStore::map).findOne());
    }

    /** The device authenticated without Await Device Configured: Setup Assistant goes on by itself. */
    void enrolled(String udid) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE ade_enrollments SET setup_state = :state, updated_at = :now WHERE udid = :u AND setup_state = :from""")
                .bind("state", ENROLLED).bind("now", clock.millis()).bind("u", udid).bind("from", ENROLLING).execute());
    }

    /**
     * Moves a run from the state and step it was read at; false when something else moved it first (a duplicate
     * answer, another server), so each step is taken once.
     */
    boolean move(Row from, String state, int step, int of, String waiting, String steps, String error) {
        return jdbi.withHandle(h -> h.createUpdate("""
                UPDATE ade_enrollments SET setup_state = :state, setup_step = :step, setup_of = :of, setup_waiting = :waiting,
                  setup_steps = :steps, setup_error = :error, updated_at = :now
                WHERE serial_number = :s AND setup_state = :fromState AND setup_step = :fromStep AND updated_at = :fromAt""")
                .bind("state", state).bind("step", step).bind("of", of).bind("waiting", waiting).bind("steps", steps)
                .bind("error", error).bind("now", Math.max(clock.millis(), from.updatedAt() + 1)).bind("s", from.serialNumber())
                .bind("fromState", from.state()).bind("fromStep", from.step()).bind("fromAt", from.updatedAt()).execute()) == 1;
    }

    /** The setup steps of an ADE profile (JSON), empty when none were set. */
    Optional<String> steps(String profileName) {
        if (profileName == null) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery("SELECT steps FROM ade_setup_steps WHERE profile_name = :p")
                .bind("p", profileName).mapTo(String.class).findOne());
    }

    void putSteps(String profileName, String steps) {
        jdbi.useHandle(h -> h.createUpdate("""
                INSERT INTO ade_setup_steps (profile_name, steps, updated_at) VALUES (:p, :steps, :now)
                ON DUPLICATE KEY UPDATE steps = VALUES(steps), updated_at = VALUES(updated_at)""")
                .bind("p", profileName).bind("steps", steps).bind("now", clock.millis()).execute());
    }

    /** Whether an ADE profile of that name exists (the DEP side defines them). */
    boolean profileExists(String profileName) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM dep_profiles WHERE name = :p")
                .bind("p", profileName).mapTo(Integer.class).one()) > 0;
    }

    /** Forgetting a host forgets its Setup Assistant enrollment, inside {@code HostStore.forget}'s transaction. */
    static void forgetHost(Handle h, long hostId, long now) {
        h.createUpdate("""
                DELETE FROM ade_enrollments WHERE serial_number IN (SELECT serial_number FROM hosts WHERE id = :h)
                   OR udid IN (SELECT udid FROM hosts WHERE id = :h)""")
                .bind("h", hostId).execute();
    }

    private static Row map(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getInt(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getLong(10));
    }
}

package dev.jmdm.server.dep;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * What Setup Assistant enrollment needs to know of ADE: whether Apple Business Manager assigned a serial number to
 * this server (and not since disowned), and with which ADE profile. The DEP sync writes these rows; the enrollment
 * endpoint only reads them, so the two meet here and nowhere else.
 */
public final class AssignedDevices {
    /** A device ABM assigned to this server; profileName and the await flag come from its ADE profile, if any. */
    public record Assignment(String serialNumber, String tokenName, String profileName, boolean awaitDeviceConfigured) {
    }

    private final Jdbi jdbi;

    public AssignedDevices(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The assignment of a serial number, empty when ABM never assigned it here or has disowned it. */
    public Optional<Assignment> bySerial(String serialNumber) {
        return jdbi.withHandle(h -> h.createQuery("""
                SELECT d.serial_number, d.token_name, d.profile_name, p.await_device_configured
                FROM dep_devices d LEFT JOIN dep_profiles p ON p.name = d.profile_name
                WHERE d.serial_number = :serial AND d.disowned_at IS NULL""")
                .bind("serial", serialNumber)
                .map((rs, ctx) -> new Assignment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)))
                .findOne());
    }
}

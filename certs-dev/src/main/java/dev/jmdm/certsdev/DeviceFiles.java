package dev.jmdm.certsdev;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** Where {@code certs-dev issue-device} puts one device identity: {@code devices/UDID.*} in the stack directory. */
public record DeviceFiles(String udid, Path cert, Path key, Path p12, Path p12Password) {
    // Real UDIDs are 40 hex digits or 8-16 hex with a dash; simulators use UUIDs. Anything here must be safe as a
    // file name, so no separators and no leading dot.
    private static final Pattern UDID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public static DeviceFiles in(Path dir, String udid) {
        requireValidUdid(udid);
        Path devices = dir.resolve("devices");
        return new DeviceFiles(udid, devices.resolve(udid + ".pem"), devices.resolve(udid + ".key"),
                devices.resolve(udid + ".p12"), devices.resolve(udid + ".p12.password"));
    }

    /** The UDID itself when it can name files: letters, digits, '.', '_' and '-', at most 128, not starting with '.'. */
    public static String requireValidUdid(String udid) {
        if (udid == null || !UDID.matcher(udid).matches()) {
            throw new IllegalArgumentException("not a usable UDID: \"" + udid
                    + "\" (letters, digits, '.', '_' and '-' only, at most 128, starting with a letter or digit)");
        }
        return udid;
    }
}

package dev.jmdm.server.protocol;

import com.dd.plist.NSDictionary;

/**
 * What Setup Assistant tells the enrollment URL of an ADE profile about itself: the plist of Apple's MachineInfo
 * (device-management {@code other/machineinfo.yaml}). Only the keys the server uses are kept; each is checked against
 * the column it lands in.
 *
 * @param udid         UDID (required)
 * @param serialNumber SERIAL (required): the device Apple Business Manager assigned
 * @param product      PRODUCT, e.g. iPhone15,2 or Mac14,2
 * @param version      VERSION, the OS build, e.g. 21A559
 * @param osVersion    OS_VERSION (iOS 17, macOS 14 and later)
 * @param language     LANGUAGE, or null
 */
public record MachineInfo(String udid, String serialNumber, String product, String version, String osVersion, String language) {
    /** Longest LANGUAGE kept (a BCP 47 tag). */
    static final int LANGUAGE = 35;

    /** @throws ProtocolException when UDID or SERIAL is missing, or a value is not a string or too long */
    public static MachineInfo of(NSDictionary d) {
        return new MachineInfo(Plists.requiredString(d, "UDID", Limits.ENROLLMENT_ID),
                Plists.requiredString(d, "SERIAL", Limits.SERIAL_NUMBER),
                Plists.string(d, "PRODUCT", Limits.PRODUCT_NAME),
                Plists.string(d, "VERSION", Limits.OS_VERSION),
                Plists.string(d, "OS_VERSION", Limits.OS_VERSION),
                Plists.string(d, "LANGUAGE", LANGUAGE));
    }
}

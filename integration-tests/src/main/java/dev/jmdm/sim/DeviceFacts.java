package dev.jmdm.sim;

import com.dd.plist.NSDictionary;
import java.util.Locale;
import java.util.Random;

/**
 * The hardware and OS facts a simulated device reports, plausible and different per device
 * (derived from the UDID, so the same device always tells the same story).
 */
public record DeviceFacts(Platform platform, String udid, String serialNumber, String productName, String model,
        String osVersion, String buildVersion, String deviceName) {

    public enum Platform { MACOS, IOS }

    private static final String SERIAL_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

    public static DeviceFacts generate(Platform platform, String udid) {
        Random r = new Random(udid.hashCode());
        StringBuilder serial = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            serial.append(SERIAL_CHARS.charAt(r.nextInt(SERIAL_CHARS.length())));
        }
        if (platform == Platform.MACOS) {
            int minor = r.nextInt(3);
            return new DeviceFacts(platform, udid, serial.toString(), "Mac14," + (2 + r.nextInt(10)), "MacBook Air",
                    "15." + minor, "24A" + (300 + r.nextInt(99)), "Mac-" + serial.substring(0, 4).toLowerCase(Locale.ROOT));
        }
        return new DeviceFacts(platform, udid, serial.toString(), "iPhone15," + (2 + r.nextInt(3)), "iPhone",
                "18." + r.nextInt(3), "22A" + (300 + r.nextInt(99)), "iPhone-" + serial.substring(0, 4).toLowerCase(Locale.ROOT));
    }

    /** Answers to every DeviceInformation query this device knows. */
    NSDictionary queryResponses() {
        Random r = new Random(udid.hashCode() * 31L);
        NSDictionary d = new NSDictionary();
        d.put("UDID", udid);
        d.put("SerialNumber", serialNumber);
        d.put("DeviceName", deviceName);
        d.put("ProductName", productName);
        d.put("Model", model);
        d.put("ModelName", model);
        d.put("OSVersion", osVersion);
        d.put("BuildVersion", buildVersion);
        d.put("DeviceCapacity", 256.0 + r.nextInt(4) * 256);
        d.put("AvailableDeviceCapacity", 20.0 + r.nextInt(200));
        d.put("BatteryLevel", Math.round(r.nextDouble() * 100) / 100.0);
        d.put("IsSupervised", true);
        d.put("WiFiMAC", String.format("%02x:%02x:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256),
                r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        return d;
    }
}

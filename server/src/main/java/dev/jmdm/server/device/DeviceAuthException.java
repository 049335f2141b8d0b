package dev.jmdm.server.device;

/**
 * A device request the server refuses for who sent it, answered 403 (never 401: an Apple device
 * that gets 401 removes its MDM profile, and a real device in the middle of a certificate change
 * must not be thrown out). Two kinds, because Apple lets the server choose which of them a 403 is
 * (ErrorUnrecognizedDevice, iOS 17 / macOS 14):
 * <ul>
 * <li>{@link #notThisDevice}: a valid certificate that may not speak for the device it names.
 * A plain 403: the device keeps its enrollment and may retry.</li>
 * <li>{@link #unrecognized}: the server does not know the device at all (never enrolled, or its
 * host was deleted). The 403 carries {@code "code": "com.apple.unrecognized.device"}, which tells
 * the device to unenroll.</li>
 * </ul>
 */
public final class DeviceAuthException extends RuntimeException {
    /** Apple's ErrorUnrecognizedDevice code (device-management, mdm/errors/unrecognized.device.yaml). */
    public static final String UNRECOGNIZED_DEVICE = "com.apple.unrecognized.device";

    private final boolean unrecognized;

    /** A certificate that may not speak for the device it names: 403 without the unenroll code. */
    public DeviceAuthException(String message) {
        this(message, false);
    }

    private DeviceAuthException(String message, boolean unrecognized) {
        super(message);
        this.unrecognized = unrecognized;
    }

    public static DeviceAuthException notThisDevice(String message) {
        return new DeviceAuthException(message, false);
    }

    /** The device is unknown here: 403 with the code that makes it unenroll. */
    public static DeviceAuthException unrecognized(String message) {
        return new DeviceAuthException(message, true);
    }

    /** Whether the answer tells the device to unenroll. */
    public boolean unrecognized() {
        return unrecognized;
    }
}

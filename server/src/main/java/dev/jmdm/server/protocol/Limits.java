package dev.jmdm.server.protocol;

/**
 * The longest value each stored field may have, in characters: the column widths of the schema
 * (migrations V1 to V6). Checked when a message is parsed so that every entry point refuses an
 * over-long value with a 400 naming it, instead of the database failing the write.
 */
public final class Limits {
    /** enrollments.id, devices.id, hosts.udid, enrollments.user_id, user_short_name, user_long_name. */
    public static final int ENROLLMENT_ID = 255;
    /** enrollments.topic. */
    public static final int TOPIC = 255;
    /** enrollments.push_magic. */
    public static final int PUSH_MAGIC = 255;
    /** enrollments.token_hex holds the token hex encoded: two characters a byte. */
    public static final int TOKEN_BYTES = 255 / 2;
    /** commands.command_uuid, enrollment_queue.command_uuid. */
    public static final int COMMAND_UUID = 127;
    /** commands.request_type. */
    public static final int REQUEST_TYPE = 127;
    /** devices.serial_number, hosts.serial_number. */
    public static final int SERIAL_NUMBER = 127;
    /** hosts.product_name. */
    public static final int PRODUCT_NAME = 127;
    /** hosts.os_version. */
    public static final int OS_VERSION = 63;
    /** hosts.device_name. */
    public static final int DEVICE_NAME = 255;

    private Limits() {
    }

    /**
     * The value, or a {@link ProtocolException} naming the field when it is longer than max characters. Characters
     * are counted as H2 counts them, in UTF-16 units (an emoji is two): MariaDB counts code points and would take
     * more, but a value one engine refuses must be refused on both, and before the write, not by it.
     */
    static String check(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new ProtocolException(field + " is longer than " + max + " characters");
        }
        return value;
    }
}

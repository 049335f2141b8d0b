package dev.jmdm.server.protocol;

/** Kinds of enrollment channel, with the type strings nanomdm-compatible tools expect. */
public enum EnrollmentType {
    DEVICE("Device"),
    USER("User"),
    SHARED_IPAD("Shared iPad"),
    USER_ENROLLMENT_DEVICE("User Enrollment (Device)"),
    USER_ENROLLMENT("User Enrollment");

    private final String label;

    EnrollmentType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean isUserChannel() {
        return this == USER || this == SHARED_IPAD || this == USER_ENROLLMENT;
    }

    public static EnrollmentType fromLabel(String label) {
        for (EnrollmentType t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown enrollment type " + label);
    }
}

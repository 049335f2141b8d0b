package dev.jmdm.server.hosts;

import dev.jmdm.server.storage.HostRecord;

/**
 * A host with the state of its device channel, as lists show it.
 *
 * @param enrollmentType the device channel's type (Device, User Enrollment (Device)); null before enrollment
 * @param channelEnabled whether the device channel takes commands (false after CheckOut or before TokenUpdate)
 * @param lastSeenAt     the device channel's last request, epoch ms; null before enrollment
 */
record HostView(HostRecord host, String enrollmentType, Boolean channelEnabled, Long lastSeenAt) {

    /** pending (never enrolled), enrolled (device channel enabled), or unenrolled (checked out or re-enrolling). */
    String status() {
        if (host.pendingEnrollment()) {
            return "pending";
        }
        return Boolean.TRUE.equals(channelEnabled) ? "enrolled" : "unenrolled";
    }

    boolean userEnrollment() {
        return "User Enrollment (Device)".equals(enrollmentType);
    }
}

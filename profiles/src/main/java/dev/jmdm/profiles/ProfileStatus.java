package dev.jmdm.profiles;

/** Where a host's install or removal of one profile stands. */
public enum ProfileStatus {
    /** A command is needed (none queued yet) or queued and not answered. */
    PENDING,
    /** The device acknowledged InstallProfile; a ProfileList will confirm the profile is there. */
    VERIFYING,
    /** Confirmed: the profile is on the device (install) or gone from it (remove). */
    VERIFIED,
    /** Given up; the detail says why. Only a new version or an explicit retry starts again. */
    FAILED
}

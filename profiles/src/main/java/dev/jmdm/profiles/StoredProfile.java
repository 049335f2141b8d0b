package dev.jmdm.profiles;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The latest stored version of a profile, as {@link ProfileVersioner} needs it.
 *
 * @param identifier  the PayloadIdentifier
 * @param version     the server's version number (1, 2, 3 ...)
 * @param uuid        the PayloadUUID of that version
 * @param bytes       the stored bytes (what devices are sent)
 * @param earlierUuids the PayloadUUIDs of every earlier version of this identifier; may be empty when the
 *                    server keeps no history, at the price of not noticing an upload that brings back an
 *                    old PayloadUUID with new content
 */
public record StoredProfile(String identifier, int version, String uuid, byte[] bytes, Set<String> earlierUuids) {
    public StoredProfile {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(uuid, "uuid");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, not " + version);
        }
        bytes = bytes.clone();
        earlierUuids = Set.copyOf(earlierUuids);
    }

    /** A latest version without history. */
    public StoredProfile(String identifier, int version, String uuid, byte[] bytes) {
        this(identifier, version, uuid, bytes, Set.of());
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredProfile s && identifier.equals(s.identifier) && version == s.version
                && uuid.equals(s.uuid) && Arrays.equals(bytes, s.bytes) && earlierUuids.equals(s.earlierUuids);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identifier, version, uuid);
    }

    @Override
    public String toString() {
        return "StoredProfile[identifier=" + identifier + ", version=" + version + ", uuid=" + uuid
                + ", bytes=" + bytes.length + " bytes, earlierUuids=" + earlierUuids + "]";
    }
}

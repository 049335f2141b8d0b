package dev.jmdm.profiles;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an upload means, decided by {@link ProfileVersioner}.
 *
 * @param outcome       CREATED (version 1), EDITED (latest + 1) or UNCHANGED (the latest version again)
 * @param identifier    the PayloadIdentifier
 * @param version       the version to store, or the existing one when UNCHANGED
 * @param uuid          the PayloadUUID of {@code bytes}
 * @param bytes         the bytes to store and send: the upload itself, or its rewrite when
 *                      {@code uuidRewritten}, or the stored bytes when UNCHANGED
 * @param checksum      lower-case hex SHA-256 of {@code bytes}
 * @param uuidRewritten whether the server gave the upload a new PayloadUUID (it reused an earlier one
 *                      with changed content); tell the administrator
 */
public record VersionedProfile(
        Outcome outcome, String identifier, int version, String uuid, byte[] bytes, String checksum,
        boolean uuidRewritten) {

    public enum Outcome { CREATED, EDITED, UNCHANGED }

    public VersionedProfile {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(checksum, "checksum");
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionedProfile v && outcome == v.outcome && identifier.equals(v.identifier)
                && version == v.version && uuid.equals(v.uuid) && Arrays.equals(bytes, v.bytes)
                && checksum.equals(v.checksum) && uuidRewritten == v.uuidRewritten;
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, identifier, version, uuid, checksum);
    }

    @Override
    public String toString() {
        return "VersionedProfile[outcome=" + outcome + ", identifier=" + identifier + ", version=" + version
                + ", uuid=" + uuid + ", bytes=" + bytes.length + " bytes, checksum=" + checksum
                + ", uuidRewritten=" + uuidRewritten + "]";
    }
}

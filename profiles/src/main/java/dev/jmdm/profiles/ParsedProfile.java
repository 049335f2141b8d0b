package dev.jmdm.profiles;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A configuration profile that passed {@link ProfileParser} validation.
 *
 * @param identifier    the top-level PayloadIdentifier, stable across edits
 * @param uuid          the top-level PayloadUUID, which changes with every edit
 * @param displayName   the top-level PayloadDisplayName, or null when the profile has none
 * @param payloads      the PayloadContent entries, in the profile's order
 * @param signed        whether the upload was a CMS SignedData whose signature verified
 * @param signerSubject the RFC 2253 subject of the signer certificate, or null when unsigned
 * @param raw           the bytes as uploaded (the CMS structure when signed): what devices are sent
 * @param plist         the property list itself (the signed content when signed, else the same as raw)
 * @param checksum      lower-case hex SHA-256 of {@code raw}
 */
public record ParsedProfile(
        String identifier,
        String uuid,
        String displayName,
        List<Payload> payloads,
        boolean signed,
        String signerSubject,
        byte[] raw,
        byte[] plist,
        String checksum) {

    /** One PayloadContent entry; displayName is null when the payload has none. */
    public record Payload(String type, String identifier, String uuid, String displayName) {
        public Payload {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(identifier, "identifier");
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    public ParsedProfile {
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(checksum, "checksum");
        payloads = List.copyOf(payloads);
        raw = raw.clone();
        plist = plist.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public byte[] plist() {
        return plist.clone();
    }

    // The byte arrays are compared by content, so two parses of the same upload are equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof ParsedProfile p
                && identifier.equals(p.identifier)
                && uuid.equals(p.uuid)
                && Objects.equals(displayName, p.displayName)
                && payloads.equals(p.payloads)
                && signed == p.signed
                && Objects.equals(signerSubject, p.signerSubject)
                && Arrays.equals(raw, p.raw)
                && Arrays.equals(plist, p.plist)
                && checksum.equals(p.checksum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identifier, uuid, checksum);
    }

    @Override
    public String toString() {
        return "ParsedProfile[identifier=" + identifier + ", uuid=" + uuid + ", displayName=" + displayName
                + ", payloads=" + payloads + ", signed=" + signed + ", signerSubject=" + signerSubject
                + ", raw=" + raw.length + " bytes, plist=" + plist.length + " bytes, checksum=" + checksum + "]";
    }
}

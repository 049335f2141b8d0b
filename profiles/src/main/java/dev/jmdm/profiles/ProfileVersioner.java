package dev.jmdm.profiles;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListFormatException;
import dev.jmdm.plist.UntrustedPlist;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Decides what an upload means against the latest stored version of the same PayloadIdentifier: a new
 * profile, an edit, or the same profile again.
 *
 * <p>Devices tell versions apart by PayloadUUID only: a device that holds a PayloadUUID considers itself
 * up to date. So an edit must carry a PayloadUUID no earlier version had. Tools and hand edits often keep
 * the old one; for an unsigned upload the server then writes a new PayloadUUID into the profile (and says
 * so). The new UUID is derived from the identifier and the upload's checksum, so uploading the same file
 * twice gives the same bytes twice and is recognised as unchanged. A signed upload cannot be rewritten
 * without breaking its signature, so that case is refused.
 */
public final class ProfileVersioner {
    private ProfileVersioner() {
    }

    /**
     * @param upload           a profile that passed {@link ProfileParser}
     * @param latest           the latest stored version of {@code upload.identifier()}, if any
     * @param displayNameOwner the identifier of the stored profile already named with a given
     *                         PayloadDisplayName, if any
     * @throws ProfileValidationException when the display name belongs to another profile, or a signed
     *                                    upload reuses an earlier PayloadUUID with different content
     */
    public static VersionedProfile decide(ParsedProfile upload, Optional<StoredProfile> latest,
            Function<String, Optional<String>> displayNameOwner) throws ProfileValidationException {
        refuseTakenDisplayName(upload, displayNameOwner);
        if (latest.isEmpty()) {
            return new VersionedProfile(VersionedProfile.Outcome.CREATED, upload.identifier(), 1, upload.uuid(),
                    upload.raw(), upload.checksum(), false);
        }
        StoredProfile stored = latest.get();
        if (!stored.identifier().equals(upload.identifier())) {
            throw new IllegalArgumentException("the stored profile " + stored.identifier()
                    + " is not a version of the upload " + upload.identifier());
        }
        byte[] storedBytes = stored.bytes();
        byte[] storedContent = SignedProfile.looksLikeCms(storedBytes) ? SignedProfile.contentOf(storedBytes) : storedBytes;
        // Compares the property lists, not the uploads: a profile signed again without changes is no edit.
        if (Arrays.equals(upload.plist(), storedContent)) {
            return unchanged(stored, storedBytes);
        }
        if (!reusesUuid(upload.uuid(), stored)) {
            return edited(stored, upload.raw(), upload.checksum(), upload.uuid(), false);
        }
        if (upload.signed()) {
            throw new ProfileValidationException("the signed profile reuses the PayloadUUID " + upload.uuid()
                    + " of an earlier version with different content, and a signed profile cannot be rewritten:"
                    + " give it a new PayloadUUID and sign it again");
        }
        String uuid = derivedUuid(upload);
        byte[] rewritten = withUuid(upload, uuid);
        if (Arrays.equals(rewritten, storedBytes)) {
            return unchanged(stored, storedBytes);
        }
        return edited(stored, rewritten, Sha256.hex(rewritten), uuid, true);
    }

    private static void refuseTakenDisplayName(ParsedProfile upload, Function<String, Optional<String>> displayNameOwner)
            throws ProfileValidationException {
        if (upload.displayName() == null) {
            return;
        }
        Optional<String> owner = displayNameOwner.apply(upload.displayName());
        if (owner.isPresent() && !owner.get().equals(upload.identifier())) {
            throw new ProfileValidationException("the PayloadDisplayName '" + upload.displayName()
                    + "' is already used by the profile " + owner.get());
        }
    }

    // UUIDs compare without regard to case (RFC 4122): "abc..." and "ABC..." are one PayloadUUID.
    private static boolean reusesUuid(String uuid, StoredProfile stored) {
        return uuid.equalsIgnoreCase(stored.uuid())
                || stored.earlierUuids().stream().anyMatch(uuid::equalsIgnoreCase);
    }

    private static String derivedUuid(ParsedProfile upload) {
        byte[] name = (upload.identifier() + "\n" + upload.checksum()).getBytes(StandardCharsets.UTF_8);
        return UUID.nameUUIDFromBytes(name).toString().toUpperCase(Locale.ROOT);
    }

    /** The upload as an XML property list with a new top-level PayloadUUID, every other key in place. */
    private static byte[] withUuid(ParsedProfile upload, String uuid) throws ProfileValidationException {
        byte[] plist = upload.plist();
        try {
            if (!UntrustedPlist.isBinary(plist) && UntrustedPlist.hasIntegerBeyond64Bits(plist)) {
                throw new ProfileValidationException("the profile reuses the PayloadUUID " + upload.uuid()
                        + " of an earlier version with different content, and the server cannot rewrite it: it holds an"
                        + " <integer> beyond 64 bits, which would not survive; give it a new PayloadUUID yourself");
            }
            NSDictionary root = (NSDictionary) UntrustedPlist.read(plist);
            root.put("PayloadUUID", uuid); // replacing a key keeps its position in dd-plist's LinkedHashMap
            return root.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
        } catch (PropertyListFormatException e) {
            throw new IllegalStateException("a profile that passed validation no longer parses", e);
        }
    }

    private static VersionedProfile unchanged(StoredProfile stored, byte[] storedBytes) {
        return new VersionedProfile(VersionedProfile.Outcome.UNCHANGED, stored.identifier(), stored.version(),
                stored.uuid(), storedBytes, Sha256.hex(storedBytes), false);
    }

    private static VersionedProfile edited(StoredProfile stored, byte[] bytes, String checksum, String uuid,
            boolean rewritten) {
        return new VersionedProfile(VersionedProfile.Outcome.EDITED, stored.identifier(), stored.version() + 1, uuid,
                bytes, checksum, rewritten);
    }
}

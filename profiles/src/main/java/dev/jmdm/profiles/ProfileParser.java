package dev.jmdm.profiles;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListFormatException;
import dev.jmdm.plist.UntrustedPlist;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates an uploaded configuration profile (.mobileconfig): an XML or binary property list,
 * or either wrapped in CMS SignedData. Thread-safe; keep one.
 *
 * <p>Rules (Apple's TopLevel schema, plus the server's own): PayloadType is {@code Configuration};
 * PayloadIdentifier and PayloadUUID are non-empty strings; PayloadContent is an array of dictionaries,
 * each with non-empty string PayloadType, PayloadIdentifier and PayloadUUID; payload identifiers are
 * unique within the profile; no payload has a type the server installs itself (the enrollment profile's
 * MDM and identity payloads). Encrypted profiles are refused: their payloads cannot be checked.
 *
 * <p>The top level must also fit the store and the API: PayloadIdentifier and PayloadDisplayName at most
 * {@value #MAX_IDENTIFIER} characters, PayloadUUID at most {@value #MAX_UUID}; the identifier and UUID
 * without leading or trailing white space (MariaDB's PAD SPACE collations treat "a " as "a", so such a
 * profile would collide with another), and the identifier without '/', '?' or '#', which would make
 * its {@code /v1/profiles/{identifier}} paths unreachable.
 */
public final class ProfileParser {
    /**
     * Payload types the enrollment profile carries: a second MDM payload or identity payload installed
     * through InstallProfile would fight the enrollment.
     */
    public static final Set<String> DEFAULT_RESERVED_PAYLOAD_TYPES =
            Set.of("com.apple.mdm", "com.apple.security.scep", "com.apple.security.acme");

    private static final String CONFIGURATION = "Configuration";
    /** Longest PayloadIdentifier and PayloadDisplayName, in characters. */
    public static final int MAX_IDENTIFIER = 255;
    public static final int MAX_DISPLAY_NAME = 255;
    public static final int MAX_UUID = 127;

    private final Set<String> reservedPayloadTypes;

    public ProfileParser() {
        this(DEFAULT_RESERVED_PAYLOAD_TYPES);
    }

    public ProfileParser(Set<String> reservedPayloadTypes) {
        this.reservedPayloadTypes = Set.copyOf(reservedPayloadTypes);
    }

    public ParsedProfile parse(byte[] raw) throws ProfileValidationException {
        if (raw == null || raw.length == 0) {
            throw new ProfileValidationException("the profile is empty");
        }
        boolean signed = SignedProfile.looksLikeCms(raw);
        SignedProfile.Verified unwrapped = signed ? SignedProfile.verify(raw) : null;
        byte[] plist = signed ? unwrapped.content() : raw;

        NSObject root;
        try {
            root = UntrustedPlist.read(plist);
        } catch (PropertyListFormatException e) {
            throw new ProfileValidationException((signed ? "the signed content is " : "the profile is ")
                    + "not a valid property list: " + e.getMessage(), e);
        }
        if (!(root instanceof NSDictionary top)) {
            throw new ProfileValidationException("the profile's root is not a dictionary");
        }

        String type = requiredString(top, "PayloadType", "the profile");
        if (!CONFIGURATION.equals(type)) {
            throw new ProfileValidationException("the profile's PayloadType is '" + type + "', expected '" + CONFIGURATION + "'");
        }
        String identifier = requiredString(top, "PayloadIdentifier", "the profile");
        String uuid = requiredString(top, "PayloadUUID", "the profile");
        String displayName = optionalString(top, "PayloadDisplayName", "the profile");
        fits("PayloadIdentifier", identifier, MAX_IDENTIFIER);
        fits("PayloadUUID", uuid, MAX_UUID);
        if (displayName != null) {
            fits("PayloadDisplayName", displayName, MAX_DISPLAY_NAME);
        }
        unpadded("PayloadIdentifier", identifier);
        unpadded("PayloadUUID", uuid);
        for (char c : new char[] {'/', '?', '#'}) {
            if (identifier.indexOf(c) >= 0) {
                throw new ProfileValidationException("the profile's PayloadIdentifier '" + identifier + "' contains '" + c
                        + "', which cannot stand in a URL path; use letters, digits, '.', '-' and '_'");
            }
        }
        List<ParsedProfile.Payload> payloads = payloads(top);

        return new ParsedProfile(identifier, uuid, displayName, payloads, signed,
                signed ? unwrapped.signerSubject() : null, raw, plist, Sha256.hex(raw));
    }

    private List<ParsedProfile.Payload> payloads(NSDictionary top) throws ProfileValidationException {
        NSObject content = top.get("PayloadContent");
        if (content == null) {
            throw new ProfileValidationException(top.containsKey("EncryptedPayloadContent")
                    ? "the profile is encrypted (EncryptedPayloadContent): its payloads cannot be validated, upload it unencrypted"
                    : "the profile has no PayloadContent");
        }
        if (!(content instanceof NSArray array)) {
            throw new ProfileValidationException("the profile's PayloadContent is not an array");
        }
        List<ParsedProfile.Payload> payloads = new ArrayList<>(array.count());
        Map<String, Integer> indexByIdentifier = new HashMap<>();
        for (int i = 0; i < array.count(); i++) {
            String where = "PayloadContent[" + i + "]";
            if (!(array.objectAtIndex(i) instanceof NSDictionary item)) {
                throw new ProfileValidationException(where + " is not a dictionary");
            }
            ParsedProfile.Payload payload = new ParsedProfile.Payload(
                    requiredString(item, "PayloadType", where),
                    requiredString(item, "PayloadIdentifier", where),
                    requiredString(item, "PayloadUUID", where),
                    optionalString(item, "PayloadDisplayName", where));
            Integer first = indexByIdentifier.putIfAbsent(payload.identifier(), i);
            if (first != null) {
                throw new ProfileValidationException(where + " repeats the PayloadIdentifier '" + payload.identifier()
                        + "' of PayloadContent[" + first + "]");
            }
            payloads.add(payload);
        }
        refuseReservedTypes(payloads);
        return payloads;
    }

    // Checked after the structure so that one message names every reserved payload.
    private void refuseReservedTypes(List<ParsedProfile.Payload> payloads) throws ProfileValidationException {
        List<String> reserved = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            if (reservedPayloadTypes.contains(payloads.get(i).type())) {
                reserved.add(payloads.get(i).type() + " (PayloadContent[" + i + "])");
            }
        }
        if (!reserved.isEmpty()) {
            throw new ProfileValidationException("the profile carries payload types the server reserves for itself: "
                    + String.join(", ", reserved));
        }
    }

    private static void fits(String key, String value, int max) throws ProfileValidationException {
        // UTF-16 units, as H2 counts a VARCHAR's length (an emoji is two); MariaDB would take more, both must refuse alike
        int length = value.length();
        if (length > max) {
            throw new ProfileValidationException("the profile's " + key + " is " + length + " characters long; at most "
                    + max + " are allowed");
        }
    }

    private static void unpadded(String key, String value) throws ProfileValidationException {
        if (!value.strip().equals(value)) {
            throw new ProfileValidationException("the profile's " + key + " '" + value
                    + "' begins or ends with white space; remove it");
        }
    }

    private static String requiredString(NSDictionary dict, String key, String where) throws ProfileValidationException {
        String value = optionalString(dict, key, where);
        if (value == null) {
            throw new ProfileValidationException(where + " has no " + key);
        }
        if (value.isBlank()) {
            throw new ProfileValidationException(where + " has an empty " + key);
        }
        return value;
    }

    private static String optionalString(NSDictionary dict, String key, String where) throws ProfileValidationException {
        NSObject value = dict.get(key);
        if (value != null && !(value instanceof NSString)) {
            throw new ProfileValidationException(where + "'s " + key + " is not a string");
        }
        return value == null ? null : ((NSString) value).getContent();
    }
}

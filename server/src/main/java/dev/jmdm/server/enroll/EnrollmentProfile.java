package dev.jmdm.server.enroll;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import dev.jmdm.server.scep.ScepPayload;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The enrollment profile's plist: an identity payload ({@code com.apple.security.scep} by default, or
 * {@code com.apple.security.pkcs12}) and the {@code com.apple.mdm} payload pointing at it. Keys as in Apple's schema
 * (device-management {@code mdm/profiles/com.apple.mdm.yaml}, {@code com.apple.security.pkcs12.yaml},
 * {@code com.apple.security.scep.yaml}) and nanomdm's example profile.
 */
final class EnrollmentProfile {
    static final String IDENTIFIER = "dev.jmdm.enroll";
    /** Every MDM access right (1 through 4096 summed): the server may send every command. */
    static final int ACCESS_RIGHTS_ALL = 8191;
    static final String PER_USER_CONNECTIONS = "com.apple.mdm.per-user-connections";
    static final String BOOTSTRAP_TOKEN = "com.apple.mdm.bootstraptoken";

    private EnrollmentProfile() {
    }

    /**
     * @param baseUrl the server's public base URL; ServerURL is {@code /mdm}, CheckInURL {@code /mdm/checkin}
     * @param topic the push certificate's topic (its subject UID)
     * @param pkcs12 the device identity, protected by {@code password}
     */
    static byte[] plist(URI baseUrl, String topic, byte[] pkcs12, String password) {
        String identityUuid = uuid();
        return plist(baseUrl, topic, pkcs12Payload(pkcs12, password, identityUuid), identityUuid);
    }

    /** A profile whose identity comes from {@code /scep} with the given one-time challenge. */
    static byte[] scepPlist(URI baseUrl, String topic, String challenge) {
        String identityUuid = uuid();
        return plist(baseUrl, topic, ScepPayload.dictionary(baseUrl, challenge, IDENTIFIER + ".scep", identityUuid), identityUuid);
    }

    private static NSDictionary pkcs12Payload(byte[] pkcs12, String password, String identityUuid) {
        NSDictionary identity = new NSDictionary();
        identity.put("PayloadType", "com.apple.security.pkcs12");
        identity.put("PayloadIdentifier", IDENTIFIER + ".identity");
        identity.put("PayloadUUID", identityUuid);
        identity.put("PayloadVersion", 1);
        identity.put("PayloadDisplayName", "MDM identity");
        identity.put("PayloadCertificateFileName", "mdm-identity.p12");
        identity.put("PayloadContent", new NSData(pkcs12));
        identity.put("Password", password);
        return identity;
    }

    private static byte[] plist(URI baseUrl, String topic, NSDictionary identity, String identityUuid) {
        NSDictionary mdm = new NSDictionary();
        mdm.put("PayloadType", "com.apple.mdm");
        mdm.put("PayloadIdentifier", IDENTIFIER + ".mdm");
        mdm.put("PayloadUUID", uuid());
        mdm.put("PayloadVersion", 1);
        mdm.put("PayloadDisplayName", "Device management");
        mdm.put("ServerURL", baseUrl + "/mdm");
        mdm.put("CheckInURL", baseUrl + "/mdm/checkin");
        mdm.put("Topic", topic);
        mdm.put("IdentityCertificateUUID", identityUuid);
        mdm.put("AccessRights", ACCESS_RIGHTS_ALL);
        mdm.put("SignMessage", true);
        mdm.put("CheckOutWhenRemoved", true);
        mdm.put("ServerCapabilities", new NSArray(new NSString(PER_USER_CONNECTIONS), new NSString(BOOTSTRAP_TOKEN)));

        NSDictionary profile = new NSDictionary();
        profile.put("PayloadType", "Configuration");
        profile.put("PayloadIdentifier", IDENTIFIER);
        profile.put("PayloadUUID", uuid());
        profile.put("PayloadVersion", 1);
        profile.put("PayloadDisplayName", "MDM enrollment");
        profile.put("PayloadDescription", "Enrolls this device in device management at " + baseUrl.getHost());
        profile.put("PayloadContent", new NSArray(identity, mdm));
        return profile.toXMLPropertyList().getBytes(StandardCharsets.UTF_8);
    }

    private static String uuid() {
        return UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
    }
}

package dev.jmdm.server.scep;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import java.net.URI;

/**
 * The {@code com.apple.security.scep} payload of an enrollment profile, keys as in Apple's schema
 * (device-management {@code mdm/profiles/com.apple.security.scep.yaml}): the device makes an RSA 2048 key, asks
 * {@code /scep} for a certificate with the challenge, and the {@code com.apple.mdm} payload's
 * IdentityCertificateUUID points here. The subject names the device: macOS fills in its hardware UUID (its UDID).
 */
public final class ScepPayload {
    public static final String PAYLOAD_TYPE = "com.apple.security.scep";
    public static final String SUBJECT_CN = "%HardwareUUID%";
    static final int KEY_SIZE = 2048;
    /** Signing (1) and encryption (4): the identity signs check-ins and may be used for TLS key exchange. */
    static final int KEY_USAGE = 5;

    private ScepPayload() {
    }

    /**
     * @param baseUrl the server's public base URL; the SCEP URL is {@code /scep} under it
     */
    public static NSDictionary dictionary(URI baseUrl, String challenge, String identifier, String uuid) {
        NSDictionary content = new NSDictionary();
        content.put("URL", baseUrl + "/scep");
        content.put("Name", "jmdm");
        content.put("Subject", new NSArray(new NSArray(new NSArray(new NSString("CN"), new NSString(SUBJECT_CN)))));
        content.put("Challenge", challenge);
        content.put("Keysize", KEY_SIZE);
        content.put("Key Type", "RSA");
        content.put("Key Usage", KEY_USAGE);

        NSDictionary payload = new NSDictionary();
        payload.put("PayloadType", PAYLOAD_TYPE);
        payload.put("PayloadIdentifier", identifier);
        payload.put("PayloadUUID", uuid);
        payload.put("PayloadVersion", 1);
        payload.put("PayloadDisplayName", "MDM identity (SCEP)");
        payload.put("PayloadContent", content);
        return payload;
    }
}

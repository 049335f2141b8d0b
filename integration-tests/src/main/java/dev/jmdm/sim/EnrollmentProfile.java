package dev.jmdm.sim;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListParser;
import dev.jmdm.certsdev.Issued;
import dev.jmdm.certsdev.Pkcs12;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import java.security.cert.X509Certificate;
import java.util.Collection;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;

/**
 * An MDM enrollment profile ({@code .mobileconfig}) read as a device installs it: the CMS signature checked, the
 * {@code com.apple.mdm} payload, and the identity its {@code IdentityCertificateUUID} points at, opened with the
 * PKCS#12 payload's own {@code Password}, or obtained from the {@code com.apple.security.scep} payload's server
 * ({@link #install}: the device makes its key and runs SCEP with the payload's challenge). No ACME payload.
 *
 * @param identity the identity, or null for a SCEP profile not installed yet
 * @param signer the certificate that signed the profile, or null when it came unsigned
 */
public record EnrollmentProfile(NSDictionary plist, NSDictionary mdmPayload, NSDictionary identityPayload, Issued identity,
        X509Certificate signer) {

    /**
     * @throws IllegalArgumentException when the bytes are not such a profile, or its signature does not verify
     */
    public static EnrollmentProfile read(byte[] mobileconfig) {
        X509Certificate signer = null;
        byte[] plistBytes = mobileconfig;
        if (mobileconfig.length > 0 && mobileconfig[0] == 0x30) { // DER SEQUENCE: CMS SignedData, not plist text
            try {
                CMSSignedData signed = new CMSSignedData(mobileconfig);
                SignerInformation info = signed.getSignerInfos().getSigners().iterator().next();
                @SuppressWarnings("unchecked")
                Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(info.getSID());
                signer = new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
                if (!info.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                    throw new IllegalArgumentException("the profile's signature does not verify");
                }
                plistBytes = (byte[]) signed.getSignedContent().getContent();
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalArgumentException("the profile is not valid CMS signed data: " + e.getMessage(), e);
            }
        }
        NSDictionary plist;
        try {
            plist = (NSDictionary) PropertyListParser.parse(plistBytes);
        } catch (Exception e) {
            throw new IllegalArgumentException("the profile is not a plist dictionary: " + e.getMessage(), e);
        }
        NSDictionary mdm = null;
        NSObject payloads = plist.get("PayloadContent");
        if (!(payloads instanceof NSArray array)) {
            throw new IllegalArgumentException("the profile has no PayloadContent array");
        }
        for (NSObject o : array.getArray()) {
            if (o instanceof NSDictionary d && "com.apple.mdm".equals(string(d, "PayloadType"))) {
                mdm = d;
            }
        }
        if (mdm == null) {
            throw new IllegalArgumentException("the profile has no com.apple.mdm payload");
        }
        String identityUuid = string(mdm, "IdentityCertificateUUID");
        for (NSObject o : array.getArray()) {
            if (o instanceof NSDictionary d && identityUuid != null && identityUuid.equals(string(d, "PayloadUUID"))) {
                if (SCEP.equals(string(d, "PayloadType"))) {
                    return new EnrollmentProfile(plist, mdm, d, null, signer);
                }
                byte[] p12 = (byte[]) d.get("PayloadContent").toJavaObject();
                String password = string(d, "Password");
                Issued identity = Pkcs12.decode(p12, (password == null ? "" : password).toCharArray());
                return new EnrollmentProfile(plist, mdm, d, identity, signer);
            }
        }
        throw new IllegalArgumentException("the profile holds no payload with the IdentityCertificateUUID " + identityUuid);
    }

    static final String SCEP = "com.apple.security.scep";

    /**
     * Reads the profile and, when its identity is a SCEP payload, installs it as a device does: an RSA key of the
     * payload's Keysize, the payload's Subject with {@code %HardwareUUID%} replaced by the UDID, a PKCSReq with
     * its Challenge to its URL.
     *
     * @throws IllegalStateException when the SCEP server refuses (the message says why)
     */
    public static EnrollmentProfile install(byte[] mobileconfig, HttpClient http, String udid) throws Exception {
        EnrollmentProfile p = read(mobileconfig);
        return p.identity() != null ? p : p.enrollScep(http, udid);
    }

    /** Whether the identity comes from SCEP. */
    public boolean isScep() {
        return SCEP.equals(string(identityPayload, "PayloadType"));
    }

    /** The SCEP payload's inner dictionary (URL, Challenge, Subject, Keysize...). */
    public NSDictionary scepContent() {
        return (NSDictionary) identityPayload.get("PayloadContent");
    }

    /** Runs the SCEP payload: this profile with the identity the server issued. */
    public EnrollmentProfile enrollScep(HttpClient http, String udid) throws Exception {
        NSDictionary content = scepContent();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        NSObject size = content.get("Keysize");
        g.initialize(size == null ? 2048 : ((Number) size.toJavaObject()).intValue());
        KeyPair keys = g.generateKeyPair();
        ScepClient scep = new ScepClient(http, URI.create(string(content, "URL")));
        ScepClient.Reply reply = scep.enroll(keys, subject(content, udid), string(content, "Challenge"));
        if (!reply.success()) {
            throw new IllegalStateException("SCEP refused: HTTP " + reply.httpStatus() + " pkiStatus " + reply.pkiStatus() + " failInfo "
                    + reply.failInfo() + " " + (reply.failInfoText() != null ? reply.failInfoText() : reply.body()));
        }
        Issued identity = new Issued(reply.certificate(), keys.getPrivate(), List.of(scep.caCertificate()));
        return new EnrollmentProfile(plist, mdmPayload, identityPayload, identity, signer);
    }

    /** The payload's Subject (an array of RDNs, each an array of [type, value] pairs) with the device's variables filled in. */
    static X500Name subject(NSDictionary content, String udid) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        NSObject subject = content.get("Subject");
        if (subject instanceof NSArray rdns) {
            for (NSObject rdn : rdns.getArray()) {
                for (NSObject pair : ((NSArray) rdn).getArray()) {
                    NSObject[] kv = ((NSArray) pair).getArray();
                    String value = kv[1].toJavaObject().toString().replace("%HardwareUUID%", udid);
                    b.addRDN(BCStyle.INSTANCE.attrNameToOID(kv[0].toJavaObject().toString()), value);
                }
            }
        }
        return b.build();
    }

    public URI serverUrl() {
        return URI.create(string(mdmPayload, "ServerURL"));
    }

    /** CheckInURL, or ServerURL when the profile has none (devices then check in there). */
    public URI checkInUrl() {
        String checkIn = string(mdmPayload, "CheckInURL");
        return checkIn == null ? serverUrl() : URI.create(checkIn);
    }

    public String topic() {
        return string(mdmPayload, "Topic");
    }

    /** A transport to the profile's ServerURL and CheckInURL through the given client. */
    public DeviceTransport transport(java.net.http.HttpClient client) {
        return new DeviceTransport(client, serverUrl(), checkInUrl());
    }

    private static String string(NSDictionary d, String key) {
        NSObject o = d.get(key);
        return o == null ? null : o.toJavaObject().toString();
    }
}

package dev.jmdm.apns;

import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/** Reads the APNs topic out of a push certificate. */
final class PushTopic {
    /**
     * Every MDM topic starts with this; app push certificates carry a bundle id instead, and APNs refuses MDM pushes
     * sent with them.
     */
    static final String MDM_PREFIX = "com.apple.mgmt";

    private PushTopic() {
    }

    /**
     * The subject's UID attribute (0.9.2342.19200300.100.1.1), which is where Apple puts the topic in the certificates
     * identity.apple.com issues, e.g. {@code com.apple.mgmt.External.<uuid>}.
     */
    static String of(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] uids = subject.getRDNs(BCStyle.UID);
        if (uids.length == 0 || !(uids[0].getFirst().getValue() instanceof ASN1String uid) || uid.getString().isBlank()) {
            throw new PushCertificateException("the certificate's subject (" + subject
                    + ") has no UID attribute, so it names no push topic: use the MDM push certificate from"
                    + " https://identity.apple.com, not a TLS or device certificate");
        }
        String topic = uid.getString();
        if (!topic.startsWith(MDM_PREFIX)) {
            throw new PushCertificateException("the certificate's topic \"" + topic + "\" is not an MDM topic (it must start"
                    + " with " + MDM_PREFIX + "); this looks like an app push certificate, not an MDM push certificate");
        }
        return topic;
    }
}

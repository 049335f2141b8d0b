package dev.jmdm.server.scep;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** The SCEP authenticated attributes and their values (RFC 8894 section 3.2.1). */
final class ScepAttributes {
    private static final String VERISIGN_ATTRIBUTES = "2.16.840.1.113733.1.9";
    static final ASN1ObjectIdentifier MESSAGE_TYPE = new ASN1ObjectIdentifier(VERISIGN_ATTRIBUTES + ".2");
    static final ASN1ObjectIdentifier PKI_STATUS = new ASN1ObjectIdentifier(VERISIGN_ATTRIBUTES + ".3");
    static final ASN1ObjectIdentifier FAIL_INFO = new ASN1ObjectIdentifier(VERISIGN_ATTRIBUTES + ".4");
    static final ASN1ObjectIdentifier SENDER_NONCE = new ASN1ObjectIdentifier(VERISIGN_ATTRIBUTES + ".5");
    static final ASN1ObjectIdentifier RECIPIENT_NONCE = new ASN1ObjectIdentifier(VERISIGN_ATTRIBUTES + ".6");
    static final ASN1ObjectIdentifier TRANSACTION_ID = new ASN1ObjectIdentifier(VERISIGN_ATTRIBUTES + ".7");
    /** id-scep-failInfoText (RFC 8894 section 3.2.1.4.5): a human-readable reason beside failInfo. */
    static final ASN1ObjectIdentifier FAIL_INFO_TEXT = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.24.1");

    private ScepAttributes() {
    }

    /** messageType values (RFC 8894 section 3.2.1.2), sent as decimal PrintableStrings. */
    enum MessageType {
        CERT_REP(3), RENEWAL_REQ(17), PKCS_REQ(19), CERT_POLL(20), GET_CERT(21), GET_CRL(22);

        final int code;

        MessageType(int code) {
            this.code = code;
        }

        static MessageType of(String value) {
            for (MessageType t : values()) {
                if (String.valueOf(t.code).equals(value)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** pkiStatus values: this server never answers PENDING, it decides at once. */
    enum PkiStatus {
        SUCCESS(0), FAILURE(2);

        final int code;

        PkiStatus(int code) {
            this.code = code;
        }
    }

    /** failInfo values (RFC 8894 section 3.2.1.4). */
    enum FailInfo {
        /** Unrecognised or unsupported algorithm. */
        BAD_ALG(0),
        /** The integrity check (the signature over the message or the request) failed. */
        BAD_MESSAGE_CHECK(1),
        /** The transaction is not permitted or not supported: a bad, used or expired challenge among others. */
        BAD_REQUEST(2),
        /** The signing time was too far off. */
        BAD_TIME(3),
        /** No certificate could be identified (a RenewalReq signed by a certificate not issued here). */
        BAD_CERT_ID(4);

        final int code;

        FailInfo(int code) {
            this.code = code;
        }
    }
}

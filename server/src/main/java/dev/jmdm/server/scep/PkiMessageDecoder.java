package dev.jmdm.server.scep;

import java.security.PrivateKey;
import java.util.Collection;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessable;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Reads a pkiMessage (RFC 8894 section 3.2): CMS SignedData, signed by the requester, whose authenticated
 * attributes carry messageType, transactionID and senderNonce, around an EnvelopedData encrypted to the CA that
 * holds the PKCS#10 request. Anything short of those attributes and a signer certificate is malformed (400);
 * a signature that does not verify or an envelope that does not open is a FAILURE CertRep.
 */
final class PkiMessageDecoder {
    /** A transactionID is a hash or a random string; anything longer is not one (and would not fit the column). */
    static final int MAX_TRANSACTION_ID = 255;
    static final int MIN_NONCE = 8;
    static final int MAX_NONCE = 64;

    private final PrivateKey caKey;

    PkiMessageDecoder(PrivateKey caKey) {
        this.caKey = caKey;
    }

    PkiRequest decode(byte[] body) {
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(body);
        } catch (CMSException | RuntimeException e) {
            throw new MalformedPkiMessage("the body is not a PKCS#7 (CMS) SignedData pkiMessage: " + reason(e));
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new MalformedPkiMessage("a pkiMessage has exactly one signer; this one has " + signers.size());
        }
        SignerInformation info = signers.iterator().next();
        AttributeTable attributes = info.getSignedAttributes();
        if (attributes == null) {
            throw new MalformedPkiMessage("the pkiMessage has no authenticated attributes (messageType, transactionID, senderNonce)");
        }
        String typeValue = string(attributes, ScepAttributes.MESSAGE_TYPE, "messageType");
        String transactionId = string(attributes, ScepAttributes.TRANSACTION_ID, "transactionID");
        if (transactionId.isEmpty() || transactionId.length() > MAX_TRANSACTION_ID) {
            throw new MalformedPkiMessage("transactionID must be 1 to " + MAX_TRANSACTION_ID + " characters");
        }
        byte[] nonce = octets(attributes, ScepAttributes.SENDER_NONCE, "senderNonce");
        if (nonce.length < MIN_NONCE || nonce.length > MAX_NONCE) {
            throw new MalformedPkiMessage("senderNonce must be " + MIN_NONCE + " to " + MAX_NONCE + " bytes, not " + nonce.length);
        }
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(info.getSID());
        if (matches.isEmpty()) {
            throw new MalformedPkiMessage("the pkiMessage does not carry its signer's certificate");
        }
        X509CertificateHolder signer = matches.iterator().next();
        ScepAttributes.MessageType type = ScepAttributes.MessageType.of(typeValue);
        PkiRequest request = new PkiRequest(type, transactionId, nonce, signer, null, null, null, null);
        if (type != ScepAttributes.MessageType.PKCS_REQ && type != ScepAttributes.MessageType.RENEWAL_REQ) {
            return request.failed(ScepAttributes.FailInfo.BAD_REQUEST, "messageType " + typeValue + " is not supported here; "
                    + "send PKCSReq (19) or RenewalReq (17)");
        }
        try {
            if (!info.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                return request.failed(ScepAttributes.FailInfo.BAD_MESSAGE_CHECK, "the pkiMessage's signature does not verify");
            }
        } catch (Exception e) {
            return request.failed(ScepAttributes.FailInfo.BAD_MESSAGE_CHECK, "the pkiMessage's signature does not verify: " + reason(e));
        }
        CMSProcessable content = signed.getSignedContent();
        if (content == null || !(content.getContent() instanceof byte[] enveloped)) {
            throw new MalformedPkiMessage("the pkiMessage has no enveloped content (pkcsPKIEnvelope)");
        }
        CMSEnvelopedData envelope;
        try {
            envelope = new CMSEnvelopedData(enveloped);
        } catch (CMSException | RuntimeException e) {
            throw new MalformedPkiMessage("the pkiMessage's content is not a CMS EnvelopedData: " + reason(e));
        }
        byte[] plain;
        try {
            RecipientInformation recipient = envelope.getRecipientInfos().getRecipients().iterator().next();
            plain = recipient.getContent(new JceKeyTransEnvelopedRecipient(caKey));
        } catch (CMSException | RuntimeException e) {
            return request.failed(ScepAttributes.FailInfo.BAD_MESSAGE_CHECK,
                    "the envelope does not open with this CA's key (encrypt to the certificate of GetCACert): " + reason(e));
        }
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(plain);
        } catch (java.io.IOException | RuntimeException e) {
            throw new MalformedPkiMessage("the enveloped content is not a PKCS#10 certificate request: " + reason(e));
        }
        return new PkiRequest(type, transactionId, nonce, signer, csr, envelope.getContentEncryptionAlgorithm(), null, null);
    }

    private static String string(AttributeTable attributes, org.bouncycastle.asn1.ASN1ObjectIdentifier oid, String name) {
        ASN1Encodable value = value(attributes, oid, name);
        if (!(value instanceof ASN1String s)) {
            throw new MalformedPkiMessage(name + " is not a string");
        }
        return s.getString();
    }

    private static byte[] octets(AttributeTable attributes, org.bouncycastle.asn1.ASN1ObjectIdentifier oid, String name) {
        ASN1Encodable value = value(attributes, oid, name);
        if (!(value instanceof ASN1OctetString s)) {
            throw new MalformedPkiMessage(name + " is not an OCTET STRING");
        }
        return s.getOctets();
    }

    private static ASN1Encodable value(AttributeTable attributes, org.bouncycastle.asn1.ASN1ObjectIdentifier oid, String name) {
        Attribute a = attributes.get(oid);
        if (a == null || a.getAttrValues().size() != 1) {
            throw new MalformedPkiMessage("the pkiMessage has no single " + name + " attribute");
        }
        return a.getAttrValues().getObjectAt(0);
    }

    private static String reason(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}

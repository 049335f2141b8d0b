package dev.jmdm.server.scep;

import dev.jmdm.server.tls.PemIdentity;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSTypedData;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Writes CertReps (RFC 8894 section 3.3.2): SignedData signed by the CA with messageType 3, pkiStatus, failInfo
 * (and failInfoText) on failure, a fresh senderNonce, the request's nonce as recipientNonce and its transactionID.
 * A SUCCESS carries a certs-only SignedData holding the issued certificate, encrypted to the requester's
 * signing certificate with the cipher the requester used (or AES-128 when it used something else).
 */
final class CertRepEncoder {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 16;
    private static final Set<ASN1ObjectIdentifier> CIPHERS = Set.of(CMSAlgorithm.AES128_CBC, CMSAlgorithm.AES192_CBC,
            CMSAlgorithm.AES256_CBC, CMSAlgorithm.DES_EDE3_CBC);

    private final PemIdentity ca;

    CertRepEncoder(PemIdentity ca) {
        this.ca = ca;
    }

    byte[] success(PkiRequest request, X509Certificate issued) {
        try {
            CMSSignedDataGenerator certsOnly = new CMSSignedDataGenerator();
            // The issued certificate alone: a SET is sorted by encoding, and clients such as micromdm's take the first.
            certsOnly.addCertificates(new JcaCertStore(java.util.List.of(issued)));
            byte[] degenerate = certsOnly.generate(new CMSAbsentContent()).getEncoded("DER");
            CMSEnvelopedDataGenerator envelope = new CMSEnvelopedDataGenerator();
            envelope.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(
                    new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(request.signer())));
            ASN1ObjectIdentifier cipher = request.contentCipher() != null && CIPHERS.contains(request.contentCipher().getAlgorithm())
                    ? request.contentCipher().getAlgorithm() : CMSAlgorithm.AES128_CBC;
            byte[] enveloped = envelope.generate(new CMSProcessableByteArray(degenerate),
                    new JceCMSContentEncryptorBuilder(cipher).build()).getEncoded();
            return sign(request, ScepAttributes.PkiStatus.SUCCESS, null, null, new CMSProcessableByteArray(enveloped));
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the CertRep: " + e.getMessage(), e);
        }
    }

    byte[] failure(PkiRequest request, ScepAttributes.FailInfo info, String text) {
        try {
            return sign(request, ScepAttributes.PkiStatus.FAILURE, info, text, new CMSAbsentContent());
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the CertRep: " + e.getMessage(), e);
        }
    }

    private byte[] sign(PkiRequest request, ScepAttributes.PkiStatus status, ScepAttributes.FailInfo info, String text,
            CMSTypedData content) throws Exception {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(attribute(ScepAttributes.MESSAGE_TYPE, new DERPrintableString(String.valueOf(ScepAttributes.MessageType.CERT_REP.code))));
        attributes.add(attribute(ScepAttributes.PKI_STATUS, new DERPrintableString(String.valueOf(status.code))));
        if (info != null) {
            attributes.add(attribute(ScepAttributes.FAIL_INFO, new DERPrintableString(String.valueOf(info.code))));
            if (text != null) {
                attributes.add(attribute(ScepAttributes.FAIL_INFO_TEXT, new DERUTF8String(text)));
            }
        }
        attributes.add(attribute(ScepAttributes.SENDER_NONCE, new DEROctetString(nonce)));
        attributes.add(attribute(ScepAttributes.RECIPIENT_NONCE, new DEROctetString(request.senderNonce())));
        attributes.add(attribute(ScepAttributes.TRANSACTION_ID, new DERPrintableString(request.transactionId())));
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        var signer = new JcaContentSignerBuilder(DeviceCertificates.signatureAlgorithm(ca.privateKey())).build(ca.privateKey());
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                .build(signer, ca.certificate()));
        generator.addCertificate(new JcaX509CertificateHolder(ca.certificate()));
        return generator.generate(content, !(content instanceof CMSAbsentContent)).getEncoded("DER");
    }

    private static Attribute attribute(ASN1ObjectIdentifier oid, org.bouncycastle.asn1.ASN1Encodable value) {
        return new Attribute(oid, new DERSet(value));
    }
}

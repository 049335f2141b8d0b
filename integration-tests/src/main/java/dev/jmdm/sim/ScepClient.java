package dev.jmdm.sim;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A SCEP client (RFC 8894) as a device runs one while installing a {@code com.apple.security.scep} payload:
 * GetCACaps, GetCACert, then a PKCSReq (or RenewalReq) signed with a self-signed certificate of its new key (or
 * its current identity), the CSR enveloped to the CA with AES-128, and the CertRep's signature checked against
 * the CA before its envelope is opened. Built from BouncyCastle's CMS pieces; tests also use its message
 * builder to send what a broken or hostile client would.
 */
public final class ScepClient {
    static final ASN1ObjectIdentifier MESSAGE_TYPE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.2");
    static final ASN1ObjectIdentifier PKI_STATUS = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.3");
    static final ASN1ObjectIdentifier FAIL_INFO = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.4");
    static final ASN1ObjectIdentifier SENDER_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.5");
    static final ASN1ObjectIdentifier RECIPIENT_NONCE = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.6");
    static final ASN1ObjectIdentifier TRANSACTION_ID = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9.7");
    static final ASN1ObjectIdentifier FAIL_INFO_TEXT = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.24.1");
    public static final String PKCS_REQ = "19";
    public static final String RENEWAL_REQ = "17";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http;
    private final URI url;

    /** What the server answered: the HTTP status, and for a CertRep its attributes and the issued certificate. */
    public record Reply(int httpStatus, String body, String pkiStatus, String failInfo, String failInfoText, String transactionId,
            byte[] recipientNonce, X509Certificate certificate) {
        public boolean success() {
            return "0".equals(pkiStatus);
        }
    }

    /** A pkiMessage and what its CertRep must echo. */
    public record Message(byte[] der, String transactionId, byte[] senderNonce) {
    }

    public ScepClient(HttpClient http, URI url) {
        this.http = http;
        this.url = url;
    }

    public URI url() {
        return url;
    }

    public List<String> caps() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "?operation=GetCACaps")).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return List.of(r.body().strip().split("\\s*\\n\\s*"));
    }

    /** The CA certificate (the first of a chain when the server sends one). */
    public X509Certificate caCertificate() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + "?operation=GetCACert")).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException("GetCACert answered " + r.statusCode());
        }
        Collection<? extends java.security.cert.Certificate> certs =
                CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(r.body()));
        return (X509Certificate) certs.iterator().next();
    }

    /** Enrolls a new key: GetCACert, then a PKCSReq with the challenge. */
    public Reply enroll(KeyPair keys, X500Name subject, String challenge) throws Exception {
        X509Certificate ca = caCertificate();
        X509Certificate selfSigned = selfSigned(keys, subject);
        Message m = message(PKCS_REQ, csr(keys, subject, challenge), selfSigned, keys.getPrivate(), ca);
        return send(m, keys.getPrivate(), ca, true);
    }

    /** Renews: a RenewalReq for the new key, signed with the current identity. */
    public Reply renew(KeyPair keys, X500Name subject, X509Certificate current, PrivateKey currentKey) throws Exception {
        X509Certificate ca = caCertificate();
        Message m = message(RENEWAL_REQ, csr(keys, subject, null), current, currentKey, ca);
        return send(m, currentKey, ca, true);
    }

    /** Sends a pkiMessage by POST (or by GET in ?message=) and reads the CertRep, decrypting with {@code key}. */
    public Reply send(Message m, PrivateKey key, X509Certificate ca, boolean post) throws Exception {
        HttpRequest.Builder b = post
                ? HttpRequest.newBuilder(URI.create(url + "?operation=PKIOperation")).header("Content-Type", "application/x-pki-message")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(m.der()))
                : HttpRequest.newBuilder(URI.create(url + "?operation=PKIOperation&message="
                        + java.net.URLEncoder.encode(java.util.Base64.getEncoder().encodeToString(m.der()), StandardCharsets.US_ASCII))).GET();
        HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/x-pki-message")) {
            return new Reply(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), null, null, null, null, null, null);
        }
        return certRep(r.body(), key, ca);
    }

    /** Reads a CertRep: its signature must verify with the CA; a SUCCESS's envelope opens with {@code key}. */
    static Reply certRep(byte[] der, PrivateKey key, X509Certificate ca) throws Exception {
        CMSSignedData signed = new CMSSignedData(der);
        SignerInformation info = signed.getSignerInfos().getSigners().iterator().next();
        if (!info.verify(new JcaSimpleSignerInfoVerifierBuilder().build(ca))) {
            throw new IOException("the CertRep's signature does not verify with the CA certificate");
        }
        AttributeTable a = info.getSignedAttributes();
        String status = string(a, PKI_STATUS);
        X509Certificate issued = null;
        if ("0".equals(status)) {
            byte[] enveloped = (byte[]) signed.getSignedContent().getContent();
            CMSEnvelopedData envelope = new CMSEnvelopedData(enveloped);
            byte[] degenerate = envelope.getRecipientInfos().getRecipients().iterator().next()
                    .getContent(new JceKeyTransEnvelopedRecipient(key));
            for (X509CertificateHolder h : new CMSSignedData(degenerate).getCertificates().getMatches(null)) {
                X509Certificate c = new JcaX509CertificateConverter().getCertificate(h);
                if (c.getBasicConstraints() < 0) {
                    issued = c;
                }
            }
        }
        Attribute nonce = a.get(RECIPIENT_NONCE);
        return new Reply(200, null, status, string(a, FAIL_INFO), string(a, FAIL_INFO_TEXT), string(a, TRANSACTION_ID),
                nonce == null ? null : ((ASN1OctetString) nonce.getAttrValues().getObjectAt(0)).getOctets(), issued);
    }

    /** A PKCS#10 request, with the challenge as its challengePassword when given. */
    public static PKCS10CertificationRequest csr(KeyPair keys, X500Name subject, String challenge) throws Exception {
        JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic());
        if (challenge != null) {
            b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_challengePassword, new DERPrintableString(challenge));
        }
        return b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
    }

    /**
     * A pkiMessage: the CSR enveloped to the CA (AES-128-CBC), signed with the signer's key and certificate, under
     * the transactionID RFC 8894 suggests (the hex SHA-256 of the CSR's public key), so sending it again for the
     * same key is a retransmission; a fresh senderNonce each time.
     */
    public static Message message(String messageType, PKCS10CertificationRequest csr, X509Certificate signerCert, PrivateKey signerKey,
            X509Certificate ca) throws Exception {
        return message(messageType, csr, signerCert, signerKey, ca, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                csr.getSubjectPublicKeyInfo().getEncoded())));
    }

    /** A pkiMessage under the given transactionID. */
    public static Message message(String messageType, PKCS10CertificationRequest csr, X509Certificate signerCert, PrivateKey signerKey,
            X509Certificate ca, String transactionId) throws Exception {
        CMSEnvelopedDataGenerator envelope = new CMSEnvelopedDataGenerator();
        envelope.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(ca));
        byte[] enveloped = envelope.generate(new CMSProcessableByteArray(csr.getEncoded()),
                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES128_CBC).build()).getEncoded();
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(new Attribute(MESSAGE_TYPE, new DERSet(new DERPrintableString(messageType))));
        attributes.add(new Attribute(TRANSACTION_ID, new DERSet(new DERPrintableString(transactionId))));
        attributes.add(new Attribute(SENDER_NONCE, new DERSet(new DEROctetString(nonce))));
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(signerKey), signerCert));
        generator.addCertificates(new JcaCertStore(List.of(signerCert)));
        byte[] der = generator.generate(new CMSProcessableByteArray(enveloped), true).getEncoded("DER");
        return new Message(der, transactionId, nonce);
    }

    /** The short-lived self-signed certificate a PKCSReq is signed with (RFC 8894 section 2.3). */
    public static X509Certificate selfSigned(KeyPair keys, X500Name subject) throws Exception {
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).add(BigInteger.ONE), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    private static String string(AttributeTable a, ASN1ObjectIdentifier oid) {
        Attribute attr = a.get(oid);
        return attr == null ? null : ((ASN1String) attr.getAttrValues().getObjectAt(0)).getString();
    }

    /** Every certificate chain element a reader needs: the issued certificate's CA. */
    static List<X509Certificate> chainOf(X509Certificate ca) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(ca);
        return chain;
    }
}

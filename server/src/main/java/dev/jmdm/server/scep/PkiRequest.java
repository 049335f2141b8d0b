package dev.jmdm.server.scep;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A decoded SCEP pkiMessage. What a CertRep needs (transaction, nonce, signer) is always there; when the message
 * cannot be served, {@code failure} says why and the CertRep is a FAILURE.
 *
 * @param signer        the certificate the message was signed with (self-signed for PKCSReq): the CertRep is
 *                      encrypted to it
 * @param csr           the PKCS#10 request from the enveloped content; null when it could not be opened
 * @param contentCipher the content-encryption algorithm the client chose; the answer uses the same one
 */
record PkiRequest(ScepAttributes.MessageType type, String transactionId, byte[] senderNonce, X509CertificateHolder signer,
        PKCS10CertificationRequest csr, AlgorithmIdentifier contentCipher, ScepAttributes.FailInfo failure, String failureText) {

    PkiRequest failed(ScepAttributes.FailInfo info, String text) {
        return new PkiRequest(type, transactionId, senderNonce, signer, csr, contentCipher, info, text);
    }
}

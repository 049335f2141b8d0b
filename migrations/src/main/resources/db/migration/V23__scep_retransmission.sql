-- SCEP retransmissions (issue #15): a client that never received its CertRep sends the same PKCSReq again (same
-- transactionID, key and challenge); the server answers with the certificate it already issued instead of refusing
-- the spent challenge. Same conventions as V1: BIGINT epoch milliseconds, separate statements, no foreign keys.

-- cert_der: the issued certificate, to send again. NULL for rows issued before this migration (never resent).
ALTER TABLE scep_certificates ADD COLUMN cert_der MEDIUMBLOB NULL;
-- challenge_sha256: the one-time challenge that allowed a PKCSReq (NULL for the static challenge and renewals).
ALTER TABLE scep_certificates ADD COLUMN challenge_sha256 CHAR(64) NULL;
CREATE INDEX scep_certificates_transaction ON scep_certificates (transaction_id);

-- SCEP (issue #15). Same conventions as V1: BIGINT epoch milliseconds, separate CREATE INDEX
-- statements, no foreign keys.

-- One-time challenges, minted for each enrollment profile handed out; only their SHA-256 is stored.
-- link_id: the enrollment link the profile was downloaded through (NULL: the open /mdm/enroll).
-- for_device: the device the challenge is bound to (a renewal or, later, ADE); NULL for a profile.
CREATE TABLE scep_challenges (
    challenge_sha256    CHAR(64)     NOT NULL,
    purpose             VARCHAR(15)  NOT NULL,
    link_id             VARCHAR(36)  NULL,
    for_device          VARCHAR(255) NULL,
    created_at          BIGINT       NOT NULL,
    expires_at          BIGINT       NOT NULL,
    used_at             BIGINT       NULL,
    PRIMARY KEY (challenge_sha256)
);
CREATE INDEX scep_challenges_expires ON scep_challenges (expires_at);

-- Every certificate the SCEP server issued. udid is filled when a device first Authenticates with it;
-- ade_device is the seam for Automated Device Enrollment (the ABM device it was minted for).
-- renewal_queued_at: when the renewal sweep queued an InstallProfile of a fresh enrollment profile for it.
CREATE TABLE scep_certificates (
    serial              VARCHAR(64)   NOT NULL,
    cert_sha256         CHAR(64)      NOT NULL,
    subject             VARCHAR(1024) NOT NULL,
    not_before          BIGINT        NOT NULL,
    not_after           BIGINT        NOT NULL,
    issued_at           BIGINT        NOT NULL,
    message_type        VARCHAR(15)   NOT NULL,
    transaction_id      VARCHAR(255)  NOT NULL,
    link_id             VARCHAR(36)   NULL,
    for_device          VARCHAR(255)  NULL,
    ade_device          VARCHAR(255)  NULL,
    renews_sha256       CHAR(64)      NULL,
    udid                VARCHAR(255)  NULL,
    revoked_at          BIGINT        NULL,
    renewal_queued_at   BIGINT        NULL,
    PRIMARY KEY (serial)
);
CREATE UNIQUE INDEX scep_certificates_sha256 ON scep_certificates (cert_sha256);
CREATE INDEX scep_certificates_udid ON scep_certificates (udid);
CREATE INDEX scep_certificates_not_after ON scep_certificates (not_after);

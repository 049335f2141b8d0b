-- BYOD enrollment links: an admin hands out /mdm/enroll?token=...; only the token's SHA-256 is
-- stored. uses counts profile downloads; a download is allowed while the link is not revoked,
-- not expired and uses < max_uses (NULL: no limit), checked and counted in one UPDATE.
CREATE TABLE enrollment_links (
    id              VARCHAR(36)   NOT NULL,
    token_sha256    CHAR(64)      NOT NULL,
    note            VARCHAR(1000) NULL,
    created_at      BIGINT        NOT NULL,
    expires_at      BIGINT        NULL,
    max_uses        INT           NULL,
    uses            INT           NOT NULL DEFAULT 0,
    last_used_at    BIGINT        NULL,
    revoked_at      BIGINT        NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX enrollment_links_token ON enrollment_links (token_sha256);

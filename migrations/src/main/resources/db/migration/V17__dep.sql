-- Automated Device Enrollment (issue #15). Same conventions as V1: BIGINT epoch milliseconds, separate
-- CREATE INDEX statements, no foreign keys.

-- Devices Apple Business/School Manager assigned to this server, as the DEP sync last saw them.
-- profile_name: the ADE profile (dep_profiles.name) assigned to the device; NULL: none yet.
-- disowned_at: when ABM said the device was disowned or deleted (kept, marked, for the record).
CREATE TABLE dep_devices (
    serial_number       VARCHAR(64)   NOT NULL,
    token_name          VARCHAR(100)  NOT NULL,
    model               VARCHAR(255)  NULL,
    description         VARCHAR(255)  NULL,
    color               VARCHAR(64)   NULL,
    device_family       VARCHAR(64)   NULL,
    os                  VARCHAR(64)   NULL,
    asset_tag           VARCHAR(255)  NULL,
    assigned_at         BIGINT        NULL,
    assigned_by         VARCHAR(255)  NULL,
    profile_name        VARCHAR(100)  NULL,
    profile_uuid        VARCHAR(64)   NULL,
    profile_status      VARCHAR(32)   NULL,
    disowned_at         BIGINT        NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (serial_number)
);
CREATE INDEX dep_devices_token ON dep_devices (token_name);

-- ADE profiles as defined through PUT /v1/dep/profiles/{name}: body is the JSON document; the columns
-- the enrollment path needs without parsing it are copied out.
CREATE TABLE dep_profiles (
    name                      VARCHAR(100) NOT NULL,
    body                      TEXT         NOT NULL,
    await_device_configured   BOOLEAN      NOT NULL,
    is_default                BOOLEAN      NOT NULL,
    created_at                BIGINT       NOT NULL,
    updated_at                BIGINT       NOT NULL,
    PRIMARY KEY (name)
);

-- The key pair ABM encrypts server tokens to (GET /v1/dep/certificate). One row, id 'default'; private_key is sealed
-- (SecretBox, bound to the row). Made on first use; of two servers racing to make it, the first insert wins.
CREATE TABLE dep_server_key (
    id                  VARCHAR(16)   NOT NULL,
    certificate         TEXT          NOT NULL,
    private_key         TEXT          NOT NULL,
    created_at          BIGINT        NOT NULL,
    PRIMARY KEY (id)
);

-- Server tokens from ABM, one per MDM server defined there. secrets: the token's JSON (consumer key/secret, access
-- token/secret), sealed and bound to the row. Account columns come from GET /account. cursor: the DEP API's cursor of
-- the last complete fetch or sync (NULL: the next sync fetches everything). sync_owner/sync_until: the lease that keeps
-- one sync per token running across servers sharing the database.
CREATE TABLE dep_tokens (
    name                VARCHAR(100)  NOT NULL,
    secrets             TEXT          NOT NULL,
    access_token_expiry BIGINT        NULL,
    server_name         VARCHAR(255)  NULL,
    server_uuid         VARCHAR(64)   NULL,
    admin_id            VARCHAR(255)  NULL,
    org_name            VARCHAR(255)  NULL,
    org_email           VARCHAR(255)  NULL,
    org_phone           VARCHAR(64)   NULL,
    org_address         VARCHAR(1024) NULL,
    cursor_value        VARCHAR(1024) NULL,
    last_sync_at        BIGINT        NULL,
    last_sync_error     VARCHAR(1024) NULL,
    devices_seen        INT           NOT NULL DEFAULT 0,
    sync_owner          VARCHAR(64)   NULL,
    sync_until          BIGINT        NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (name)
);

-- The profile_uuid Apple gave an ADE profile when it was defined through a token; body_sha256 tells a profile changed
-- since, so it is defined again before the next assignment.
CREATE TABLE dep_profile_uuids (
    profile_name        VARCHAR(100)  NOT NULL,
    token_name          VARCHAR(100)  NOT NULL,
    profile_uuid        VARCHAR(64)   NOT NULL,
    body_sha256         VARCHAR(64)   NOT NULL,
    defined_at          BIGINT        NOT NULL,
    PRIMARY KEY (profile_name, token_name)
);

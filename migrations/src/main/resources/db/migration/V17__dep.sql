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

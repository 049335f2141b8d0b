-- Automated Device Enrollment, the device's side (issue #15): Setup Assistant's MachineInfo, the challenge bound to
-- the device, Await Device Configured. Same conventions as V1: BIGINT epoch milliseconds, separate CREATE INDEX
-- statements, no foreign keys.

-- The ABM serial a challenge was minted for (POST /mdm/enroll with a MachineInfo); for_device holds its UDID.
ALTER TABLE scep_challenges ADD COLUMN ade_device VARCHAR(64) NULL;

-- One row per ABM device that posted a signed MachineInfo: who it said it was and where its Setup Assistant stands.
-- setup_state: enrolling (profile handed out), enrolled (no Await Device Configured), awaiting (TokenUpdate said
-- AwaitingConfiguration), running (setup steps under way), configured (DeviceConfigured acknowledged).
-- setup_step: steps done; setup_of: steps in all (DeviceConfigured counts as the last).
-- setup_waiting: what the current step waits for: a CommandUUID, or "profile:<identifier>".
CREATE TABLE ade_enrollments (
    serial_number       VARCHAR(64)   NOT NULL,
    udid                VARCHAR(255)  NOT NULL,
    product             VARCHAR(127)  NULL,
    os_version          VARCHAR(63)   NULL,
    profile_name        VARCHAR(100)  NULL,
    requested_at        BIGINT        NOT NULL,
    setup_state         VARCHAR(15)   NOT NULL,
    setup_step          INT           NOT NULL DEFAULT 0,
    setup_of            INT           NOT NULL DEFAULT 0,
    setup_waiting       VARCHAR(300)  NULL,
    setup_steps         TEXT          NULL,
    setup_error         VARCHAR(1024) NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (serial_number)
);
CREATE INDEX ade_enrollments_udid ON ade_enrollments (udid);

-- Setup steps per ADE profile (PUT /v1/dep/profiles/{name}/setup): a JSON list run while the device awaits
-- configuration. No row: DeviceConfigured at once.
CREATE TABLE ade_setup_steps (
    profile_name        VARCHAR(100)  NOT NULL,
    steps               TEXT          NOT NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (profile_name)
);

-- Core MDM schema. One file serves MySQL 8 / MariaDB 10.11 and H2 in MySQL mode, so it keeps
-- to the syntax all three accept: separate CREATE INDEX statements (index names are unique
-- per schema in H2), BIGINT epoch milliseconds for times (no session time-zone conversions),
-- and no foreign keys (enrollments may outlive or precede the rows they point at).

-- A device channel: the UDID of a device or the EnrollmentID of a User Enrollment.
CREATE TABLE devices (
    id                  VARCHAR(255) NOT NULL,
    serial_number       VARCHAR(127) NULL,
    authenticate        MEDIUMBLOB   NULL,
    authenticate_at     BIGINT       NULL,
    unlock_token        MEDIUMBLOB   NULL,
    unlock_token_at     BIGINT       NULL,
    bootstrap_token     MEDIUMBLOB   NULL,
    bootstrap_token_at  BIGINT       NULL,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX devices_serial_number ON devices (serial_number);

-- Every channel that can receive commands: device channels and user channels. A row exists
-- from the first TokenUpdate on; enabled goes false on Authenticate and CheckOut.
CREATE TABLE enrollments (
    id                  VARCHAR(255) NOT NULL,
    device_id           VARCHAR(255) NOT NULL,
    type                VARCHAR(31)  NOT NULL,
    user_id             VARCHAR(255) NULL,
    user_short_name     VARCHAR(255) NULL,
    user_long_name      VARCHAR(255) NULL,
    topic               VARCHAR(255) NOT NULL,
    push_magic          VARCHAR(255) NOT NULL,
    token_hex           VARCHAR(255) NOT NULL,
    enabled             BOOLEAN      NOT NULL DEFAULT FALSE,
    token_update_tally  INT          NOT NULL DEFAULT 0,
    last_seen_at        BIGINT       NOT NULL,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX enrollments_device_id ON enrollments (device_id);

-- Which identity certificate a device channel authenticates with. One certificate serves one
-- device; a re-Authenticate with a new certificate replaces the row (identity renewal).
CREATE TABLE cert_bindings (
    device_id           VARCHAR(255) NOT NULL,
    cert_sha256         CHAR(64)     NOT NULL,
    not_after           BIGINT       NOT NULL,
    bound_at            BIGINT       NOT NULL,
    PRIMARY KEY (device_id)
);
CREATE UNIQUE INDEX cert_bindings_sha256 ON cert_bindings (cert_sha256);

-- A command exactly as the admin enqueued it; delivered byte for byte.
CREATE TABLE commands (
    command_uuid        VARCHAR(127) NOT NULL,
    request_type        VARCHAR(127) NOT NULL,
    command             MEDIUMBLOB   NOT NULL,
    created_at          BIGINT       NOT NULL,
    PRIMARY KEY (command_uuid)
);

-- One row per (enrollment, command): its place in the queue (id gives enqueue order), its
-- delivery, and the device's answer. pending stays true until a final answer arrives or the
-- command is cancelled; the hot query reads (enrollment_id, pending, id) from the index.
CREATE TABLE enrollment_queue (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    enrollment_id       VARCHAR(255) NOT NULL,
    command_uuid        VARCHAR(127) NOT NULL,
    pending             BOOLEAN      NOT NULL DEFAULT TRUE,
    status              VARCHAR(31)  NULL,
    result              MEDIUMBLOB   NULL,
    result_at           BIGINT       NULL,
    delivered_at        BIGINT       NULL,
    delivery_count      INT          NOT NULL DEFAULT 0,
    not_now_at          BIGINT       NULL,
    not_now_tally       INT          NOT NULL DEFAULT 0,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX enrollment_queue_entry ON enrollment_queue (enrollment_id, command_uuid);
CREATE INDEX enrollment_queue_next ON enrollment_queue (enrollment_id, pending, id);
CREATE INDEX enrollment_queue_command ON enrollment_queue (command_uuid);

-- APNs push certificates by topic.
CREATE TABLE push_certs (
    topic               VARCHAR(255) NOT NULL,
    cert_pem            TEXT         NOT NULL,
    key_pem             TEXT         NOT NULL,
    not_after           BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (topic)
);

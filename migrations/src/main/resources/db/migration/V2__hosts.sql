-- Hosts: the machine, source of truth. A host may exist before it enrolls (pre-registered by
-- serial number); its enrollment hangs off it through devices.host_id. The unique indexes make
-- racing enrollments of one machine end with one host (NULLs do not collide).
CREATE TABLE hosts (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    udid                VARCHAR(255) NULL,
    serial_number       VARCHAR(127) NULL,
    -- the device channel id of the current enrollment: the UDID, or the EnrollmentID of a User Enrollment
    device_id           VARCHAR(255) NULL,
    platform            VARCHAR(31)  NULL,
    product_name        VARCHAR(127) NULL,
    os_version          VARCHAR(63)  NULL,
    device_name         VARCHAR(255) NULL,
    enrolled_at         BIGINT       NULL,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX hosts_udid ON hosts (udid);
CREATE UNIQUE INDEX hosts_serial_number ON hosts (serial_number);
CREATE UNIQUE INDEX hosts_device_id ON hosts (device_id);

ALTER TABLE devices ADD COLUMN host_id BIGINT NULL;
CREATE INDEX devices_host_id ON devices (host_id);

-- Named groups of hosts (profile targets, host filters).
CREATE TABLE host_groups (
    name                VARCHAR(255) NOT NULL,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (name)
);

CREATE TABLE host_group_members (
    group_name          VARCHAR(255) NOT NULL,
    host_id             BIGINT       NOT NULL,
    PRIMARY KEY (group_name, host_id)
);
CREATE INDEX host_group_members_host ON host_group_members (host_id);

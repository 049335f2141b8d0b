-- Hosts feature: inventory facts, their refresh schedule, PINs of remote actions, and the audit log.
-- Same conventions as V1: BIGINT epoch milliseconds, separate CREATE INDEX statements, no foreign keys.

-- Parsed answers per host and source (DeviceInformation, SecurityInfo, InstalledApplicationList),
-- as JSON. A newer answer replaces the row; an Error or NotNow leaves it, so its age shows.
-- The raw answers stay in enrollment_queue.result under command_uuid.
CREATE TABLE host_inventory (
    host_id             BIGINT       NOT NULL,
    source              VARCHAR(63)  NOT NULL,
    facts               MEDIUMTEXT   NOT NULL,
    command_uuid        VARCHAR(127) NULL,
    collected_at        BIGINT       NOT NULL,
    PRIMARY KEY (host_id, source)
);

-- When each enrolled host's inventory is due again. Servers claim due rows with
-- UPDATE ... WHERE host_id = ? AND next_refresh_at = <the value read>, so one server wins a row.
-- last_failure keeps the latest Error/NotNow an inventory query got, until the next answer.
CREATE TABLE host_inventory_schedule (
    host_id             BIGINT       NOT NULL,
    next_refresh_at     BIGINT       NOT NULL,
    last_requested_at   BIGINT       NULL,
    last_failure        VARCHAR(1024) NULL,
    last_failure_at     BIGINT       NULL,
    PRIMARY KEY (host_id)
);
CREATE INDEX host_inventory_schedule_due ON host_inventory_schedule (next_refresh_at);

-- PINs generated for DeviceLock/EraseDevice on macOS (Find My / firmware PIN), shown to admins.
CREATE TABLE host_pins (
    command_uuid        VARCHAR(127) NOT NULL,
    host_id             BIGINT       NOT NULL,
    request_type        VARCHAR(127) NOT NULL,
    pin                 VARCHAR(31)  NOT NULL,
    actor               VARCHAR(255) NOT NULL,
    created_at          BIGINT       NOT NULL,
    PRIMARY KEY (command_uuid)
);
CREATE INDEX host_pins_host ON host_pins (host_id, created_at);

-- Who did what, when: admin actions on hosts and commands.
CREATE TABLE audit_log (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    actor               VARCHAR(255) NOT NULL,
    action              VARCHAR(63)  NOT NULL,
    host_id             BIGINT       NULL,
    target              VARCHAR(1024) NULL,
    command_uuid        VARCHAR(127) NULL,
    detail              TEXT         NULL,
    created_at          BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX audit_log_host ON audit_log (host_id, id);

-- The per-host command history reads the device's channels through devices.host_id (V2 index)
-- and then enrollment_queue by enrollment (V1 index); no new index is needed for it.

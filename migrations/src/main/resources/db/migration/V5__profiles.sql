-- Configuration profiles: the versioned store, who should get them (targets), and where each host
-- stands (host_profiles). Same dialect rules as V1: separate CREATE INDEX, BIGINT epoch millis,
-- no foreign keys.

-- The latest version of every profile. raw is what devices are sent (the CMS structure when signed).
CREATE TABLE profiles (
    identifier          VARCHAR(255) NOT NULL,
    uuid                VARCHAR(127) NOT NULL,
    version             INT          NOT NULL,
    display_name        VARCHAR(255) NULL,
    checksum            CHAR(64)     NOT NULL,
    signed              BOOLEAN      NOT NULL DEFAULT FALSE,
    signer_subject      VARCHAR(1024) NULL,
    raw                 MEDIUMBLOB   NOT NULL,
    target_all          BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (identifier)
);
CREATE UNIQUE INDEX profiles_display_name ON profiles (display_name);

-- Every version ever stored of a profile (the latest included), so an upload that brings back an
-- old PayloadUUID with new content is noticed.
CREATE TABLE profile_versions (
    identifier          VARCHAR(255) NOT NULL,
    version             INT          NOT NULL,
    uuid                VARCHAR(127) NOT NULL,
    checksum            CHAR(64)     NOT NULL,
    size                INT          NOT NULL,
    uuid_rewritten      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at          BIGINT       NOT NULL,
    PRIMARY KEY (identifier, version)
);

-- Targets besides target_all: groups and single hosts, each either included or excluded.
CREATE TABLE profile_target_groups (
    identifier          VARCHAR(255) NOT NULL,
    excluded            BOOLEAN      NOT NULL,
    group_name          VARCHAR(255) NOT NULL,
    PRIMARY KEY (identifier, excluded, group_name)
);

CREATE TABLE profile_target_hosts (
    identifier          VARCHAR(255) NOT NULL,
    excluded            BOOLEAN      NOT NULL,
    host_id             BIGINT       NOT NULL,
    PRIMARY KEY (identifier, excluded, host_id)
);

-- One row per host and profile the server manages on it: the operation under way, its status, the
-- PayloadUUID being installed (or removed), what the device last showed it holds (installed_uuid,
-- null when it holds none or nothing is known), and the command carrying the current attempt.
-- A removal that is done deletes its row.
CREATE TABLE host_profiles (
    host_id             BIGINT       NOT NULL,
    identifier          VARCHAR(255) NOT NULL,
    operation           VARCHAR(15)  NOT NULL,
    status              VARCHAR(15)  NOT NULL,
    uuid                VARCHAR(127) NULL,
    installed_uuid      VARCHAR(127) NULL,
    command_uuid        VARCHAR(127) NULL,
    attempts            INT          NOT NULL DEFAULT 0,
    detail              VARCHAR(2048) NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (host_id, identifier)
);
CREATE INDEX host_profiles_identifier ON host_profiles (identifier, status, host_id);

-- When each host was last asked for its ProfileList and last answered one.
CREATE TABLE host_profile_lists (
    host_id             BIGINT       NOT NULL,
    requested_at        BIGINT       NULL,
    reported_at         BIGINT       NULL,
    PRIMARY KEY (host_id)
);

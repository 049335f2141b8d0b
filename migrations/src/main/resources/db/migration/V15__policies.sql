-- Compliance policies (issue #16). Same conventions as V1: BIGINT epoch milliseconds, separate
-- CREATE INDEX statements, no foreign keys.

-- The current version of each policy: the document as sent (JSON), its targets with host references
-- resolved to host ids, and the state of its latest full evaluation.
CREATE TABLE policies (
    name                VARCHAR(127) NOT NULL,
    version             INT          NOT NULL,
    document            MEDIUMTEXT   NOT NULL,
    targets             MEDIUMTEXT   NOT NULL,
    evaluation          VARCHAR(15)  NOT NULL,
    evaluation_hosts    INT          NOT NULL DEFAULT 0,
    evaluation_started_at  BIGINT    NULL,
    evaluation_finished_at BIGINT    NULL,
    created_at          BIGINT       NOT NULL,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (name)
);

-- Every version ever saved (history is kept when a policy is replaced or deleted).
CREATE TABLE policy_versions (
    name                VARCHAR(127) NOT NULL,
    version             INT          NOT NULL,
    document            MEDIUMTEXT   NOT NULL,
    actor               VARCHAR(255) NOT NULL,
    created_at          BIGINT       NOT NULL,
    PRIMARY KEY (name, version)
);

-- Each targeted host's current result, since when, and why; remediation bookkeeping per host.
CREATE TABLE policy_results (
    policy              VARCHAR(127) NOT NULL,
    host_id             BIGINT       NOT NULL,
    result              VARCHAR(15)  NOT NULL,
    since               BIGINT       NOT NULL,
    reason              VARCHAR(2048) NOT NULL,
    facts               TEXT         NOT NULL,
    evaluated_at        BIGINT       NOT NULL,
    remediated_at       BIGINT       NULL,
    remediation_state   VARCHAR(15)  NULL,
    PRIMARY KEY (policy, host_id)
);
CREATE INDEX policy_results_host ON policy_results (host_id);
CREATE INDEX policy_results_result ON policy_results (policy, result, host_id);

-- Every change of a host's result (the first result included, from_result NULL).
CREATE TABLE policy_transitions (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    policy              VARCHAR(127) NOT NULL,
    host_id             BIGINT       NOT NULL,
    from_result         VARCHAR(15)  NULL,
    to_result           VARCHAR(15)  NOT NULL,
    reason              VARCHAR(2048) NOT NULL,
    facts               TEXT         NOT NULL,
    at                  BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX policy_transitions_host ON policy_transitions (policy, host_id, id);

-- The event log behind GET /v1/events: transitions and remediations, for integrations to follow.
CREATE TABLE events (
    id                  BIGINT       NOT NULL AUTO_INCREMENT,
    kind                VARCHAR(63)  NOT NULL,
    host_id             BIGINT       NULL,
    policy              VARCHAR(127) NULL,
    detail              TEXT         NULL,
    at                  BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX events_kind ON events (kind, id);

-- Hourly counts (hour and unknown are keywords in H2) per policy ('*' for every host over all its policies), for the summary's history.
CREATE TABLE compliance_history (
    hour_start          BIGINT       NOT NULL,
    policy              VARCHAR(127) NOT NULL,
    hosts_passing       INT          NOT NULL,
    hosts_failing       INT          NOT NULL,
    hosts_unknown       INT          NOT NULL,
    PRIMARY KEY (hour_start, policy)
);

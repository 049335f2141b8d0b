-- Compliance policies at scale (issue #16): guarded result writes, the periodic sweep's lease.

-- How many times this host's result for this policy has changed. Every write of a stored row says which
-- seq it read (UPDATE ... WHERE seq = :read), so two servers evaluating the same host at once store one
-- transition: the second finds the seq moved and writes nothing. New rows are guarded by the primary key.
ALTER TABLE policy_results ADD COLUMN seq INT NOT NULL DEFAULT 0;

-- Leases of cluster-wide jobs (the policy sweep): one row per job, taken with a conditional UPDATE when
-- free or expired, so one server at a time runs it.
CREATE TABLE policy_leases (
    name                VARCHAR(63)  NOT NULL,
    holder              VARCHAR(127) NOT NULL,
    expires_at          BIGINT       NOT NULL,
    PRIMARY KEY (name)
);
INSERT INTO policy_leases (name, holder, expires_at) VALUES ('sweep', '', 0);


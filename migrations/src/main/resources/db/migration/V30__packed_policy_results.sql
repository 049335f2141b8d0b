-- Compliance policies at 100,000 hosts x 50 policies (issue #16): one row per host instead of one per (policy, host).
-- Inserting 5 M narrow rows took 21-25 s on either engine; 100,000 rows of one ~700-byte value took 2 s, so a full
-- evaluation's storage is a packed row per host (dev.jmdm.server.policies.PackedResults says its bytes).

-- A stable number per policy, the key of its entries in the packed rows: an edit keeps it, a policy deleted and
-- created again under the same name gets a new one (this table only hands them out, rows are never deleted), so
-- deleting a policy rewrites no host row: entries of numbers no longer in policies are ignored on read and dropped
-- on the host's next write.
CREATE TABLE policy_ids (
    id                  INT          NOT NULL AUTO_INCREMENT,
    name                VARCHAR(127) NOT NULL,
    PRIMARY KEY (id)
);
ALTER TABLE policies ADD COLUMN policy_id INT NULL;
INSERT INTO policy_ids (name) SELECT name FROM policies ORDER BY name;
UPDATE policies SET policy_id = (SELECT MAX(i.id) FROM policy_ids i WHERE i.name = policies.name);
CREATE UNIQUE INDEX policies_policy_id ON policies (policy_id);

-- Each host's results for the policies that apply to it, packed; seq counts the row's writes and guards them
-- (UPDATE ... WHERE seq = :read), so two servers evaluating the same host store one change. VARBINARY, not a BLOB:
-- H2 keeps LOBs out of the row, which made reading them several times slower.
CREATE TABLE host_policy_results (
    host_id             BIGINT          NOT NULL,
    results             VARBINARY(60000) NOT NULL,
    seq                 INT             NOT NULL,
    evaluated_at        BIGINT          NOT NULL,
    PRIMARY KEY (host_id)
);

-- Hosts passing, failing and unknown per policy (policy_id 0: every host over all its policies), kept by deltas in
-- the transactions that change results and recounted after every full evaluation and sweep. Filled for the
-- existing policies at zero; the server converts policy_results at its first start and recounts.
CREATE TABLE policy_counts (
    policy_id           INT          NOT NULL,
    hosts_passing       INT          NOT NULL,
    hosts_failing       INT          NOT NULL,
    hosts_unknown       INT          NOT NULL,
    PRIMARY KEY (policy_id)
);
INSERT INTO policy_counts (policy_id, hosts_passing, hosts_failing, hosts_unknown) VALUES (0, 0, 0, 0);
INSERT INTO policy_counts (policy_id, hosts_passing, hosts_failing, hosts_unknown) SELECT policy_id, 0, 0, 0 FROM policies;

-- A queue that stays small, and scheduled jobs shared by several servers (issue #14). Same conventions as V1:
-- BIGINT epoch milliseconds, separate CREATE INDEX statements, no foreign keys.

-- Finished rows (pending = FALSE) are deleted once updated_at is older than MDM_RESULT_RETENTION; the retention
-- job finds the oldest ones through this index instead of scanning the queue.
CREATE INDEX enrollment_queue_finished ON enrollment_queue (pending, updated_at);

-- One row per scheduled job: which server holds it until when, and when the job last ran. A server runs a job
-- only while it holds the lease (taken with a guarded UPDATE, or the INSERT of the first row), and only once a
-- period has passed since last_run_at, whichever server ran it. A dead holder's lease is taken over once it
-- expires. runs counts every run, for operators and tests.
CREATE TABLE job_leases (
    job_name            VARCHAR(100) NOT NULL,
    holder              VARCHAR(255) NOT NULL,
    expires_at          BIGINT       NOT NULL,
    last_run_at         BIGINT       NULL,
    runs                BIGINT       NOT NULL DEFAULT 0,
    updated_at          BIGINT       NOT NULL,
    PRIMARY KEY (job_name)
);

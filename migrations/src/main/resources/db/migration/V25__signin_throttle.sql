-- Sign-in lockout shared by every server of one database (issue #18): failed sign-ins counted per email and
-- per client address, so an attacker spreading guesses over several servers meets one count.
-- Same conventions as V1: BIGINT epoch milliseconds, separate CREATE INDEX statements, no foreign keys.

-- key_sha256: SHA-256 of 'e:' + the email tried, or of 'a:' + the client address: fixed length whatever was
-- typed, and no list of tried emails in the clear. failures: in a row since the last lockout or success.
-- lockouts: in a row, doubling each lockout. locked_until: refused until then. last_failure: a key quiet for a
-- day starts over, and the purge removes it.
CREATE TABLE signin_throttle (
    key_sha256          CHAR(64)      NOT NULL,
    failures            INT           NOT NULL,
    lockouts            INT           NOT NULL,
    locked_until        BIGINT        NOT NULL,
    last_failure        BIGINT        NOT NULL,
    PRIMARY KEY (key_sha256)
);
CREATE INDEX signin_throttle_last_failure ON signin_throttle (last_failure);

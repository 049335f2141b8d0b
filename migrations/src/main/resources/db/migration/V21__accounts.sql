-- Accounts (issue #18): console users and their sessions. Same conventions as V1: BIGINT epoch milliseconds,
-- separate CREATE INDEX statements, no foreign keys.

-- email: stored lower-case, the sign-in name. role: admin, operator or viewer.
-- password_hash: a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash): the parameters travel with the hash,
-- so raising them later re-hashes each password at its next sign-in.
CREATE TABLE users (
    id                  BIGINT        NOT NULL AUTO_INCREMENT,
    email               VARCHAR(254)  NOT NULL,
    role                VARCHAR(16)   NOT NULL,
    password_hash       VARCHAR(255)  NOT NULL,
    created_at          BIGINT        NOT NULL,
    updated_at          BIGINT        NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX users_email ON users (email);

-- One row per signed-in browser. Only the SHA-256 of the cookie's token is stored, so a copy of the table
-- signs nobody in. csrf_token: the token every state-changing request of the session must echo.
-- expires_at: the absolute end (created_at + MDM_SESSION_MAX); last_seen_at: the idle clock (MDM_SESSION_IDLE).
CREATE TABLE user_sessions (
    id                  BIGINT        NOT NULL AUTO_INCREMENT,
    token_sha256        CHAR(64)      NOT NULL,
    user_id             BIGINT        NOT NULL,
    csrf_token          VARCHAR(64)   NOT NULL,
    created_at          BIGINT        NOT NULL,
    last_seen_at        BIGINT        NOT NULL,
    expires_at          BIGINT        NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX user_sessions_token ON user_sessions (token_sha256);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE INDEX user_sessions_expires ON user_sessions (expires_at);

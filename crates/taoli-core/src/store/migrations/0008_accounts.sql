-- Accounts (账号): the people who may open this school file, each with one of
-- the national roles (catalog/roles.toml). Passwords are kept only as Argon2id
-- hashes (PHC strings, secrets/password.rs). Five wrong passwords in a row lock
-- an account for five minutes (`locked_until`, UTC).

CREATE TABLE account (
    name            TEXT PRIMARY KEY,
    role            TEXT NOT NULL CHECK (role IN ('system_admin', 'info_manager', 'info_viewer')),
    password_hash   TEXT NOT NULL,
    disabled_at     TEXT,
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    TEXT,
    last_sign_in_at TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

-- The recovery code (恢复码, docs/encryption.md). The recovery file beside
-- the school file (`学校.taoli.恢复`) holds the file's keys sealed under a key
-- derived from the code; the school file keeps what it takes to write that
-- file again without the code, when the 系统管理员 password changes: the
-- derived key itself (`kek`, with its salt and Argon2id cost) and every key
-- the file was encrypted under before (so the code also opens older backups).
-- Both are inside the encrypted file, readable only with its key.

CREATE TABLE recovery_code (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    code_id    TEXT NOT NULL,
    kek        BLOB NOT NULL CHECK (length(kek) = 32),
    salt       BLOB NOT NULL CHECK (length(salt) = 16),
    m          INTEGER NOT NULL,
    t          INTEGER NOT NULL,
    p          INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

CREATE TABLE file_key_history (
    key        BLOB PRIMARY KEY CHECK (length(key) = 32),
    retired_at TEXT NOT NULL
) STRICT;

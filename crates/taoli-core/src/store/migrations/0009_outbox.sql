-- Reporting to the upstream system (上报, docs/batches.md): the school's
-- enrollment, the outbox of signed batches with their receipts, the records
-- each batch carries, and the review results pulled back by cursor. Every
-- state change of a batch is one transaction with its audit entry, so the
-- outbox survives a crash or a restart exactly where it stood.

-- The school's registration with the upstream (登记): one row once enrolled.
CREATE TABLE enrollment (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    upstream      TEXT NOT NULL,                 -- the upstream's base URL
    school        TEXT NOT NULL,                 -- 学校标识码 as registered
    key_id        TEXT NOT NULL,                 -- the school's signing key id
    key_place     TEXT NOT NULL CHECK (key_place IN ('keychain', 'school_file')),
    wrapped_key   TEXT,                          -- WrappedKey JSON when key_place = 'school_file'
    upstream_key  TEXT NOT NULL,                 -- the pinned receipt key (PublicKeyWire JSON)
    enrolled_at   TEXT NOT NULL,                 -- as the upstream answered
    enrolled_by   TEXT NOT NULL,
    review_cursor INTEGER NOT NULL DEFAULT 0 CHECK (review_cursor >= 0)
) STRICT;

-- A key made for an enrollment whose answer has not come back yet: sending
-- the same key with the same code again gets the same answer, so a lost
-- answer never uses up the 报送码.
CREATE TABLE enrollment_pending (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    upstream    TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    key_place   TEXT NOT NULL CHECK (key_place IN ('keychain', 'school_file')),
    wrapped_key TEXT,
    created_at  TEXT NOT NULL
) STRICT;

-- The outbox: one row per batch, from built to reviewed (or refused for good).
CREATE TABLE batch (
    id             TEXT PRIMARY KEY,             -- UUIDv7: the batch id, the idempotency key
    sequence       INTEGER NOT NULL CHECK (sequence >= 1),
    base_batch     TEXT,                         -- the last received batch it builds on
    state          TEXT NOT NULL CHECK (state IN ('built', 'signed', 'uploading', 'received', 'reviewed', 'refused')),
    created_at     TEXT NOT NULL,                -- as the manifest says
    created_by     TEXT NOT NULL,
    record_count   INTEGER NOT NULL CHECK (record_count >= 1),
    payload        BLOB NOT NULL,                -- the gzip payload, exactly as sent
    payload_sha256 TEXT NOT NULL,
    key_id         TEXT,                         -- set when signed
    envelope       BLOB,                         -- the signed manifest envelope, exactly as sent
    signed_at      TEXT,
    exported_at    TEXT,                         -- written to a .taolibatch file
    attempts       INTEGER NOT NULL DEFAULT 0,   -- failed upload attempts so far
    last_error     TEXT,                         -- the last failure, as the clerk reads it
    receipt        BLOB,                         -- the signed receipt envelope: kept forever as evidence
    received_at    TEXT,                         -- as the receipt says (the upstream's clock)
    refusal        TEXT,                         -- the refusal JSON when refused for good
    closed_at      TEXT                          -- when it was received, refused or fully reviewed
) STRICT;
CREATE UNIQUE INDEX batch_one_received_per_sequence
    ON batch (sequence) WHERE state IN ('received', 'reviewed');

-- The records (changes) a batch carries, each with the version it carries,
-- and what the reviewer decided about it.
CREATE TABLE batch_item (
    batch_id     TEXT NOT NULL REFERENCES batch (id),
    change_id    TEXT NOT NULL,                  -- the change's id in the payload
    op           TEXT NOT NULL,                  -- new_teacher, update_record, change_request …
    teacher_id   TEXT NOT NULL,
    entity       TEXT NOT NULL CHECK (entity IN ('teacher', 'record')),
    entity_id    TEXT NOT NULL,                  -- the teacher's or the record's id
    group_code   TEXT,                           -- for records
    version      INTEGER,                        -- the version carried (NULL for a removal)
    base_version INTEGER,
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'returned')),
    reason       TEXT,                           -- 退回理由
    review_id    TEXT,
    reviewed_at  TEXT,
    PRIMARY KEY (batch_id, change_id)
) STRICT;
CREATE INDEX batch_item_by_entity ON batch_item (entity, entity_id);
CREATE INDEX batch_item_by_teacher ON batch_item (teacher_id);

-- Every review result pulled, once per review_id (a duplicate delivery is
-- recognized and dropped), with the cursor it came at.
CREATE TABLE review_result (
    review_id   TEXT PRIMARY KEY,
    cursor      INTEGER NOT NULL,
    batch_id    TEXT NOT NULL,
    change_id   TEXT NOT NULL,
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'returned')),
    reason      TEXT,
    reviewed_at TEXT NOT NULL,
    applied_at  TEXT NOT NULL,
    known       INTEGER NOT NULL CHECK (known IN (0, 1)) -- 1 when it answered a batch of this file
) STRICT;

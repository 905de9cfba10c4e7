-- The protocol's tables (docs/protocol.md): the receipt-signing key,
-- enrollment codes, the schools' keys, batches with their partial payloads,
-- their records, and the review results queued for the schools.
-- The same tables as migrations/sqlite/0001_batches.sql, in PostgreSQL's
-- types: times stay RFC 3339 text, as the protocol writes them.
CREATE TABLE server_key (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    alg TEXT NOT NULL,
    secret BYTEA NOT NULL,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE enrollment_code (
    code_hash TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    key_id TEXT
);
CREATE TABLE school_key (
    key_id TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    alg TEXT NOT NULL,
    public_key BYTEA NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX school_key_school ON school_key (school) WHERE revoked_at IS NULL;
CREATE TABLE batch (
    batch_id TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    sequence BIGINT NOT NULL,
    previous_batch TEXT,
    key_id TEXT NOT NULL,
    manifest BYTEA NOT NULL,
    payload_size BIGINT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    record_count BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('receiving', 'received', 'refused')),
    created_at TEXT NOT NULL,
    received_at TEXT,
    payload BYTEA,
    receipt BYTEA,
    refusal TEXT
);
-- A school's received batches are a chain: one batch a sequence number,
-- whichever server process took it.
CREATE UNIQUE INDEX batch_received_sequence
    ON batch (school, sequence) WHERE state = 'received';
CREATE TABLE payload_chunk (
    batch_id TEXT NOT NULL REFERENCES batch (batch_id),
    "offset" BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    PRIMARY KEY (batch_id, "offset")
);
CREATE TABLE batch_record (
    batch_id TEXT NOT NULL REFERENCES batch (batch_id),
    record TEXT NOT NULL,
    position BIGINT NOT NULL,
    op TEXT NOT NULL,
    teacher_id TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'returned')),
    reason TEXT,
    reviewed_at TEXT,
    review_id TEXT,
    PRIMARY KEY (batch_id, record)
);
CREATE INDEX batch_record_pending ON batch_record (batch_id) WHERE status = 'pending';
CREATE TABLE review_event (
    cursor BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school TEXT NOT NULL,
    review_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    record TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX review_event_school ON review_event (school, cursor);

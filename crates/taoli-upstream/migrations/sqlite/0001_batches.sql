-- The protocol's tables (docs/protocol.md): the receipt-signing key,
-- enrollment codes, the schools' keys, batches with their partial payloads,
-- their records, and the review results queued for the schools.
-- IF NOT EXISTS: databases made before migrations were recorded already
-- hold these tables, and take this migration as done.
CREATE TABLE IF NOT EXISTS server_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    alg TEXT NOT NULL,
    secret BLOB NOT NULL,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrollment_code (
    code_hash TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    key_id TEXT
);
CREATE TABLE IF NOT EXISTS school_key (
    key_id TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    alg TEXT NOT NULL,
    public_key BLOB NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS batch (
    batch_id TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    previous_batch TEXT,
    key_id TEXT NOT NULL,
    manifest BLOB NOT NULL,
    payload_size INTEGER NOT NULL,
    payload_sha256 TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('receiving', 'received', 'refused')),
    created_at TEXT NOT NULL,
    received_at TEXT,
    payload BLOB,
    receipt BLOB,
    refusal TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS batch_received_sequence
    ON batch (school, sequence) WHERE state = 'received';
CREATE TABLE IF NOT EXISTS payload_chunk (
    batch_id TEXT NOT NULL REFERENCES batch (batch_id),
    "offset" INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (batch_id, "offset")
);
CREATE TABLE IF NOT EXISTS batch_record (
    batch_id TEXT NOT NULL REFERENCES batch (batch_id),
    record TEXT NOT NULL,
    position INTEGER NOT NULL,
    op TEXT NOT NULL,
    teacher_id TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'returned')),
    reason TEXT,
    reviewed_at TEXT,
    review_id TEXT,
    PRIMARY KEY (batch_id, record)
);
CREATE TABLE IF NOT EXISTS review_event (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    school TEXT NOT NULL,
    review_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    record TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_event_school ON review_event (school, cursor);

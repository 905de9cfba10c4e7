-- The school's own review before upload (学校负责人审核, docs/batches.md,
-- "The review gate"): a school setting, and the decision on each batch
-- built while the setting was on.
--
-- Creates only what is missing, as 0013 and 0014 do: a file whose schema
-- version was set back (a test's older file) migrates again without harm.

-- The school's settings, one row each, changed by the 系统管理员 (audited).
-- `review_before_upload`: 'on' or 'off' (no row: off).
CREATE TABLE IF NOT EXISTS school_setting (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
) STRICT;

-- A batch built while the review was required: it waits (`awaiting`) in
-- the outbox, built but not signed, until the 系统管理员 approves it (it is
-- then signed and uploaded) or returns it (the batch is dropped, its
-- changes unsent again, and the note kept here for the clerk).
CREATE TABLE IF NOT EXISTS batch_review (
    batch_id      TEXT PRIMARY KEY,              -- no reference: a returned batch is dropped
    sequence      INTEGER NOT NULL,
    record_count  INTEGER NOT NULL,
    submitted_at  TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('awaiting', 'approved', 'returned')),
    decided_at    TEXT,
    decided_by    TEXT,
    note          TEXT                           -- the 退回 note
) STRICT;
CREATE INDEX IF NOT EXISTS batch_review_by_state ON batch_review (state);

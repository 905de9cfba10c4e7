-- Identity corrections asked of the county (更正申请): a teacher whose
-- identity the county already holds in effect (生效) is not corrected in
-- place; the correction waits here, `pending`, goes upstream as a 变更申请
-- of the teacher's identity in the next batch, and is applied to `teacher`
-- only once the county accepts it (`accepted`). A return keeps it with the
-- reviewer's note (`returned`); the clerk may withdraw a pending or
-- returned one (`withdrawn`). The old_* columns are the identity in effect
-- when it was asked for.
--
-- Creates only what is missing, as 0013 does: a file whose schema version
-- was set back (a test's older file) migrates again without harm.

CREATE TABLE IF NOT EXISTS identity_correction (
    id              TEXT PRIMARY KEY,                   -- UUIDv7
    teacher_id      TEXT NOT NULL REFERENCES teacher (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    id_type         TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    old_name        TEXT NOT NULL,
    old_id_type     TEXT NOT NULL,
    old_id_number   TEXT NOT NULL,
    reason          TEXT NOT NULL,
    evidence        TEXT,                               -- 文号, 证明材料
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'returned', 'withdrawn')),
    decision_note   TEXT,
    decided_at      TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS identity_correction_by_teacher ON identity_correction (teacher_id, created_at);

-- A teacher's status history (在职情况变动): each change of 人员状态 is an
-- event with its effective date, reason and evidence notes. The teacher's
-- current 人员状态 stays the 基本信息 field `personnel_status`; an event
-- in effect wrote it, in the same transaction (status.rs). A change the
-- county approves (catalog/status_changes.toml) waits as `pending` and
-- writes the field only once accepted; a returned one stays, `returned`,
-- with the reviewer's note.
--
-- kind: `initial` is the status a teacher had when the history began (the
-- value on file when this migration ran, or when their first change was
-- made), dated the day they were registered; `change` is one the clerk made.
--
-- Creates only what is missing, as 0013 does: a file whose schema version
-- was set back (a test's older file) migrates again without harm.

CREATE TABLE IF NOT EXISTS status_event (
    id              TEXT PRIMARY KEY,                   -- UUIDv7, or initial:<teacher id>
    teacher_id      TEXT NOT NULL REFERENCES teacher (id) ON DELETE CASCADE,
    status          TEXT NOT NULL,                      -- 人员状态 code
    effective_date  TEXT NOT NULL,                      -- YYYY-MM-DD
    reason          TEXT NOT NULL,
    evidence        TEXT,                               -- 文号, 证明材料
    kind            TEXT NOT NULL CHECK (kind IN ('initial', 'change')),
    state           TEXT NOT NULL CHECK (state IN ('in_effect', 'pending', 'returned', 'withdrawn')),
    decision_note   TEXT,                               -- the reviewer's note on a return
    decided_at      TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS status_event_by_teacher ON status_event (teacher_id, effective_date, created_at);

-- Every teacher on file gets a first event from their current 人员状态.
INSERT OR IGNORE INTO status_event (id, teacher_id, status, effective_date, reason, evidence, kind, state, created_at, created_by)
SELECT 'initial:' || t.id,
       t.id,
       json_extract(r.fields, '$.personnel_status'),
       substr(t.created_at, 1, 10),
       '',
       NULL,
       'initial',
       'in_effect',
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
       ''
  FROM teacher t
  JOIN record r ON r.teacher_id = t.id AND r.group_code = 'basic'
 WHERE json_type(r.fields, '$.personnel_status') = 'text'
   AND json_extract(r.fields, '$.personnel_status') <> '';

-- A committed import is recorded as one chained audit entry (entity
-- `import`, entity id the import's id) instead of a revision per written
-- row: the entry's value names the import's change set and holds its
-- SHA-256, and the change set itself lies here, one compressed row per
-- teacher the import wrote (store/change_sets.rs). A row's body is the
-- deflated JSON list of that teacher's changes, each as a revision would
-- have recorded it (entity, entity id, action, before, after).
--
-- Imports committed before this migration keep their per-row revisions
-- (import_run.first_revision..last_revision); nothing of the chain is
-- rewritten, so `taoli audit verify` passes on a migrated file as before.

CREATE TABLE IF NOT EXISTS import_change (
    id          INTEGER PRIMARY KEY,
    run_id      TEXT NOT NULL,                       -- import_run.id
    teacher_id  TEXT NOT NULL,
    body        BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS import_change_by_teacher ON import_change (teacher_id);

-- The import's chained audit entry (revision.id) is the column
-- import_run.audit_entry, NULL for imports recorded before change sets:
-- added by this migration's Rust step (store/change_sets.rs) when the file
-- does not have it, as this file creates only what is missing.

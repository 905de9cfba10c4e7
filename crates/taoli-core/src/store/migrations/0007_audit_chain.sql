-- The revision history becomes the audit trail (操作痕迹): each entry carries
-- a hash over its own content and the previous entry's hash, so an edited,
-- removed or reordered entry breaks the chain (`taoli audit verify`).
--
-- The table is rebuilt to add the hash and to let entries name more than
-- data changes (an export, later logins and backups): the entity and action
-- lists move from CHECK constraints into the code (`revision.rs`). Existing
-- entries are hashed, in order, by the Rust step of this migration.

CREATE TABLE revision_chained (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    teacher_id  TEXT,
    action      TEXT NOT NULL,
    old_value   TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
    new_value   TEXT CHECK (new_value IS NULL OR json_valid(new_value)),
    hash        TEXT                                 -- hex SHA-256; see store/audit.rs
);

INSERT INTO revision_chained (id, at, actor, entity, entity_id, teacher_id, action, old_value, new_value)
    SELECT id, at, actor, entity, entity_id, teacher_id, action, old_value, new_value FROM revision ORDER BY id;

DROP TABLE revision;
ALTER TABLE revision_chained RENAME TO revision;

CREATE INDEX revision_by_teacher ON revision (teacher_id, id);
CREATE INDEX revision_by_entity ON revision (entity, entity_id, id);

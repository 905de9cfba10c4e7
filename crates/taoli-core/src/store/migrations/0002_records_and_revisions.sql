-- Indicator records per information group, and the revision history every
-- change writes (verification sheets, the audit trail and batches build on it).

CREATE TABLE record (
    id          TEXT PRIMARY KEY,                    -- UUIDv7
    teacher_id  TEXT NOT NULL REFERENCES teacher (id) ON DELETE CASCADE,
    group_code  TEXT NOT NULL,                       -- 信息项, e.g. 基本信息, 学习经历
    row_order   INTEGER NOT NULL,                    -- order within a multi-record group
    fields      TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'object'),
    version     INTEGER NOT NULL DEFAULT 1,          -- bumped on every change
    updated_at  TEXT NOT NULL,
    UNIQUE (teacher_id, group_code, row_order)
);
CREATE INDEX record_by_teacher ON record (teacher_id, group_code, row_order);

CREATE TABLE revision (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,                       -- who made the change
    entity      TEXT NOT NULL CHECK (entity IN ('school', 'teacher', 'record')),
    entity_id   TEXT NOT NULL,
    teacher_id  TEXT,                                -- the teacher concerned, if any
    action      TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    old_value   TEXT CHECK (old_value IS NULL OR json_valid(old_value)),
    new_value   TEXT CHECK (new_value IS NULL OR json_valid(new_value))
);
CREATE INDEX revision_by_teacher ON revision (teacher_id, id);
CREATE INDEX revision_by_entity ON revision (entity, entity_id, id);

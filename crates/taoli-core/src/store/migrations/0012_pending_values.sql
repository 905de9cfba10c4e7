-- Values waiting for the clerk (待修正): a roster cell the import could not
-- read (an unknown code, an impossible date …) is not a reason to refuse the
-- teacher. The record is imported with that field empty and the cell's text
-- is kept here, with why, until the field is filled or the clerk clears it.
-- Undoing the import removes its rows.

CREATE TABLE pending_value (
    id          TEXT PRIMARY KEY,
    teacher_id  TEXT NOT NULL REFERENCES teacher(id) ON DELETE CASCADE,
    group_code  TEXT NOT NULL,
    field_code  TEXT NOT NULL,
    raw         TEXT NOT NULL,
    problem     TEXT NOT NULL,
    -- Where the text came from: 「工作表『教师信息』第 12 行 F 列」.
    source      TEXT NOT NULL,
    import_id   TEXT,
    created_at  TEXT NOT NULL,
    cleared_at  TEXT,
    cleared_by  TEXT
) STRICT;

CREATE INDEX pending_value_teacher ON pending_value (teacher_id);
CREATE INDEX pending_value_import ON pending_value (import_id);

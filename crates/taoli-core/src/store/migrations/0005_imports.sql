-- Committed roster imports (花名册导入), so each can be listed and undone as a
-- whole. An import writes its revisions in one transaction, so they are the
-- contiguous range first_revision..=last_revision.
CREATE TABLE import_run (
    id               TEXT PRIMARY KEY,                 -- UUIDv7
    at               TEXT NOT NULL,
    actor            TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    sheets           TEXT NOT NULL CHECK (json_valid(sheets)),
    on_conflict      TEXT NOT NULL CHECK (on_conflict IN ('keep', 'take')),
    counts           TEXT NOT NULL CHECK (json_valid(counts)),
    teachers_created INTEGER NOT NULL,
    records_written  INTEGER NOT NULL,
    first_revision   INTEGER,                          -- NULL when nothing was written
    last_revision    INTEGER,
    undone_at        TEXT,
    undone_by        TEXT
);

-- Column mappings a clerk corrected, remembered per header layout (the
-- sheet's normalized headers in order) for the next roster of the same shape.
CREATE TABLE import_mapping (
    layout  TEXT NOT NULL,
    header  TEXT NOT NULL,                             -- normalized header
    target  TEXT,                                      -- group.field, or NULL: not imported
    actor   TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (layout, header)
);

-- record_by_teacher repeats the UNIQUE (teacher_id, group_code, row_order)
-- index, so every record write paid for two; the unique index serves the same reads.
DROP INDEX IF EXISTS record_by_teacher;

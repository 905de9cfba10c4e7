-- Written reasons for accepted warnings (e.g. a birth date that differs from
-- the ID number because the personnel file says otherwise). A warning with a
-- reason may be submitted; the reason travels with the record.
CREATE TABLE warning_reason (
    teacher_id TEXT NOT NULL REFERENCES teacher (id) ON DELETE CASCADE,
    rule       TEXT NOT NULL,             -- the rule that raised the warning
    record_key TEXT NOT NULL,             -- the record's id, or '' for 基本信息 without one
    field      TEXT NOT NULL,             -- the field, or '' for a record-level warning
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (teacher_id, rule, record_key, field)
);

-- Which version of a teacher's 基本信息 a change of status wrote (its
-- 人员状态), from which version: a batch that reports the change as a
-- `status_change` has told the county of that version too, so it is not
-- sent again as a 变更申请 of 基本信息 (batches/outbox.rs, `carried_items`).
-- A change that wrote nothing (the record held the status already, or a
-- 基本信息 record was created for it) has no row.
--
-- Creates only what is missing, as 0013 does.

CREATE TABLE IF NOT EXISTS status_write (
    event_id        TEXT PRIMARY KEY REFERENCES status_event (id) ON DELETE CASCADE,
    record_id       TEXT NOT NULL,
    base_version    INTEGER NOT NULL,
    version         INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS status_write_by_record ON status_write (record_id, version);

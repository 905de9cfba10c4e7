-- Notices (督促提醒) the county sent this school, read at each sync by
-- cursor (docs/protocol.md, "Notices"): the clerk sees the unread ones on
-- the 报送 page until they say 知道了.
--
-- Creates only what is missing, as 0013 does.

CREATE TABLE IF NOT EXISTS upstream_notice (
    cursor      INTEGER PRIMARY KEY,
    message     TEXT NOT NULL,
    sender      TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    read_at     TEXT,
    read_by     TEXT
) STRICT;

-- Notices (督促提醒) an officer sends schools that have not reported; the
-- school's app reads them by cursor at its next sync.
CREATE TABLE school_notice (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    school TEXT NOT NULL,
    message TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    officer INTEGER,
    sent_at TEXT NOT NULL
);
CREATE INDEX school_notice_school ON school_notice (school, cursor);

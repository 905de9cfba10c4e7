-- Verification sheets (信息确认表) and their sign-off. Every sheet printed
-- leaves a row with the fingerprint on its footer; a sign-off names one of
-- the fingerprints printed for that teacher. A teacher's latest sign-off is
-- their state: signed, or stale once their information no longer has the
-- signed fingerprint.
CREATE TABLE sheet_print (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    teacher_id  TEXT NOT NULL REFERENCES teacher (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,                         -- 12 lowercase hex digits
    actor       TEXT NOT NULL,                         -- who printed it
    at          TEXT NOT NULL
);
CREATE INDEX sheet_print_by_teacher ON sheet_print (teacher_id, fingerprint);

CREATE TABLE signoff (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    teacher_id  TEXT NOT NULL REFERENCES teacher (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,                         -- the fingerprint on the signed sheet
    actor       TEXT NOT NULL,                         -- who marked it signed
    at          TEXT NOT NULL
);
CREATE INDEX signoff_by_teacher ON signoff (teacher_id, id);

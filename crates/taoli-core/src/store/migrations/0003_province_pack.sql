-- The province pack (省级补充包) a school uses, stored whole so that the file
-- validates the same on any PC.
CREATE TABLE province_pack (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    pack_id   TEXT NOT NULL,
    name      TEXT NOT NULL,
    version   TEXT NOT NULL,
    content   TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);

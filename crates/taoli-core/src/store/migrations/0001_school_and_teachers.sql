-- The school (one row) and its teachers.
PRAGMA application_id = 1413566284; -- "TAOL": marks the file as a Taoli school file

CREATE TABLE migration_log (
    version      INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    applied_at   TEXT NOT NULL,
    taoli_version TEXT NOT NULL
);

CREATE TABLE school (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    code          TEXT NOT NULL CHECK (length(code) = 10), -- 学校标识码
    name          TEXT NOT NULL,                           -- 学校名称
    school_type   TEXT NOT NULL,                           -- 办学类型代码
    province_code TEXT,                                    -- 省级行政区划代码
    city_code     TEXT,                                    -- 地市级行政区划代码
    county_code   TEXT,                                    -- 县级行政区划代码
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE teacher (
    id         TEXT PRIMARY KEY,       -- stable internal id (UUIDv7), never shown
    id_type    TEXT NOT NULL,          -- 身份证件类型
    id_number  TEXT NOT NULL,          -- 身份证件号 (normalized)
    name       TEXT NOT NULL,          -- 姓名
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (id_type, id_number)
);

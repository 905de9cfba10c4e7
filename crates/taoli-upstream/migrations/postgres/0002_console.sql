-- The county's side: the organisation tree (province → city → county, by
-- administrative division code), the schools registered under their county,
-- the officers who sign in to the console, their sessions, and the audit
-- log of every officer action.
CREATE TABLE org_unit (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county')),
    parent TEXT REFERENCES org_unit (code)
);
CREATE TABLE school (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    county TEXT NOT NULL REFERENCES org_unit (code),
    registered_at TEXT NOT NULL
);
CREATE INDEX school_county ON school (county);
CREATE TABLE officer (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    org TEXT NOT NULL REFERENCES org_unit (code),
    role TEXT NOT NULL CHECK (role IN ('system_admin', 'info_admin', 'info_query')),
    password_hash TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled_at TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE officer_session (
    token_hash TEXT PRIMARY KEY,
    officer BIGINT NOT NULL REFERENCES officer (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE officer_audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    officer BIGINT,
    username TEXT NOT NULL,
    org TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX officer_audit_org ON officer_audit (org, id);
-- Which enrollment codes a console officer issued and which were revoked.
ALTER TABLE enrollment_code ADD COLUMN revoked_at TEXT;
-- The review of a record by an officer of the console.
ALTER TABLE batch_record ADD COLUMN reviewed_by BIGINT;
CREATE INDEX batch_record_status ON batch_record (status, batch_id);
CREATE INDEX batch_school_received ON batch (school, state, received_at);
-- What is in effect upstream: each teacher's accepted values (record_id '')
-- and each accepted record of a group, as the last accepted change left
-- them. The console's before → after, its queries and its statistics read
-- it.
CREATE TABLE teacher_state (
    school TEXT NOT NULL,
    teacher_id TEXT NOT NULL,
    record_id TEXT NOT NULL DEFAULT '',
    grp TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL,
    version BIGINT,
    removed BIGINT NOT NULL DEFAULT 0,
    accepted_at TEXT NOT NULL,
    PRIMARY KEY (school, teacher_id, record_id)
);

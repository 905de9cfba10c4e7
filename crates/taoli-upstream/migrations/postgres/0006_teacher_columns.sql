-- 查询与统计 reads what it lists and counts from columns of its own, not
-- from the JSON of `fields`: a page is a LIMIT, a total a count(*) and a
-- statistic a GROUP BY in the database, instead of every teacher of the
-- subtree parsed in the server. Each column holds the value of `fields`
-- under its own name as the server writes it (`Listed` in
-- src/db/teachers.rs): a text trimmed of white space as Rust's `str::trim`
-- trims it, '' for a value missing or null, any other value as its JSON
-- text; `id_number` upper-cased (ASCII), so that a tail typed with x finds
-- an X. Rows of records (record_id <> '') carry them too, unread.
ALTER TABLE teacher_state ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE teacher_state ADD COLUMN id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE teacher_state ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE teacher_state ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
ALTER TABLE teacher_state ADD COLUMN id_type TEXT NOT NULL DEFAULT '';
ALTER TABLE teacher_state ADD COLUMN highest_education TEXT NOT NULL DEFAULT '';
ALTER TABLE teacher_state ADD COLUMN current_title TEXT NOT NULL DEFAULT '';

-- The rows written before: the same values, from their JSON, parsed once a
-- row. `white` is every character Unicode calls white space (what
-- `str::trim` removes); `translate` upper-cases ASCII alone, whatever the
-- database's locale.
UPDATE teacher_state SET
    (name, id_number, gender, birth_date, id_type, highest_education, current_title) = (
    SELECT
        CASE jsonb_typeof(f -> 'name') WHEN 'string' THEN btrim(f ->> 'name', white)
            ELSE coalesce(f ->> 'name', '') END,
        translate(
            CASE jsonb_typeof(f -> 'id_number') WHEN 'string' THEN btrim(f ->> 'id_number', white)
                ELSE coalesce(f ->> 'id_number', '') END,
            'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
        CASE jsonb_typeof(f -> 'gender') WHEN 'string' THEN btrim(f ->> 'gender', white)
            ELSE coalesce(f ->> 'gender', '') END,
        CASE jsonb_typeof(f -> 'birth_date') WHEN 'string' THEN btrim(f ->> 'birth_date', white)
            ELSE coalesce(f ->> 'birth_date', '') END,
        CASE jsonb_typeof(f -> 'id_type') WHEN 'string' THEN btrim(f ->> 'id_type', white)
            ELSE coalesce(f ->> 'id_type', '') END,
        CASE jsonb_typeof(f -> 'highest_education')
            WHEN 'string' THEN btrim(f ->> 'highest_education', white)
            ELSE coalesce(f ->> 'highest_education', '') END,
        CASE jsonb_typeof(f -> 'current_title')
            WHEN 'string' THEN btrim(f ->> 'current_title', white)
            ELSE coalesce(f ->> 'current_title', '') END
    FROM (SELECT fields::jsonb AS f,
                 U&'\0009\000A\000B\000C\000D\0020\0085\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000'
                     AS white) AS parsed
);

-- The teachers in effect, with everything the console reads of them, in
-- the order it lists them: a subtree's page walks it by school and stops
-- when the page is full; a total, a search (name, school name, ID tail)
-- and the statistics are index-only scans of it, never the rows with
-- their JSON. No index on name alone: a search is for a name *containing*
-- the words, which a B-tree cannot find (nor a trigram index for the two
-- or three characters of a Chinese name), so it is a scan of this index
-- over the subtree.
CREATE INDEX teacher_state_in_effect ON teacher_state (school, teacher_id)
    INCLUDE (name, id_number, gender, birth_date, id_type, highest_education, current_title)
    WHERE record_id = '' AND removed = 0;

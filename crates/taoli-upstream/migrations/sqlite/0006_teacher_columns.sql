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

-- The rows written before: the same values, from their JSON. `white` is
-- every character Unicode calls white space (what `str::trim` removes).
WITH white(space) AS (
    SELECT char(9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196,
                8197, 8198, 8199, 8200, 8201, 8202, 8232, 8233, 8239, 8287, 12288)
)
UPDATE teacher_state SET
    name = CASE json_type(fields, '$.name')
        WHEN 'text' THEN trim(fields ->> '$.name', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.name', '') END,
    id_number = upper(CASE json_type(fields, '$.id_number')
        WHEN 'text' THEN trim(fields ->> '$.id_number', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.id_number', '') END),
    gender = CASE json_type(fields, '$.gender')
        WHEN 'text' THEN trim(fields ->> '$.gender', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.gender', '') END,
    birth_date = CASE json_type(fields, '$.birth_date')
        WHEN 'text' THEN trim(fields ->> '$.birth_date', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.birth_date', '') END,
    id_type = CASE json_type(fields, '$.id_type')
        WHEN 'text' THEN trim(fields ->> '$.id_type', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.id_type', '') END,
    highest_education = CASE json_type(fields, '$.highest_education')
        WHEN 'text' THEN trim(fields ->> '$.highest_education', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.highest_education', '') END,
    current_title = CASE json_type(fields, '$.current_title')
        WHEN 'text' THEN trim(fields ->> '$.current_title', (SELECT space FROM white))
        WHEN 'null' THEN ''
        ELSE coalesce(fields -> '$.current_title', '') END;

-- The teachers in effect, with everything the console reads of them, in
-- the order it lists them: a subtree's page walks it by school and stops
-- when the page is full; a total, a search (name, school name, ID tail)
-- and the statistics read it and never the rows with their JSON. No index
-- on name alone: a search is for a name *containing* the words, which a
-- B-tree cannot find, so it is a scan of this index over the subtree.
CREATE INDEX teacher_state_in_effect ON teacher_state (
    school, teacher_id, name, id_number, gender, birth_date, id_type, highest_education,
    current_title
) WHERE record_id = '' AND removed = 0;

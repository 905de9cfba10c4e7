-- Review bottom-up: which levels review a record, in turn (a province's
-- choice: the county alone, or the county then the city …), where each
-- pending record stands, who approved it on the way, and why a higher
-- level sent it back.
CREATE TABLE upstream_setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
ALTER TABLE batch_record ADD COLUMN stage TEXT;
ALTER TABLE batch_record ADD COLUMN approvals TEXT;
ALTER TABLE batch_record ADD COLUMN sent_back TEXT;

-- Batches taken back from the upstream (docs/batches.md, "A school file
-- restored from an old backup"): a school file restored from a backup made
-- before some of its batches were received has lost them; when the upstream
-- refuses its next batch as a replay, Taoli fetches them, verifies their
-- receipts with the pinned key and keeps them again, marked here with when
-- that was. NULL for a batch made in this file.
ALTER TABLE batch ADD COLUMN recovered_at TEXT;

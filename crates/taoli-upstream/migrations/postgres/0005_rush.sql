-- What the deadline rush measured (docs/benchmarks.md) a batch's rows cost:
-- every record of a received batch updates each index of batch_record.
-- batch_record_pending (batch_id WHERE status = 'pending') answers nothing
-- batch_record_status (status, batch_id) does not, so it goes.
DROP INDEX IF EXISTS batch_record_pending;
-- A payload is gzip: PostgreSQL's own compression only spends time failing
-- to shrink it. Kept out of line, uncompressed (rows written from now on).
ALTER TABLE batch ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE payload_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;

//! The floor: PostgreSQL alone ingesting the rows the rush made the
//! upstream store (one row a batch, one a record, as `batch` and
//! `batch_record` hold them: the manifest, payload and receipt bytes, each
//! record's content as the upstream writes it) with `COPY`, into fresh
//! tables with the same columns, keys and indexes, on the same server in
//! the same run. Only the `COPY`s are timed; the rows are made first.

use std::io::Write as _;
use std::time::{Duration, Instant};

use postgres::Client;
use taoli_protocol::{Payload, now};

use crate::error::Result;
use crate::roster::Batch;

/// Rows ready for `COPY … FROM STDIN` (text format).
#[derive(Debug, Default)]
pub struct Rows {
    pub batch: Vec<u8>,
    /// One buffer a batch.
    pub records: Vec<Vec<u8>>,
    pub batch_rows: u64,
    pub record_rows: u64,
}

/// The rows of `batches` with the receipts their schools hold.
pub fn rows(batches: &[(&Batch, Option<&[u8]>)]) -> Result<Rows> {
    let mut rows = Rows::default();
    let at = now();
    for (batch, receipt) in batches {
        let m = &batch.manifest;
        let fields = [
            text(&m.batch_id),
            text(&m.school),
            m.sequence.to_string(),
            m.previous_batch.as_deref().map_or_else(null, text),
            text(&m.key_id),
            bytea(&m.canonical_bytes()),
            m.payload_size.to_string(),
            text(&m.payload_sha256),
            m.record_count.to_string(),
            "received".into(),
            text(&at),
            text(&at),
            bytea(&batch.payload),
            receipt.map_or_else(null, bytea),
            null(),
        ];
        line(&mut rows.batch, &fields);
        rows.batch_rows = rows.batch_rows.saturating_add(1);
        let payload = Payload::decode(&batch.payload)?;
        let mut buffer = Vec::new();
        for (position, change) in payload.changes.iter().enumerate() {
            let fields = [
                text(&m.batch_id),
                text(&change.id),
                position.to_string(),
                text(change.op.as_str()),
                text(&change.teacher_id),
                text(&serde_json::to_string(change).unwrap_or_default()),
                "pending".into(),
                null(),
                null(),
                null(),
            ];
            line(&mut buffer, &fields);
            rows.record_rows = rows.record_rows.saturating_add(1);
        }
        rows.records.push(buffer);
    }
    Ok(rows)
}

/// Creates `floor_batch` and `floor_batch_record` like the upstream's
/// tables (columns, keys, indexes; no foreign key) and copies `rows` in;
/// the time the `COPY`s took.
pub fn copy(client: &mut Client, rows: &Rows) -> Result<Duration> {
    client.batch_execute(
        "DROP TABLE IF EXISTS floor_batch_record; DROP TABLE IF EXISTS floor_batch;
         CREATE TABLE floor_batch (LIKE batch INCLUDING ALL);
         CREATE TABLE floor_batch_record (LIKE batch_record INCLUDING ALL);",
    )?;
    let started = Instant::now();
    let mut writer = client.copy_in(
        "COPY floor_batch (batch_id, school, sequence, previous_batch, key_id, manifest, payload_size,
                           payload_sha256, record_count, state, created_at, received_at, payload,
                           receipt, refusal) FROM STDIN",
    )?;
    writer.write_all(&rows.batch)?;
    writer.finish()?;
    let mut writer = client.copy_in(
        // The columns a received record has; later migrations' columns
        // (the review stage, who reviewed) start empty, as they do upstream.
        "COPY floor_batch_record (batch_id, record, position, op, teacher_id, content, status,
                                  reason, reviewed_at, review_id) FROM STDIN",
    )?;
    for buffer in &rows.records {
        writer.write_all(buffer)?;
    }
    writer.finish()?;
    Ok(started.elapsed())
}

fn null() -> String {
    "\\N".into()
}

/// A text value, escaped for COPY's text format.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// A bytea value: `\x` and hex, its backslash escaped for COPY.
fn bytea(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len().saturating_mul(2).saturating_add(3));
    out.push_str("\\\\x");
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            if let Some(&h) = HEX.get(usize::from(nibble)) {
                out.push(char::from(h));
            }
        }
    }
    out
}

fn line(out: &mut Vec<u8>, fields: &[String]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        out.extend_from_slice(field.as_bytes());
    }
    out.push(b'\n');
}

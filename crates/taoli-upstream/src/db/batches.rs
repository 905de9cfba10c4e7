//! Batches as the protocol moves them (docs/protocol.md): a school's signed
//! manifest registered, its payload received (in one `PUT` or resumed over
//! several), checked, its records stored and its receipt signed, all in the
//! transaction that completes it; and what a school may take back.

use taoli_protocol::{
    self as protocol, BatchHistory, BatchState, BatchStatus, Change, HeldBatch, Manifest, Payload,
    Receipt, Refusal, RefusalCode, SignedManifest, SignedReceipt, SigningKey,
};

use crate::db::Db;
use crate::db::sql::{self, Tx, args};
use crate::error::{Error, Result};

impl Db {
    /// Takes a verified manifest. The same batch id with the same manifest
    /// bytes is the existing batch (`Ok((status, false))`); with other bytes
    /// it is `batch_conflict`. A new batch must follow the school's last
    /// received batch.
    pub fn register_batch(
        &self,
        signed: &SignedManifest,
        manifest: &Manifest,
        server_key: &SigningKey,
    ) -> Result<(BatchStatus, bool)> {
        self.write(|tx| {
            tx.lock(&manifest.school)?;
            let existing = tx.query_opt(
                "SELECT manifest FROM batch WHERE batch_id = $1",
                args![&manifest.batch_id],
            )?;
            if let Some(row) = existing {
                if row.bytes(0)? != signed.manifest_bytes {
                    return Err(Error::refused_with(
                        RefusalCode::BatchConflict,
                        format!("批次 {}", manifest.batch_id),
                        format!("batch {}", manifest.batch_id),
                    ));
                }
                let status = status_of(tx, &manifest.batch_id, server_key)?;
                if let Some(refusal) = status.refusal {
                    return Err(Error::Refused(refusal));
                }
                return Ok((status, false));
            }
            check_sequence(tx, manifest)?;
            tx.execute(
                "INSERT INTO batch (batch_id, school, sequence, previous_batch, key_id, manifest,
                                    payload_size, payload_sha256, record_count, state, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'receiving', $10)",
                args![
                    &manifest.batch_id,
                    &manifest.school,
                    manifest.sequence,
                    manifest.previous_batch.as_deref(),
                    &manifest.key_id,
                    &signed.manifest_bytes[..],
                    manifest.payload_size,
                    &manifest.payload_sha256,
                    manifest.record_count,
                    protocol::now()
                ],
            )?;
            let status = status_of(tx, &manifest.batch_id, server_key)?;
            Ok((status, true))
        })
    }

    /// The school a batch is of, None for a batch not known here.
    pub fn batch_school(&self, batch_id: &str) -> Result<Option<String>> {
        self.read(|tx| {
            tx.query_opt(
                "SELECT school FROM batch WHERE batch_id = $1",
                args![batch_id],
            )?
            .map(|row| row.text(0))
            .transpose()
        })
    }

    /// Where a batch stands.
    pub fn batch_status(&self, batch_id: &str, server_key: &SigningKey) -> Result<BatchStatus> {
        self.read(|tx| status_of(tx, batch_id, server_key))
    }

    /// The payload bytes of a received batch.
    pub fn stored_payload(&self, batch_id: &str) -> Result<Option<Vec<u8>>> {
        self.read(|tx| {
            tx.query_opt(
                "SELECT payload FROM batch WHERE batch_id = $1",
                args![batch_id],
            )?
            .map_or(Ok(None), |row| row.opt_bytes(0))
        })
    }

    /// Appends `bytes` at `offset` to a receiving batch's payload. The offset
    /// must be exactly what is held (`offset_mismatch` otherwise, with the
    /// bytes held); more than the manifest's size is `too_large`. Returns the
    /// bytes now held.
    pub fn append_payload(&self, batch_id: &str, offset: u64, bytes: &[u8]) -> Result<u64> {
        self.write(|tx| {
            let (held, _) = check_append(tx, batch_id, offset, bytes.len())?;
            insert_chunk(tx, batch_id, offset, bytes)?;
            Ok(held.saturating_add(bytes.len() as u64))
        })
    }

    /// The payload bytes held and the batch's state and size.
    pub fn held(&self, batch_id: &str) -> Result<(BatchState, u64, u64)> {
        self.read(|tx| {
            let (state, size) = state_and_size(tx, batch_id)?;
            let held = match state {
                BatchState::Received => size,
                _ => held_bytes(tx, batch_id)?,
            };
            Ok((state, held, size))
        })
    }

    /// Takes the bytes of a payload `PUT` at `offset`, all in one
    /// transaction: they are appended while the payload is incomplete; the
    /// bytes that complete it complete the batch ([`complete`]). A payload
    /// sent whole in one `PUT` (every batch on a working link) never touches
    /// the chunk table.
    ///
    /// The offset must be exactly what is held (`offset_mismatch`, with the
    /// bytes held); more than the manifest's size is `too_large`; a batch no
    /// longer receiving (another request completed it first) is
    /// `offset_mismatch`. A hash mismatch discards every byte held (the batch
    /// can be sent again); a payload that cannot be read or breaks the
    /// sequence refuses the batch for good.
    pub fn receive_payload(
        &self,
        batch_id: &str,
        offset: u64,
        bytes: &[u8],
        server_key: &SigningKey,
    ) -> Result<BatchStatus> {
        self.write_then_fail(|tx| {
            let school = tx
                .query_opt(
                    "SELECT school FROM batch WHERE batch_id = $1",
                    args![batch_id],
                )?
                .ok_or_else(|| Error::BatchNotFound(batch_id.to_owned()))?
                .text(0)?;
            // The school's lock first, then the batch's row: the order every
            // write of a school's chain takes them in.
            tx.lock(&school)?;
            let (held, size) = check_append(tx, batch_id, offset, bytes.len())?;
            let now_held = held.saturating_add(bytes.len() as u64);
            if now_held < size {
                insert_chunk(tx, batch_id, offset, bytes)?;
                return Ok(Ok(BatchStatus::new(
                    batch_id,
                    BatchState::Receiving,
                    size,
                    now_held,
                )));
            }
            let payload = if held == 0 {
                bytes.to_vec()
            } else {
                let mut payload = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                for row in tx.query(
                    "SELECT bytes FROM payload_chunk WHERE batch_id = $1 ORDER BY \"offset\"",
                    args![batch_id],
                )? {
                    payload.extend_from_slice(&row.bytes(0)?);
                }
                tx.execute(
                    "DELETE FROM payload_chunk WHERE batch_id = $1",
                    args![batch_id],
                )?;
                payload.extend_from_slice(bytes);
                payload
            };
            complete(tx, batch_id, &payload, server_key)
        })
    }

    /// How many batches of `school` are received (for tests and the page).
    pub fn received_batches(&self, school: &str) -> Result<u64> {
        self.read(|tx| {
            tx.query_one(
                "SELECT count(*) FROM batch WHERE school = $1 AND state = 'received'",
                args![school],
            )?
            .count(0)
        })
    }

    /// The school's received batches after sequence `after`, in order, at
    /// most `limit` of them and no more than
    /// [`protocol::BATCH_HISTORY_PAGE_BYTES`] (at least one), with the
    /// school's last accepted sequence: what a school file restored from an
    /// old backup takes back (`GET /v1/schools/{school}/batches`).
    pub fn held_batches(&self, school: &str, after: u64, limit: usize) -> Result<BatchHistory> {
        let (last, rows) = self.read(|tx| {
            let last = tx
                .query_one(
                    "SELECT coalesce(max(sequence), 0) FROM batch
                     WHERE school = $1 AND state = 'received'",
                    args![school],
                )?
                .count(0)?;
            let rows = tx.query(
                "SELECT sequence, batch_id, manifest, receipt FROM batch
                 WHERE school = $1 AND state = 'received' AND sequence > $2
                 ORDER BY sequence LIMIT $3",
                args![school, after, limit as u64],
            )?;
            Ok((last, rows))
        })?;
        let mut batches = Vec::new();
        let mut bytes = 0usize;
        for row in rows {
            if !batches.is_empty() && bytes >= protocol::BATCH_HISTORY_PAGE_BYTES {
                break;
            }
            let manifest = row.bytes(2)?;
            let receipt = row.opt_bytes(3)?.unwrap_or_default();
            bytes = bytes.saturating_add(
                (manifest.len() / 3)
                    .saturating_mul(4)
                    .saturating_add(receipt.len()),
            );
            batches.push(HeldBatch::new(
                row.count(0)?,
                &row.text(1)?,
                &manifest,
                &receipt,
            )?);
        }
        Ok(BatchHistory::new(school, last, batches))
    }

    /// The payload of one of `school`'s received batches, exactly as it
    /// arrived; None for a batch of another school, unknown or not received.
    pub fn held_payload(&self, school: &str, batch_id: &str) -> Result<Option<Vec<u8>>> {
        self.read(|tx| {
            tx.query_opt(
                "SELECT payload FROM batch
                 WHERE batch_id = $1 AND school = $2 AND state = 'received'",
                args![batch_id, school],
            )?
            .map_or(Ok(None), |row| row.opt_bytes(0))
        })
    }
}

fn offset_mismatch(held: u64) -> Error {
    Error::refused_with(
        RefusalCode::OffsetMismatch,
        format!("上级系统已收到 {held} 字节"),
        format!("the upstream has received {held} bytes"),
    )
}

/// Checks that `len` bytes at `offset` may be appended to a receiving
/// batch, holding its row until the transaction ends; the bytes held and
/// the payload's size.
fn check_append(tx: &mut dyn Tx, batch_id: &str, offset: u64, len: usize) -> Result<(u64, u64)> {
    let (state, size) = lock_batch(tx, batch_id)?;
    if state != BatchState::Receiving {
        return Err(Error::refused_with(
            RefusalCode::OffsetMismatch,
            "批次已经不在接收中",
            "the batch is no longer being received",
        ));
    }
    let held = held_bytes(tx, batch_id)?;
    if offset != held {
        return Err(offset_mismatch(held));
    }
    if held.saturating_add(len as u64) > size {
        return Err(Error::refused_with(
            RefusalCode::TooLarge,
            format!("批次清单写明数据共 {size} 字节，上传的超出了"),
            format!("the batch manifest says the data has {size} bytes, and more were uploaded"),
        ));
    }
    Ok((held, size))
}

/// Keeps a part of a payload until the rest arrives.
fn insert_chunk(tx: &mut dyn Tx, batch_id: &str, offset: u64, bytes: &[u8]) -> Result<()> {
    if !bytes.is_empty() {
        tx.execute(
            "INSERT INTO payload_chunk (batch_id, \"offset\", bytes) VALUES ($1, $2, $3)",
            args![batch_id, offset, bytes],
        )?;
    }
    Ok(())
}

/// Completes a batch whose whole `payload` is here (and no longer in the
/// chunk table): checks it against the manifest and the school's chain
/// and, when it passes, stores its records and signs its receipt. The
/// school's lock and the batch's row are held.
///
/// `Ok(Err(_))` is an answer to commit: a hash mismatch (the bytes are
/// thrown away; the batch can be sent again) or a refusal for good.
fn complete(
    tx: &mut dyn Tx,
    batch_id: &str,
    payload: &[u8],
    server_key: &SigningKey,
) -> Result<Result<BatchStatus>> {
    let manifest_bytes = tx
        .query_one(
            "SELECT manifest FROM batch WHERE batch_id = $1",
            args![batch_id],
        )?
        .bytes(0)?;
    let manifest = Manifest::decode(&manifest_bytes)?;
    if protocol::sha256_hex(payload) != manifest.payload_sha256 {
        return Ok(Err(Error::refused_with(
            RefusalCode::PayloadHashMismatch,
            "已丢弃收到的数据，请从头重新上传",
            "the data received was thrown away; upload it again from the start",
        )));
    }
    let checked =
        match Payload::decode(payload).and_then(|p| p.check_against(&manifest).map(|()| p)) {
            Ok(p) => match check_sequence(tx, &manifest) {
                Ok(()) => Ok(p),
                Err(Error::Refused(refusal)) => Err(refusal),
                Err(other) => return Err(other),
            },
            Err(refusal) => Err(refusal),
        };
    let payload_doc = match checked {
        Ok(p) => p,
        Err(refusal) => {
            tx.execute(
                "UPDATE batch SET state = 'refused', refusal = $1 WHERE batch_id = $2",
                args![refusal.to_json(), batch_id],
            )?;
            return Ok(Err(Error::Refused(refusal)));
        }
    };
    let received_at = protocol::now();
    insert_records(tx, batch_id, &payload_doc.changes)?;
    let ids: Vec<String> = payload_doc.changes.iter().map(|c| c.id.clone()).collect();
    let receipt = Receipt::new(&manifest, &received_at, &ids);
    let signed = SignedReceipt::sign(&receipt, server_key).encode();
    tx.execute(
        "UPDATE batch SET state = 'received', received_at = $1, payload = $2, receipt = $3
         WHERE batch_id = $4",
        args![&received_at, payload, &signed[..], batch_id],
    )?;
    // Signed here and now: handed out as it was stored, without the read
    // back and check a stored receipt gets (`status_of`).
    let mut status = BatchStatus::new(
        batch_id,
        BatchState::Received,
        manifest.payload_size,
        manifest.payload_size,
    );
    status.receipt = Some(
        serde_json::from_slice(&signed)
            .map_err(|e| Error::ServerKeyDamaged(format!("回执无法读取：{e}")))?,
    );
    Ok(Ok(status))
}

/// Whether `manifest` follows the school's last received batch.
fn check_sequence(tx: &mut dyn Tx, manifest: &Manifest) -> Result<()> {
    let last = tx.query_opt(
        "SELECT sequence, batch_id FROM batch WHERE school = $1 AND state = 'received'
         ORDER BY sequence DESC LIMIT 1",
        args![&manifest.school],
    )?;
    let (last_sequence, last_id) = match &last {
        Some(row) => (row.count(0)?, Some(row.text(1)?)),
        None => (0, None),
    };
    if manifest.sequence <= last_sequence {
        return Err(Error::refused_with(
            RefusalCode::SequenceReplayed,
            format!(
                "序号 {}，上级系统已收到第 {last_sequence} 批",
                manifest.sequence
            ),
            format!(
                "sequence number {}; the upstream has received batch {last_sequence}",
                manifest.sequence
            ),
        ));
    }
    if manifest.sequence != last_sequence.saturating_add(1) {
        return Err(Error::refused_with(
            RefusalCode::SequenceOutOfOrder,
            format!(
                "序号 {}，上级系统最后收到的是第 {last_sequence} 批",
                manifest.sequence
            ),
            format!(
                "sequence number {}; the last batch the upstream received is batch {last_sequence}",
                manifest.sequence
            ),
        ));
    }
    if manifest.previous_batch != last_id {
        return Err(Error::refused_with(
            RefusalCode::SequenceOutOfOrder,
            "批次写明的前一批次不是上级系统最后收到的批次",
            "the previous batch the batch names is not the last batch the upstream received",
        ));
    }
    Ok(())
}

fn state_and_size(tx: &mut dyn Tx, batch_id: &str) -> Result<(BatchState, u64)> {
    read_state_and_size(tx, batch_id, "")
}

/// [`state_and_size`], holding the batch's row until the transaction ends.
fn lock_batch(tx: &mut dyn Tx, batch_id: &str) -> Result<(BatchState, u64)> {
    let clause = tx.for_update();
    read_state_and_size(tx, batch_id, clause)
}

fn read_state_and_size(tx: &mut dyn Tx, batch_id: &str, clause: &str) -> Result<(BatchState, u64)> {
    let sql = format!("SELECT state, payload_size FROM batch WHERE batch_id = $1{clause}");
    let Some(row) = tx.query_opt(&sql, args![batch_id])? else {
        return Err(Error::BatchNotFound(batch_id.to_owned()));
    };
    Ok((parse_state(&row.text(0)?), row.count(1)?))
}

fn parse_state(state: &str) -> BatchState {
    match state {
        "received" => BatchState::Received,
        "refused" => BatchState::Refused,
        _ => BatchState::Receiving,
    }
}

fn held_bytes(tx: &mut dyn Tx, batch_id: &str) -> Result<u64> {
    tx.query_one(
        "SELECT CAST(coalesce(sum(length(bytes)), 0) AS BIGINT) FROM payload_chunk
         WHERE batch_id = $1",
        args![batch_id],
    )?
    .count(0)
}

fn status_of(tx: &mut dyn Tx, batch_id: &str, server_key: &SigningKey) -> Result<BatchStatus> {
    let Some(row) = tx.query_opt(
        "SELECT state, payload_size, receipt, refusal FROM batch WHERE batch_id = $1",
        args![batch_id],
    )?
    else {
        return Err(Error::BatchNotFound(batch_id.to_owned()));
    };
    let state = parse_state(&row.text(0)?);
    let size = row.count(1)?;
    let held = match state {
        BatchState::Received => size,
        _ => held_bytes(tx, batch_id)?,
    };
    let mut status = BatchStatus::new(batch_id, state, size, held);
    if let Some(bytes) = row.opt_bytes(2)? {
        // Kept as signed; checked against our own key so a damaged row is
        // never handed out as evidence.
        let signed = SignedReceipt::decode(&bytes)?;
        signed.verify(&server_key.public_key())?;
        status.receipt = Some(
            serde_json::from_slice(&bytes)
                .map_err(|e| Error::ServerKeyDamaged(format!("保存的回执无法读取：{e}")))?,
        );
    }
    if let Some(text) = row.opt_text(3)? {
        status.refusal = Some(Refusal::decode(text.as_bytes())?);
    }
    Ok(status)
}

/// Stores a received batch's records, pending review, in their order, in
/// one go ([`Tx::insert_rows`]: one `COPY` on PostgreSQL). A batch of 300
/// teachers is 600 records; one statement each was 90% of the database's
/// time in the deadline rush (docs/benchmarks.md).
fn insert_records(tx: &mut dyn Tx, batch_id: &str, changes: &[Change]) -> Result<()> {
    let rows: Vec<Vec<sql::Value>> = changes
        .iter()
        .zip(0u64..)
        .map(|(change, position)| {
            vec![
                sql::Value::from(batch_id),
                sql::Value::from(&change.id),
                sql::Value::from(position),
                sql::Value::from(change.op.as_str()),
                sql::Value::from(&change.teacher_id),
                sql::Value::from(content_of(change)),
                sql::Value::from("pending"),
            ]
        })
        .collect();
    tx.insert_rows(
        "batch_record",
        &[
            "batch_id",
            "record",
            "position",
            "op",
            "teacher_id",
            "content",
            "status",
        ],
        &rows,
    )
}

/// What the reviewer sees of a change: its op, ids, versions, values, reason.
fn content_of(change: &Change) -> String {
    serde_json::to_string(change).unwrap_or_default()
}

//! The upstream's SQLite database: its receipt-signing key, enrollment codes,
//! the schools' keys, batches (with partial payloads while they arrive),
//! their records and the review results.
//!
//! Every change is one `IMMEDIATE` transaction, so a request interrupted
//! anywhere (or answered with an injected 500 after its commit) leaves either
//! all of its work or none.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{Duration, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use taoli_protocol::{
    self as protocol, BatchHistory, BatchState, BatchStatus, Change, Decision, EnrollmentRequest,
    EnrollmentResponse, HeldBatch, MAX_REASON_CHARS, Manifest, Payload, PublicKey, Receipt,
    Refusal, RefusalCode, ReviewPage, ReviewResult, SignedManifest, SignedReceipt, SigningKey,
    normalize_enrollment_code,
};
use uuid::Uuid;

use crate::error::{Error, Result};

/// `PRAGMA application_id` of an upstream database ("TLUP").
const APPLICATION_ID: i64 = 0x544c_5550;

/// The longest an enrollment code may stay valid: ten years.
pub const MAX_VALID_DAYS: u32 = 3660;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS server_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    alg TEXT NOT NULL,
    secret BLOB NOT NULL,
    key_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS enrollment_code (
    code_hash TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    key_id TEXT
);
CREATE TABLE IF NOT EXISTS school_key (
    key_id TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    alg TEXT NOT NULL,
    public_key BLOB NOT NULL,
    enrolled_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS batch (
    batch_id TEXT PRIMARY KEY,
    school TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    previous_batch TEXT,
    key_id TEXT NOT NULL,
    manifest BLOB NOT NULL,
    payload_size INTEGER NOT NULL,
    payload_sha256 TEXT NOT NULL,
    record_count INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('receiving', 'received', 'refused')),
    created_at TEXT NOT NULL,
    received_at TEXT,
    payload BLOB,
    receipt BLOB,
    refusal TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS batch_received_sequence
    ON batch (school, sequence) WHERE state = 'received';
CREATE TABLE IF NOT EXISTS payload_chunk (
    batch_id TEXT NOT NULL REFERENCES batch (batch_id),
    offset INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (batch_id, offset)
);
CREATE TABLE IF NOT EXISTS batch_record (
    batch_id TEXT NOT NULL REFERENCES batch (batch_id),
    record TEXT NOT NULL,
    position INTEGER NOT NULL,
    op TEXT NOT NULL,
    teacher_id TEXT NOT NULL,
    content TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'returned')),
    reason TEXT,
    reviewed_at TEXT,
    review_id TEXT,
    PRIMARY KEY (batch_id, record)
);
CREATE TABLE IF NOT EXISTS review_event (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    school TEXT NOT NULL,
    review_id TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    record TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT,
    reviewed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS review_event_school ON review_event (school, cursor);
";

/// A school's registered key.
#[derive(Debug, Clone)]
pub struct SchoolKey {
    pub school: String,
    pub key: PublicKey,
    pub revoked: bool,
}

/// A record waiting for review, as the /review page lists it.
#[derive(Debug, Clone)]
pub struct PendingRecord {
    pub school: String,
    pub batch_id: String,
    pub sequence: u64,
    pub record: String,
    pub op: String,
    pub teacher_id: String,
    pub content: String,
}

/// The upstream's database. One connection, used by one request at a time.
#[derive(Debug)]
pub struct Db {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Db {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let open_err = |source| Error::OpenDatabase {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        let app_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| Error::NotOurDatabase {
                path: path.to_owned(),
                detail: e.to_string(),
            })?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID && !(app_id == 0 && tables == 0) {
            return Err(Error::NotOurDatabase {
                path: path.to_owned(),
                detail: format!("application_id 是 {app_id:#x}"),
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        Ok(Db {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The receipt-signing key, made on first use and kept in the database.
    pub fn server_key(&self) -> Result<SigningKey> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: Option<Vec<u8>> = tx
            .query_row("SELECT secret FROM server_key WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let key = match stored {
            Some(secret) => SigningKey::from_bytes(&secret)
                .map_err(|e| Error::ServerKeyDamaged(e.to_string()))?,
            None => {
                let key = SigningKey::generate()?;
                tx.execute(
                    "INSERT INTO server_key (id, alg, secret, key_id, created_at) VALUES (1, ?1, ?2, ?3, ?4)",
                    params![
                        protocol::ALGORITHM_ED25519,
                        &key.to_bytes()[..],
                        key.key_id(),
                        protocol::now()
                    ],
                )?;
                key
            }
        };
        tx.commit()?;
        Ok(key)
    }

    /// Issues a one-time enrollment code (报送码) for `school`, valid for
    /// `valid_days` (at most [`MAX_VALID_DAYS`]). Only its SHA-256 is kept.
    pub fn issue_enrollment_code(&self, school: &str, valid_days: u32) -> Result<String> {
        if school.len() != 10 || !school.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidSchoolCode(school.to_owned()));
        }
        // No 0/O, 1/I/L: a clerk copies it from paper.
        const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        let mut random = [0u8; 16];
        getrandom::fill(&mut random)
            .map_err(|e| Error::Protocol(taoli_protocol::Error::Random(e.to_string())))?;
        let chars: String = random
            .iter()
            .filter_map(|b| {
                let at = usize::from(*b).checked_rem(ALPHABET.len())?;
                ALPHABET.get(at).copied().map(char::from)
            })
            .collect();
        let now = Utc::now();
        // Past chrono's last year (262143) `now + days` would panic.
        let expires = now
            .checked_add_signed(Duration::days(i64::from(valid_days)))
            .filter(|_| valid_days <= MAX_VALID_DAYS)
            .ok_or(Error::InvalidValidDays(valid_days))?;
        self.conn().execute(
            "INSERT INTO enrollment_code (code_hash, school, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                code_hash(&chars),
                school,
                protocol::timestamp(now),
                protocol::timestamp(expires)
            ],
        )?;
        let letters: Vec<char> = chars.chars().collect();
        let groups: Vec<String> = letters.chunks(4).map(|g| g.iter().collect()).collect();
        Ok(groups.join("-"))
    }

    /// Registers a school's key with an enrollment code, revoking the
    /// school's earlier keys. The same key enrolling again with the code it
    /// used gets the same answer (a retry after a lost response).
    pub fn enroll(
        &self,
        request: &EnrollmentRequest,
        key: &PublicKey,
        upstream: &PublicKey,
    ) -> Result<EnrollmentResponse> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hash = code_hash(&normalize_enrollment_code(&request.code));
        let row: Option<(String, String, Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT school, expires_at, used_at, key_id FROM enrollment_code WHERE code_hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((school, expires_at, used_at, used_by)) = row else {
            return Err(Error::refused(RefusalCode::EnrollmentCodeInvalid));
        };
        if school != request.school {
            return Err(Error::refused_with(
                RefusalCode::WrongSchool,
                format!("报送码是发给另一所学校的，不是 {}", request.school),
                format!(
                    "the enrollment code was issued to another school, not {}",
                    request.school
                ),
            ));
        }
        let key_id = key.key_id();
        let response = |enrolled_at: String| EnrollmentResponse {
            protocol: protocol::PROTOCOL_VERSION.into(),
            school: school.clone(),
            key_id: key_id.clone(),
            enrolled_at,
            upstream_key: upstream.to_wire(),
        };
        if let Some(used_at) = used_at {
            if used_by.as_deref() == Some(key_id.as_str()) {
                return Ok(response(used_at));
            }
            return Err(Error::refused_with(
                RefusalCode::EnrollmentCodeInvalid,
                "报送码已经用过",
                "the enrollment code was already used",
            ));
        }
        if expires_at < protocol::now() {
            return Err(Error::refused_with(
                RefusalCode::EnrollmentCodeInvalid,
                "报送码已过期",
                "the enrollment code has expired",
            ));
        }
        let known: Option<String> = tx
            .query_row(
                "SELECT school FROM school_key WHERE key_id = ?1",
                [&key_id],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_some() {
            return Err(Error::refused_with(
                RefusalCode::MalformedRequest,
                "这个公钥已经登记过，请让桃李生成新的签名密钥",
                "this public key is already enrolled; let Taoli make a new signing key",
            ));
        }
        let now = protocol::now();
        tx.execute(
            "UPDATE school_key SET revoked_at = ?1 WHERE school = ?2 AND revoked_at IS NULL",
            params![now, school],
        )?;
        tx.execute(
            "INSERT INTO school_key (key_id, school, alg, public_key, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![key_id, school, key.alg(), &key.as_bytes()[..], now],
        )?;
        tx.execute(
            "UPDATE enrollment_code SET used_at = ?1, key_id = ?2 WHERE code_hash = ?3",
            params![now, key_id, hash],
        )?;
        tx.commit()?;
        Ok(response(now))
    }

    /// Revokes a school's key: batches it signs are refused from now on.
    pub fn revoke_key(&self, key_id: &str) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE school_key SET revoked_at = ?1 WHERE key_id = ?2 AND revoked_at IS NULL",
            params![protocol::now(), key_id],
        )?;
        if changed == 0 {
            return Err(Error::KeyNotFound(key_id.to_owned()));
        }
        Ok(())
    }

    /// A registered key by id.
    pub fn school_key(&self, key_id: &str) -> Result<Option<SchoolKey>> {
        let row: Option<(String, Vec<u8>, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT school, public_key, revoked_at FROM school_key WHERE key_id = ?1",
                [key_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(school, bytes, revoked)| {
            let key = PublicKey::from_bytes(&bytes, RefusalCode::ServerError)?;
            Ok(SchoolKey {
                school,
                key,
                revoked: revoked.is_some(),
            })
        })
        .transpose()
    }

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
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<Vec<u8>> = tx
            .query_row(
                "SELECT manifest FROM batch WHERE batch_id = ?1",
                [&manifest.batch_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(bytes) = existing {
            if bytes != signed.manifest_bytes {
                return Err(Error::refused_with(
                    RefusalCode::BatchConflict,
                    format!("批次 {}", manifest.batch_id),
                    format!("batch {}", manifest.batch_id),
                ));
            }
            let status = status_of(&tx, &manifest.batch_id, server_key)?;
            if let Some(refusal) = status.refusal {
                return Err(Error::Refused(refusal));
            }
            return Ok((status, false));
        }
        check_sequence(&tx, manifest)?;
        tx.execute(
            "INSERT INTO batch (batch_id, school, sequence, previous_batch, key_id, manifest, payload_size,
                                payload_sha256, record_count, state, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'receiving', ?10)",
            params![
                manifest.batch_id,
                manifest.school,
                manifest.sequence as i64,
                manifest.previous_batch,
                manifest.key_id,
                signed.manifest_bytes,
                manifest.payload_size as i64,
                manifest.payload_sha256,
                manifest.record_count as i64,
                protocol::now()
            ],
        )?;
        let status = status_of(&tx, &manifest.batch_id, server_key)?;
        tx.commit()?;
        Ok((status, true))
    }

    /// Where a batch stands.
    pub fn batch_status(&self, batch_id: &str, server_key: &SigningKey) -> Result<BatchStatus> {
        let conn = self.conn();
        status_of(&conn, batch_id, server_key)
    }

    /// The payload bytes of a received batch.
    pub fn stored_payload(&self, batch_id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT payload FROM batch WHERE batch_id = ?1",
                [batch_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Appends `bytes` at `offset` to a receiving batch's payload. The offset
    /// must be exactly what is held (`offset_mismatch` otherwise, with the
    /// bytes held); more than the manifest's size is `too_large`. Returns the
    /// bytes now held.
    pub fn append_payload(&self, batch_id: &str, offset: u64, bytes: &[u8]) -> Result<u64> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (state, size) = state_and_size(&tx, batch_id)?;
        if state != BatchState::Receiving {
            return Err(Error::refused_with(
                RefusalCode::OffsetMismatch,
                "批次已经不在接收中",
                "the batch is no longer being received",
            ));
        }
        let held = held_bytes(&tx, batch_id)?;
        if offset != held {
            return Err(offset_mismatch(held));
        }
        if held.saturating_add(bytes.len() as u64) > size {
            return Err(Error::refused_with(
                RefusalCode::TooLarge,
                format!("批次清单写明数据共 {size} 字节，上传的超出了"),
                format!(
                    "the batch manifest says the data has {size} bytes, and more were uploaded"
                ),
            ));
        }
        if !bytes.is_empty() {
            tx.execute(
                "INSERT INTO payload_chunk (batch_id, offset, bytes) VALUES (?1, ?2, ?3)",
                params![batch_id, offset as i64, bytes],
            )?;
        }
        tx.commit()?;
        Ok(held.saturating_add(bytes.len() as u64))
    }

    /// The payload bytes held and the batch's state and size.
    pub fn held(&self, batch_id: &str) -> Result<(BatchState, u64, u64)> {
        let conn = self.conn();
        let (state, size) = state_and_size(&conn, batch_id)?;
        let held = match state {
            BatchState::Received => size,
            _ => held_bytes(&conn, batch_id)?,
        };
        Ok((state, held, size))
    }

    /// Checks a batch whose payload has fully arrived and, when it passes,
    /// stores its records and signs its receipt, all in one transaction.
    ///
    /// A hash mismatch discards the bytes (the batch can be sent again); a
    /// payload that cannot be read or breaks the sequence refuses the batch
    /// for good.
    pub fn complete_batch(&self, batch_id: &str, server_key: &SigningKey) -> Result<BatchStatus> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (state, size) = state_and_size(&tx, batch_id)?;
        if state != BatchState::Receiving || held_bytes(&tx, batch_id)? != size {
            let status = status_of(&tx, batch_id, server_key)?;
            return Ok(status);
        }
        let manifest_bytes: Vec<u8> = tx.query_row(
            "SELECT manifest FROM batch WHERE batch_id = ?1",
            [batch_id],
            |r| r.get(0),
        )?;
        let manifest = Manifest::decode(&manifest_bytes)?;
        let mut payload = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        {
            let mut stmt =
                tx.prepare("SELECT bytes FROM payload_chunk WHERE batch_id = ?1 ORDER BY offset")?;
            let mut rows = stmt.query([batch_id])?;
            while let Some(row) = rows.next()? {
                payload.extend_from_slice(&row.get::<_, Vec<u8>>(0)?);
            }
        }
        tx.execute("DELETE FROM payload_chunk WHERE batch_id = ?1", [batch_id])?;
        if protocol::sha256_hex(&payload) != manifest.payload_sha256 {
            tx.commit()?;
            return Err(Error::refused_with(
                RefusalCode::PayloadHashMismatch,
                "已丢弃收到的数据，请从头重新上传",
                "the data received was thrown away; upload it again from the start",
            ));
        }
        let checked =
            match Payload::decode(&payload).and_then(|p| p.check_against(&manifest).map(|()| p)) {
                Ok(p) => match check_sequence(&tx, &manifest) {
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
                    "UPDATE batch SET state = 'refused', refusal = ?1 WHERE batch_id = ?2",
                    params![refusal.to_json(), batch_id],
                )?;
                tx.commit()?;
                return Err(Error::Refused(refusal));
            }
        };
        let received_at = protocol::now();
        for (position, change) in payload_doc.changes.iter().enumerate() {
            tx.execute(
                "INSERT INTO batch_record (batch_id, record, position, op, teacher_id, content, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending')",
                params![
                    batch_id,
                    change.id,
                    position as i64,
                    change.op.as_str(),
                    change.teacher_id,
                    content_of(change)
                ],
            )?;
        }
        let ids: Vec<String> = payload_doc.changes.iter().map(|c| c.id.clone()).collect();
        let receipt = Receipt::new(&manifest, &received_at, &ids);
        let signed = SignedReceipt::sign(&receipt, server_key);
        tx.execute(
            "UPDATE batch SET state = 'received', received_at = ?1, payload = ?2, receipt = ?3 WHERE batch_id = ?4",
            params![received_at, payload, signed.encode(), batch_id],
        )?;
        let status = status_of(&tx, batch_id, server_key)?;
        tx.commit()?;
        Ok(status)
    }

    /// How many batches of `school` are received (for tests and the page).
    pub fn received_batches(&self, school: &str) -> Result<u64> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM batch WHERE school = ?1 AND state = 'received'",
            [school],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Records review `decision` for one record. `deliveries` is how many
    /// times the result is queued for the school (2 under the duplicate
    /// fault); every delivery carries the same `review_id`.
    pub fn review(
        &self,
        batch_id: &str,
        record: &str,
        decision: Decision,
        reason: Option<&str>,
        deliveries: u32,
    ) -> Result<ReviewResult> {
        let reason = match (decision, reason.map(str::trim)) {
            (Decision::Returned, Some(r))
                if !r.is_empty() && r.chars().count() <= MAX_REASON_CHARS =>
            {
                Some(r.to_owned())
            }
            (Decision::Returned, _) => {
                return Err(Error::ReasonRequired {
                    max: MAX_REASON_CHARS,
                });
            }
            (Decision::Accepted, _) => None,
        };
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let batch: Option<(String, String)> = tx
            .query_row(
                "SELECT school, state FROM batch WHERE batch_id = ?1",
                [batch_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((school, state)) = batch else {
            return Err(Error::BatchNotFound(batch_id.to_owned()));
        };
        if state != "received" {
            return Err(Error::BatchNotReceived(batch_id.to_owned()));
        }
        let status: Option<String> = tx
            .query_row(
                "SELECT status FROM batch_record WHERE batch_id = ?1 AND record = ?2",
                [batch_id, record],
                |r| r.get(0),
            )
            .optional()?;
        match status.as_deref() {
            None => {
                return Err(Error::RecordNotFound {
                    batch: batch_id.to_owned(),
                    record: record.to_owned(),
                });
            }
            Some("pending") => {}
            Some(done) => {
                return Err(Error::AlreadyReviewed {
                    batch: batch_id.to_owned(),
                    record: record.to_owned(),
                    decision: if done == "accepted" {
                        "生效"
                    } else {
                        "退回"
                    }
                    .to_owned(),
                });
            }
        }
        let review_id = Uuid::now_v7().hyphenated().to_string();
        let reviewed_at = protocol::now();
        tx.execute(
            "UPDATE batch_record SET status = ?1, reason = ?2, reviewed_at = ?3, review_id = ?4
             WHERE batch_id = ?5 AND record = ?6",
            params![
                decision.as_str(),
                reason,
                reviewed_at,
                review_id,
                batch_id,
                record
            ],
        )?;
        let mut cursor = 0;
        for _ in 0..deliveries.max(1) {
            tx.execute(
                "INSERT INTO review_event (school, review_id, batch_id, record, decision, reason, reviewed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![school, review_id, batch_id, record, decision.as_str(), reason, reviewed_at],
            )?;
            cursor = tx.last_insert_rowid();
        }
        tx.commit()?;
        Ok(ReviewResult {
            cursor: cursor as u64,
            review_id,
            batch_id: batch_id.to_owned(),
            record: record.to_owned(),
            decision,
            reason,
            reviewed_at,
        })
    }

    /// The school's review results after `after`, at most `limit`.
    pub fn reviews(&self, school: &str, after: u64, limit: usize) -> Result<ReviewPage> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT cursor, review_id, batch_id, record, decision, reason, reviewed_at
             FROM review_event WHERE school = ?1 AND cursor > ?2 ORDER BY cursor LIMIT ?3",
        )?;
        let after_sql = i64::try_from(after).unwrap_or(i64::MAX);
        let mut results = stmt
            .query_map(
                params![school, after_sql, limit.saturating_add(1) as i64],
                |r| {
                    let decision: String = r.get(4)?;
                    Ok(ReviewResult {
                        cursor: r.get::<_, i64>(0)? as u64,
                        review_id: r.get(1)?,
                        batch_id: r.get(2)?,
                        record: r.get(3)?,
                        decision: if decision == "accepted" {
                            Decision::Accepted
                        } else {
                            Decision::Returned
                        },
                        reason: r.get(5)?,
                        reviewed_at: r.get(6)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let more = results.len() > limit;
        results.truncate(limit);
        Ok(protocol::review_page(school, after, results, more))
    }

    /// The school's received batches after sequence `after`, in order, at
    /// most `limit` of them and no more than
    /// [`protocol::BATCH_HISTORY_PAGE_BYTES`] (at least one), with the
    /// school's last accepted sequence: what a school file restored from an
    /// old backup takes back (`GET /v1/schools/{school}/batches`).
    pub fn held_batches(&self, school: &str, after: u64, limit: usize) -> Result<BatchHistory> {
        let conn = self.conn();
        let last: i64 = conn.query_row(
            "SELECT coalesce(max(sequence), 0) FROM batch WHERE school = ?1 AND state = 'received'",
            [school],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(
            "SELECT sequence, batch_id, manifest, receipt FROM batch
             WHERE school = ?1 AND state = 'received' AND sequence > ?2
             ORDER BY sequence LIMIT ?3",
        )?;
        let after_sql = i64::try_from(after).unwrap_or(i64::MAX);
        let mut rows = stmt.query(params![school, after_sql, limit as i64])?;
        let mut batches = Vec::new();
        let mut bytes = 0usize;
        while let Some(row) = rows.next()? {
            if !batches.is_empty() && bytes >= protocol::BATCH_HISTORY_PAGE_BYTES {
                break;
            }
            let batch_id: String = row.get(1)?;
            let manifest: Vec<u8> = row.get(2)?;
            let receipt: Vec<u8> = row.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default();
            bytes = bytes.saturating_add(
                (manifest.len() / 3)
                    .saturating_mul(4)
                    .saturating_add(receipt.len()),
            );
            batches.push(HeldBatch::new(
                row.get::<_, i64>(0)? as u64,
                &batch_id,
                &manifest,
                &receipt,
            )?);
        }
        Ok(BatchHistory::new(school, last as u64, batches))
    }

    /// The payload of one of `school`'s received batches, exactly as it
    /// arrived; None for a batch of another school, unknown or not received.
    pub fn held_payload(&self, school: &str, batch_id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT payload FROM batch WHERE batch_id = ?1 AND school = ?2 AND state = 'received'",
                [batch_id, school],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Every record waiting for review, oldest batch first.
    pub fn pending_records(&self) -> Result<Vec<PendingRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT b.school, b.batch_id, b.sequence, r.record, r.op, r.teacher_id, r.content
             FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
             WHERE r.status = 'pending' ORDER BY b.received_at, b.batch_id, r.position",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PendingRecord {
                    school: r.get(0)?,
                    batch_id: r.get(1)?,
                    sequence: r.get::<_, i64>(2)? as u64,
                    record: r.get(3)?,
                    op: r.get(4)?,
                    teacher_id: r.get(5)?,
                    content: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

fn code_hash(normalized: &str) -> String {
    protocol::sha256_hex(normalized.as_bytes())
}

fn offset_mismatch(held: u64) -> Error {
    Error::refused_with(
        RefusalCode::OffsetMismatch,
        format!("上级系统已收到 {held} 字节"),
        format!("the upstream has received {held} bytes"),
    )
}

/// Whether `manifest` follows the school's last received batch.
fn check_sequence(conn: &Connection, manifest: &Manifest) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT sequence, batch_id FROM batch WHERE school = ?1 AND state = 'received'
             ORDER BY sequence DESC LIMIT 1",
            [&manifest.school],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (last_sequence, last_id) = match &last {
        Some((s, id)) => (*s as u64, Some(id.as_str())),
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
    if manifest.previous_batch.as_deref() != last_id {
        return Err(Error::refused_with(
            RefusalCode::SequenceOutOfOrder,
            "批次写明的前一批次不是上级系统最后收到的批次",
            "the previous batch the batch names is not the last batch the upstream received",
        ));
    }
    Ok(())
}

fn state_and_size(conn: &Connection, batch_id: &str) -> Result<(BatchState, u64)> {
    let row: Option<(String, i64)> = conn
        .query_row(
            "SELECT state, payload_size FROM batch WHERE batch_id = ?1",
            [batch_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((state, size)) = row else {
        return Err(Error::BatchNotFound(batch_id.to_owned()));
    };
    Ok((parse_state(&state), size as u64))
}

fn parse_state(state: &str) -> BatchState {
    match state {
        "received" => BatchState::Received,
        "refused" => BatchState::Refused,
        _ => BatchState::Receiving,
    }
}

fn held_bytes(conn: &Connection, batch_id: &str) -> Result<u64> {
    let held: i64 = conn.query_row(
        "SELECT coalesce(sum(length(bytes)), 0) FROM payload_chunk WHERE batch_id = ?1",
        [batch_id],
        |r| r.get(0),
    )?;
    Ok(held as u64)
}

/// state, payload_size, receipt, refusal.
type StatusRow = (String, i64, Option<Vec<u8>>, Option<String>);

fn status_of(conn: &Connection, batch_id: &str, server_key: &SigningKey) -> Result<BatchStatus> {
    let row: Option<StatusRow> = conn
        .query_row(
            "SELECT state, payload_size, receipt, refusal FROM batch WHERE batch_id = ?1",
            [batch_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((state, size, receipt, refusal)) = row else {
        return Err(Error::BatchNotFound(batch_id.to_owned()));
    };
    let state = parse_state(&state);
    let size = size as u64;
    let held = match state {
        BatchState::Received => size,
        _ => held_bytes(conn, batch_id)?,
    };
    let mut status = BatchStatus::new(batch_id, state, size, held);
    if let Some(bytes) = receipt {
        // Kept as signed; checked against our own key so a damaged row is
        // never handed out as evidence.
        let signed = SignedReceipt::decode(&bytes)?;
        signed.verify(&server_key.public_key())?;
        status.receipt = Some(
            serde_json::from_slice(&bytes)
                .map_err(|e| Error::ServerKeyDamaged(format!("保存的回执无法读取：{e}")))?,
        );
    }
    if let Some(text) = refusal {
        status.refusal = Some(Refusal::decode(text.as_bytes())?);
    }
    Ok(status)
}

/// What the reviewer sees of a change: its op, ids, versions, values, reason.
fn content_of(change: &Change) -> String {
    serde_json::to_string(change).unwrap_or_default()
}

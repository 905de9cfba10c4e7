//! The upstream's store: its receipt-signing key, enrollment codes, the
//! schools' keys, batches (with partial payloads while they arrive), their
//! records and the review results.
//!
//! The logic is written once, over [`sql::Tx`]; two engines run it:
//! PostgreSQL in production (`postgres.rs`: a bounded pool, any number of
//! server processes over one database) and SQLite embedded for a single
//! county's laptop and the demo (`sqlite.rs`). The same test suite runs on
//! both (crates/taoli-upstream/tests/protocol.rs).
//!
//! Every change is one transaction, so a request interrupted anywhere (or
//! answered with an injected 500 after its commit) leaves either all of its
//! work or none. What makes a batch exactly-once is the database's: the
//! batch id is the key, a school's received sequence numbers are unique, and
//! one school's writes hold a lock ([`sql::Tx::lock`]) while they check and
//! change its chain.

pub mod batches;
pub mod console;
mod migrations;
pub mod notices;
pub mod officers;
mod postgres;
pub mod progress;
pub mod queue;
pub mod review_levels;
pub mod schools;
pub(crate) mod sql;
mod sqlite;
pub mod teachers;

use std::path::Path;

use chrono::{Duration, Utc};
use taoli_protocol::{
    self as protocol, Decision, EnrollmentRequest, EnrollmentResponse, MAX_REASON_CHARS, PublicKey,
    RefusalCode, ReviewPage, ReviewResult, SigningKey, normalize_enrollment_code,
};
use uuid::Uuid;

use crate::db::sql::{Engine, Tx, args};
use crate::error::{Error, Result};

/// The longest an enrollment code may stay valid: ten years.
pub const MAX_VALID_DAYS: u32 = 3660;

/// Connections an upstream keeps open to its database, unless told
/// otherwise: well under PostgreSQL's default `max_connections` (100) even
/// with several server processes over one database.
pub const DEFAULT_POOL_SIZE: u32 = 16;

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

/// How to reach the database: a file (SQLite) or a PostgreSQL connection
/// string, and how many connections to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub database: String,
    pub pool_size: u32,
}

impl Location {
    pub fn new(database: impl Into<String>) -> Location {
        Location {
            database: database.into(),
            pool_size: DEFAULT_POOL_SIZE,
        }
    }

    /// Whether it names a PostgreSQL database (`postgres://`,
    /// `postgresql://`, or `key=value` settings).
    pub fn is_postgres(&self) -> bool {
        let d = self.database.trim();
        d.starts_with("postgres://") || d.starts_with("postgresql://") || d.contains("dbname=")
    }
}

/// The upstream's store, over one of the two engines.
#[derive(Debug)]
pub struct Db {
    engine: Box<dyn Engine>,
}

impl Db {
    /// Opens (or creates) the SQLite database at `path`, migrated.
    pub fn open(path: &Path) -> Result<Db> {
        Ok(Db {
            engine: Box::new(sqlite::Sqlite::open(path, DEFAULT_POOL_SIZE, true)?),
        })
    }

    /// Opens the database `location` names, ready for work. A SQLite file
    /// migrates itself; a PostgreSQL database must be migrated first
    /// (`taoli-upstream migrate`), so an upgrade of a shared database is the
    /// operator's decision, made once.
    pub fn connect(location: &Location) -> Result<Db> {
        if !location.is_postgres() {
            let path = Path::new(&location.database);
            return Ok(Db {
                engine: Box::new(sqlite::Sqlite::open(path, location.pool_size, true)?),
            });
        }
        let db = Db::connect_unmigrated(location)?;
        let pending = db.pending_migrations()?;
        if !pending.is_empty() {
            return Err(Error::MigrationsPending {
                database: db.describe(),
                pending: pending.join("、"),
            });
        }
        Ok(db)
    }

    /// Opens the database `location` names without migrating or checking
    /// its tables: for `migrate`.
    pub fn connect_unmigrated(location: &Location) -> Result<Db> {
        let engine: Box<dyn Engine> = if location.is_postgres() {
            Box::new(postgres::Postgres::connect(
                &location.database,
                location.pool_size,
            )?)
        } else {
            Box::new(sqlite::Sqlite::open(
                Path::new(&location.database),
                location.pool_size,
                false,
            )?)
        };
        Ok(Db { engine })
    }

    /// The migrations the database has not applied, by name.
    pub fn pending_migrations(&self) -> Result<Vec<&'static str>> {
        self.engine.pending_migrations()
    }

    /// Applies every pending migration; the names applied.
    pub fn migrate(&self) -> Result<Vec<&'static str>> {
        self.engine.migrate()
    }

    /// The database, as the operator named it (no password).
    pub fn describe(&self) -> String {
        self.engine.describe()
    }

    /// Runs `work` in one write transaction (again from the start if the
    /// engine asks).
    fn write<T>(&self, mut work: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.engine.write(&mut |tx| {
            out = Some(work(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::Storage("事务没有答复".into()))
    }

    /// Like [`Db::write`], for work that commits what it did and still
    /// fails: `Ok(Err(e))` keeps the changes and answers `e` (a batch
    /// refused for good, bytes thrown away).
    fn write_then_fail<T>(
        &self,
        mut work: impl FnMut(&mut dyn Tx) -> Result<Result<T>>,
    ) -> Result<T> {
        let mut out = None;
        self.engine.write(&mut |tx| {
            out = Some(work(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::Storage("事务没有答复".into()))?
    }

    /// Runs `work` in one read-only transaction.
    fn read<T>(&self, mut work: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.engine.read(&mut |tx| {
            out = Some(work(tx)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::Storage("事务没有答复".into()))
    }

    /// The receipt-signing key, made on first use and kept in the database.
    /// Two processes starting at once over a new database agree on one.
    pub fn server_key(&self) -> Result<SigningKey> {
        let key = self.write(|tx| {
            tx.lock("server_key")?;
            let stored = tx.query_opt("SELECT secret FROM server_key WHERE id = 1", &[])?;
            Ok(match stored {
                Some(row) => SigningKey::from_bytes(&row.bytes(0)?)
                    .map_err(|e| Error::ServerKeyDamaged(e.to_string()))?,
                None => {
                    let key = SigningKey::generate()?;
                    tx.execute(
                        "INSERT INTO server_key (id, alg, secret, key_id, created_at)
                         VALUES (1, $1, $2, $3, $4)",
                        args![
                            protocol::ALGORITHM_ED25519,
                            &key.to_bytes()[..],
                            key.key_id(),
                            protocol::now()
                        ],
                    )?;
                    key
                }
            })
        })?;
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
        self.write(|tx| {
            tx.execute(
                "INSERT INTO enrollment_code (code_hash, school, created_at, expires_at)
                 VALUES ($1, $2, $3, $4)",
                args![
                    code_hash(&chars),
                    school,
                    protocol::timestamp(now),
                    protocol::timestamp(expires)
                ],
            )
        })?;
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
        let hash = code_hash(&normalize_enrollment_code(&request.code));
        let key_id = key.key_id();
        self.write(|tx| {
            tx.lock(&request.school)?;
            let sql = format!(
                "SELECT school, expires_at, used_at, key_id FROM enrollment_code
                 WHERE code_hash = $1{}",
                tx.for_update()
            );
            let Some(row) = tx.query_opt(&sql, args![&hash])? else {
                return Err(Error::refused(RefusalCode::EnrollmentCodeInvalid));
            };
            let (school, expires_at) = (row.text(0)?, row.text(1)?);
            let (used_at, used_by) = (row.opt_text(2)?, row.opt_text(3)?);
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
            let known = tx.query_opt(
                "SELECT school FROM school_key WHERE key_id = $1",
                args![&key_id],
            )?;
            if known.is_some() {
                return Err(Error::refused_with(
                    RefusalCode::MalformedRequest,
                    "这个公钥已经登记过，请让桃李生成新的签名密钥",
                    "this public key is already enrolled; let Taoli make a new signing key",
                ));
            }
            let now = protocol::now();
            tx.execute(
                "UPDATE school_key SET revoked_at = $1 WHERE school = $2 AND revoked_at IS NULL",
                args![&now, &school],
            )?;
            tx.execute(
                "INSERT INTO school_key (key_id, school, alg, public_key, enrolled_at)
                 VALUES ($1, $2, $3, $4, $5)",
                args![&key_id, &school, key.alg(), &key.as_bytes()[..], &now],
            )?;
            tx.execute(
                "UPDATE enrollment_code SET used_at = $1, key_id = $2 WHERE code_hash = $3",
                args![&now, &key_id, &hash],
            )?;
            Ok(response(now))
        })
    }

    /// Revokes a school's key: batches it signs are refused from now on.
    pub fn revoke_key(&self, key_id: &str) -> Result<()> {
        let changed = self.write(|tx| {
            tx.execute(
                "UPDATE school_key SET revoked_at = $1 WHERE key_id = $2 AND revoked_at IS NULL",
                args![protocol::now(), key_id],
            )
        })?;
        if changed == 0 {
            return Err(Error::KeyNotFound(key_id.to_owned()));
        }
        Ok(())
    }

    /// A registered key by id.
    pub fn school_key(&self, key_id: &str) -> Result<Option<SchoolKey>> {
        let row = self.read(|tx| {
            tx.query_opt(
                "SELECT school, public_key, revoked_at FROM school_key WHERE key_id = $1",
                args![key_id],
            )
        })?;
        row.map(|row| {
            let key = PublicKey::from_bytes(&row.bytes(1)?, RefusalCode::ServerError)?;
            Ok(SchoolKey {
                school: row.text(0)?,
                key,
                revoked: row.opt_text(2)?.is_some(),
            })
        })
        .transpose()
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
        let reason = decision_reason(decision, reason)?;
        self.write(|tx| {
            review_in(
                tx,
                batch_id,
                record,
                decision,
                reason.as_deref(),
                deliveries,
                None,
            )
        })
    }

    /// The school's review results after `after`, at most `limit`.
    pub fn reviews(&self, school: &str, after: u64, limit: usize) -> Result<ReviewPage> {
        let rows = self.read(|tx| {
            tx.query(
                "SELECT cursor, review_id, batch_id, record, decision, reason, reviewed_at
                 FROM review_event WHERE school = $1 AND cursor > $2 ORDER BY cursor LIMIT $3",
                args![school, after, limit.saturating_add(1) as u64],
            )
        })?;
        let mut results = rows
            .iter()
            .map(|r| {
                Ok(ReviewResult {
                    cursor: r.count(0)?,
                    review_id: r.text(1)?,
                    batch_id: r.text(2)?,
                    record: r.text(3)?,
                    decision: if r.text(4)? == "accepted" {
                        Decision::Accepted
                    } else {
                        Decision::Returned
                    },
                    reason: r.opt_text(5)?,
                    reviewed_at: r.text(6)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let more = results.len() > limit;
        results.truncate(limit);
        Ok(protocol::review_page(school, after, results, more))
    }

    /// Every record waiting for review, oldest batch first.
    pub fn pending_records(&self) -> Result<Vec<PendingRecord>> {
        let rows = self.read(|tx| {
            tx.query(
                "SELECT b.school, b.batch_id, b.sequence, r.record, r.op, r.teacher_id, r.content
                 FROM batch_record r JOIN batch b ON b.batch_id = r.batch_id
                 WHERE r.status = 'pending' ORDER BY b.received_at, b.batch_id, r.position",
                &[],
            )
        })?;
        rows.iter()
            .map(|r| {
                Ok(PendingRecord {
                    school: r.text(0)?,
                    batch_id: r.text(1)?,
                    sequence: r.count(2)?,
                    record: r.text(3)?,
                    op: r.text(4)?,
                    teacher_id: r.text(5)?,
                    content: r.text(6)?,
                })
            })
            .collect()
    }
}

/// Records review `decision` for one record inside `tx`, by the console's
/// officer `reviewed_by` (None: the operator's command or the test page),
/// and puts what it accepts in effect ([`queue::take_effect`]).
pub(crate) fn review_in(
    tx: &mut dyn Tx,
    batch_id: &str,
    record: &str,
    decision: Decision,
    reason: Option<&str>,
    deliveries: u32,
    reviewed_by: Option<i64>,
) -> Result<ReviewResult> {
    let batch = tx.query_opt(
        "SELECT school, state FROM batch WHERE batch_id = $1",
        args![batch_id],
    )?;
    let Some(batch) = batch else {
        return Err(Error::BatchNotFound(batch_id.to_owned()));
    };
    let school = batch.text(0)?;
    tx.lock(&school)?;
    if batch.text(1)? != "received" {
        return Err(Error::BatchNotReceived(batch_id.to_owned()));
    }
    let row = tx.query_opt(
        "SELECT status, content FROM batch_record WHERE batch_id = $1 AND record = $2",
        args![batch_id, record],
    )?;
    let Some(row) = row else {
        return Err(Error::RecordNotFound {
            batch: batch_id.to_owned(),
            record: record.to_owned(),
        });
    };
    match row.text(0)?.as_str() {
        "pending" => {}
        done => {
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
        "UPDATE batch_record SET status = $1, reason = $2, reviewed_at = $3, review_id = $4,
                                 reviewed_by = $5
         WHERE batch_id = $6 AND record = $7",
        args![
            decision.as_str(),
            reason,
            &reviewed_at,
            &review_id,
            reviewed_by,
            batch_id,
            record
        ],
    )?;
    if decision == Decision::Accepted {
        queue::take_effect(tx, &school, &row.text(1)?, &reviewed_at)?;
    }
    let mut cursor = 0;
    for _ in 0..deliveries.max(1) {
        cursor = tx
            .query_one(
                "INSERT INTO review_event (school, review_id, batch_id, record, decision, reason, reviewed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING cursor",
                args![
                    &school,
                    &review_id,
                    batch_id,
                    record,
                    decision.as_str(),
                    reason,
                    &reviewed_at
                ],
            )?
            .count(0)?;
    }
    Ok(ReviewResult {
        cursor,
        review_id,
        batch_id: batch_id.to_owned(),
        record: record.to_owned(),
        decision,
        reason: reason.map(str::to_owned),
        reviewed_at,
    })
}

/// The reason a decision carries: a return needs one (1–MAX_REASON_CHARS
/// characters, trimmed), an acceptance none.
pub(crate) fn decision_reason(decision: Decision, reason: Option<&str>) -> Result<Option<String>> {
    match (decision, reason.map(str::trim)) {
        (Decision::Returned, Some(r)) if !r.is_empty() && r.chars().count() <= MAX_REASON_CHARS => {
            Ok(Some(r.to_owned()))
        }
        (Decision::Returned, _) => Err(Error::ReasonRequired {
            max: MAX_REASON_CHARS,
        }),
        (Decision::Accepted, _) => Ok(None),
    }
}

fn code_hash(normalized: &str) -> String {
    protocol::sha256_hex(normalized.as_bytes())
}

//! The operations a clerk runs: enroll, submit (build, sign, upload), sync
//! (send what is pending, pull reviews), export a batch to a file, import a
//! receipt. Each checks its permission first; each step that changes the
//! outbox is one transaction (`outbox.rs`) before or after the network
//! call it stands for, never in the middle of one.

use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::backoff::Backoff;
use super::carry::{BatchFile, read_receipt_file};
use super::deliver::{Delivered, Delivery, Policy, deliver};
use super::http::{Failure, LinkFailure, normalize_url};
use super::keys::{KeyAccess, KeyPlace, keep_new_key, load_key};
use super::{BatchExport, BatchState, BatchSummary, EnrollmentInfo, ReceiptImport, ReceiptInfo};
use crate::account::{Actor, Permission};
use crate::batches::Reporting;
use crate::batches::ReviewsApplied;
use crate::batches::outbox::{PendingEnrollment, StoredEnrollment, stored_enrollment};
use crate::error::{BatchError, FileError};
use crate::error::{Error, ErrorPayload, Locale, Particular, Result};
use crate::protocol::{
    EnrollmentRequest, EnrollmentResponse, Manifest, RefusalCode, SignedManifest, SigningKey,
};

/// Bytes per payload request: small enough that a broken link loses little,
/// large enough that a 16 MiB batch takes 64 requests.
pub const DEFAULT_CHUNK_BYTES: usize = 256 * 1024;

/// The most review pages one sync reads (500 results each).
const MAX_REVIEW_PAGES: usize = 10_000;

/// How a sync pass talks to the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    pub backoff: Backoff,
    /// Bytes per payload request ([`DEFAULT_CHUNK_BYTES`]).
    pub chunk_bytes: usize,
    /// How far this computer's clock is off, when known (added to its time
    /// in signed requests). Normally zero: when the upstream answers
    /// `request_expired`, the skew is read from its `Date` and corrected
    /// for the rest of the pass.
    pub clock_offset: TimeDelta,
    /// The language of the report's errors (`pending_error` …).
    pub locale: Locale,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            backoff: Backoff::default(),
            chunk_bytes: DEFAULT_CHUNK_BYTES,
            clock_offset: TimeDelta::zero(),
            locale: Locale::ZhCn,
        }
    }
}

/// A pass's signed requests (review results, the batches the upstream
/// holds): each retried after a failed link or a `server_error` with the
/// pass's backoff, and dated by this computer's clock corrected, once a
/// `request_expired` tells the upstream's time from its `Date`, by the skew.
pub(crate) struct SignedCalls {
    offset: TimeDelta,
    corrected: bool,
    backoff: Backoff,
}

impl SignedCalls {
    pub(crate) fn new(options: &SyncOptions) -> SignedCalls {
        SignedCalls {
            offset: options.clock_offset,
            corrected: false,
            backoff: options.backoff,
        }
    }

    /// Makes the request `f` dates with the time it is given.
    pub(crate) fn call<T>(
        &mut self,
        mut f: impl FnMut(DateTime<Utc>) -> std::result::Result<T, Failure>,
    ) -> std::result::Result<T, Failure> {
        let mut failures = 0u32;
        loop {
            let now = Utc::now();
            match f(now.checked_add_signed(self.offset).unwrap_or(now)) {
                Ok(value) => return Ok(value),
                Err(Failure::Refused {
                    refusal,
                    server_date: Some(server),
                    ..
                }) if refusal.code == RefusalCode::RequestExpired && !self.corrected => {
                    // This computer's clock is off: go by the upstream's.
                    self.offset = server.signed_duration_since(Utc::now());
                    self.corrected = true;
                }
                Err(failure) => {
                    let wait = again(&failure)
                        .then(|| self.backoff.wait_after(failures, &failure))
                        .flatten();
                    let Some(wait) = wait else {
                        return Err(failure);
                    };
                    if failures.saturating_add(1) >= self.backoff.attempts.max(1) {
                        return Err(failure);
                    }
                    std::thread::sleep(wait);
                    failures = failures.saturating_add(1);
                }
            }
        }
    }
}

/// Whether a request that failed so may succeed sent again as it is: the
/// link, the upstream's own failure, a rate limit or a time limit.
fn again(failure: &Failure) -> bool {
    matches!(
        failure.code(),
        None | Some(
            RefusalCode::ServerError | RefusalCode::RateLimited | RefusalCode::RequestTimeout
        )
    )
}

/// What to submit, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitOptions {
    /// The reason sent with every 变更申请 (a change to information the
    /// upstream already put in effect) and with the removal of something in
    /// effect. Without it those changes wait for a submit that gives one.
    pub change_reason: Option<String>,
    pub sync: SyncOptions,
}

/// What a sync pass did.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct SyncReport {
    /// Batches the upstream received in this pass (receipt verified and kept).
    pub received: Vec<BatchSummary>,
    /// Batches the upstream refused for good in this pass.
    pub refused: Vec<BatchSummary>,
    /// Batches refused `sequence_replayed` in this pass because this school
    /// file was restored from a backup made before some batches were
    /// received; those were taken back ([`SyncReport::recovered`]) and the
    /// refused batch's changes wait for the next batch, numbered after them.
    pub replayed: Vec<BatchSummary>,
    /// Batches the upstream had received that this school file had lost,
    /// taken back in this pass with their receipts verified again.
    pub recovered: Vec<BatchSummary>,
    /// Why the lost batches could not be taken back, when they could not
    /// (the replayed batch is then in [`SyncReport::refused`]).
    pub recovery_error: Option<ErrorPayload>,
    /// The batch still waiting to be sent, when the link failed.
    pub pending: Option<BatchSummary>,
    /// Why it waits.
    pub pending_error: Option<ErrorPayload>,
    /// Review results applied.
    pub reviews: ReviewsApplied,
    /// Why review results could not be read, if they could not.
    pub review_error: Option<ErrorPayload>,
    /// New notices (督促提醒) from the county kept in this pass.
    pub notices: u32,
    /// Why the county's notices could not be read, if they could not.
    pub notice_error: Option<ErrorPayload>,
}

impl SyncReport {
    /// Everything went: nothing waits, nothing failed.
    pub fn complete(&self) -> bool {
        self.pending.is_none()
            && self.review_error.is_none()
            && self.refused.is_empty()
            && self.recovery_error.is_none()
    }

    /// Whether the pass changed where anything stands: a batch received or
    /// refused, review results applied (what a list of statuses must show).
    pub fn changed(&self) -> bool {
        !self.received.is_empty()
            || !self.refused.is_empty()
            || self.reviews.accepted.saturating_add(self.reviews.returned) > 0
    }

    /// Whether something still waits for the link: a batch not yet
    /// received, or review results that could not be read.
    pub fn waiting(&self) -> bool {
        self.pending.is_some() || self.review_error.is_some()
    }
}

/// What a submit did: the batch it built (if there were changes), and the sync.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct SubmitOutcome {
    pub built: Option<BatchSummary>,
    pub sync: SyncReport,
}

impl Reporting<'_> {
    /// Enrolls the school with the upstream at `upstream` (登记): makes the
    /// school's signing key, keeps it (the keychain, or wrapped under the
    /// 系统管理员 password in the school file: [`KeyAccess`]), registers its
    /// public half with the one-time 报送码 `code` and pins the upstream's
    /// receipt key. A lost answer is harmless: enrolling again with the same
    /// code sends the same key. Enrolling again later (a new PC, a lost key)
    /// revokes the old key upstream; a batch in flight under it is closed
    /// and its records go in the next batch.
    pub fn enroll(
        &mut self,
        upstream: &str,
        code: &str,
        keys: &KeyAccess<'_>,
        backoff: Backoff,
    ) -> Result<EnrollmentInfo> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let url = normalize_url(upstream)?;
        // A plain-http address is refused before a key is made for it.
        let client = self.upstream_client(&url)?;
        let school = self.school.school()?.code;
        let reused = match self.pending_enrollment()? {
            Some(pending) if pending.upstream == url => load_key(
                keys,
                &school,
                &pending.key_id,
                pending.key_place,
                pending.wrapped_key.as_deref(),
            )
            .ok()
            .map(|key| (key, pending)),
            _ => None,
        };
        let (key, pending) = match reused {
            Some(reused) => reused,
            None => {
                let key = SigningKey::generate()?;
                let kept = keep_new_key(keys, &school, &key, &|password| {
                    self.is_admin_password(password)
                })?;
                let pending = PendingEnrollment {
                    upstream: url.clone(),
                    key_id: key.key_id(),
                    key_place: kept.place,
                    wrapped_key: kept.wrapped,
                };
                self.save_pending_enrollment(&pending)?;
                (key, pending)
            }
        };
        let request = EnrollmentRequest::new(&school, code, &key);
        let mut last = Failure::Link(LinkFailure::default());
        let mut answer = None;
        for n in 0..backoff.attempts.max(1) {
            match client.enroll(&request) {
                Ok(bytes) => {
                    answer = Some(bytes);
                    break;
                }
                Err(failure) => {
                    let wait = again(&failure)
                        .then(|| backoff.wait_after(n, &failure))
                        .flatten();
                    last = failure;
                    let Some(wait) = wait else {
                        break;
                    };
                    if n.saturating_add(1) < backoff.attempts {
                        std::thread::sleep(wait);
                    }
                }
            }
        }
        let Some(bytes) = answer else {
            return Err(last.into_error(client.base()));
        };
        let (response, pinned) = EnrollmentResponse::decode(&bytes, &request)?;
        let key_place = pending.key_place;
        self.complete_enrollment(
            &actor,
            &StoredEnrollment {
                upstream: url,
                school,
                key_id: response.key_id,
                key_place: pending.key_place,
                wrapped_key: pending.wrapped_key,
                upstream_key: pinned,
                enrolled_at: response.enrolled_at,
                enrolled_by: actor.name().to_owned(),
                review_cursor: 0,
            },
        )?;
        if key_place == KeyPlace::SchoolFile {
            // The password was just given: not asked again this session.
            self.school.keep_session_signing_key(&key)?;
        }
        self.enrollment()?
            .ok_or(Error::Batch(BatchError::NotEnrolled))
    }

    /// The school's signing key, from where enrollment kept it. A key kept
    /// in the school file, once unlocked with the 系统管理员 password, is
    /// kept for the rest of the session (until it is locked or ends), so
    /// the password is asked for once and the sync worker can sign.
    pub(super) fn signing_key(
        &self,
        enrollment: &StoredEnrollment,
        keys: &KeyAccess<'_>,
    ) -> Result<SigningKey> {
        if let Some(key) = self.school.session_signing_key(&enrollment.key_id)? {
            return Ok(key);
        }
        let key = load_key(
            keys,
            &enrollment.school,
            &enrollment.key_id,
            enrollment.key_place,
            enrollment.wrapped_key.as_deref(),
        )?;
        if enrollment.key_place == KeyPlace::SchoolFile {
            self.school.keep_session_signing_key(&key)?;
        }
        Ok(key)
    }

    /// Signs the batch in flight if it is only built: the manifest (batch
    /// id, sequence, the batch it builds on, the payload's size and SHA-256)
    /// signed with the school's key. Returns the batch, or None when none is
    /// in flight.
    pub fn sign_batch(&mut self, keys: &KeyAccess<'_>) -> Result<Option<BatchSummary>> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let enrollment = self.required_enrollment()?;
        let key = self.signing_key(&enrollment, keys)?;
        self.sign_in_flight(&actor, &enrollment, &key)
    }

    fn sign_in_flight(
        &mut self,
        actor: &Actor,
        enrollment: &StoredEnrollment,
        key: &SigningKey,
    ) -> Result<Option<BatchSummary>> {
        let Some(batch) = self.batch_in_flight()? else {
            return Ok(None);
        };
        if batch.state == BatchState::Built
            && super::review::awaits_review(&self.school.conn, &batch.id)?
        {
            // The school's review comes first: only an approval signs it.
            return Err(BatchError::AwaitingReview {
                sequence: batch.sequence,
            }
            .into());
        }
        if batch.state == BatchState::Built {
            if crate::protocol::sha256_hex(&batch.payload) != batch.payload_sha256 {
                return Err(FileError::CorruptSchoolFile {
                    path: self.school.path().to_owned(),
                    detail: Particular::said(
                        "particular.batch_checksum_mismatch",
                        vec![("batch", batch.id.clone())],
                    ),
                }
                .into());
            }
            let record_count = u64::try_from(batch.record_count).unwrap_or(0);
            let manifest = Manifest::new(
                key,
                crate::protocol::ManifestFields {
                    school: &enrollment.school,
                    batch_id: &batch.id,
                    sequence: u64::try_from(batch.sequence).unwrap_or(0),
                    previous_batch: batch.base_batch.as_deref(),
                    created_at: &batch.created_at,
                    record_count,
                    payload: &batch.payload,
                },
            )?;
            let envelope = SignedManifest::sign(&manifest, key).encode();
            self.mark_signed(actor, &batch.id, &key.key_id(), &envelope)?;
        }
        self.batch_summary(&batch.id).map(Some)
    }

    /// Sends the batch in flight (signing it first if need be) until the
    /// upstream holds it, it is refused for good, or this pass gives up. A
    /// batch waiting for the school's review (`review.rs`) is left waiting.
    pub(super) fn send_in_flight(
        &mut self,
        actor: &Actor,
        enrollment: &StoredEnrollment,
        key: &SigningKey,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<()> {
        if let Some(batch) = self.batch_in_flight()?
            && super::review::awaits_review(&self.school.conn, &batch.id)?
        {
            return Ok(());
        }
        if self.sign_in_flight(actor, enrollment, key)?.is_none() {
            return Ok(());
        }
        let Some(batch) = self.batch_in_flight()? else {
            return Ok(());
        };
        let Some(envelope) = batch.envelope.clone() else {
            return Ok(());
        };
        let manifest = SignedManifest::decode(&envelope).and_then(|s| s.unverified_manifest())?;
        let client = self.upstream_client(&enrollment.upstream)?;
        let maybe_posted = batch.state == BatchState::Uploading;
        self.mark_uploading(actor, &batch.id, client.base())?;
        let policy = Policy {
            backoff: options.backoff,
            chunk_bytes: options.chunk_bytes,
            retry_hash_mismatch: true,
            maybe_posted,
        };
        let delivery = Delivery {
            batch_id: &batch.id,
            envelope: &envelope,
            payload: &batch.payload,
        };
        let mut noted: Option<Error> = None;
        let outcome = deliver(&client, delivery, policy, &mut |_, failure| {
            if noted.is_none()
                && let Err(e) =
                    self.note_upload_failure(&batch.id, &failure.clone().into_error(client.base()))
            {
                noted = Some(e);
            }
        });
        if let Some(error) = noted {
            return Err(error);
        }
        match outcome {
            Delivered::Received(signed) => {
                match signed.verify_for(&enrollment.upstream_key, &manifest) {
                    Ok(receipt) => {
                        self.mark_received(
                            actor,
                            &batch.id,
                            &signed.encode(),
                            &receipt.received_at,
                            None,
                        )?;
                        report.received.push(self.batch_summary(&batch.id)?);
                    }
                    Err(refusal) => {
                        let error = Error::Refused(refusal);
                        self.note_upload_failure(&batch.id, &error)?;
                        report.pending = Some(self.batch_summary(&batch.id)?);
                        report.pending_error = Some(ErrorPayload::new(&error, options.locale));
                    }
                }
            }
            Delivered::Refused(refusal) => {
                self.mark_refused(actor, &batch.id, &refusal)?;
                let refused = self.batch_summary(&batch.id)?;
                if refusal.code == RefusalCode::SequenceReplayed {
                    // Restored from an older backup: take back what the
                    // upstream received since, then what it decided.
                    match self.take_back_lost_batches(actor, enrollment, key, options) {
                        Ok(recovered) if !recovered.is_empty() => {
                            report.replayed.push(refused);
                            report.recovered.extend(recovered);
                            return self.pull_reviews(actor, enrollment, key, options, report);
                        }
                        Ok(_) => {}
                        Err(error) => {
                            report.recovery_error = Some(ErrorPayload::new(&error, options.locale))
                        }
                    }
                }
                report.refused.push(refused);
            }
            Delivered::NotYet(failure) => {
                let error = failure.into_error(client.base());
                report.pending = Some(self.batch_summary(&batch.id)?);
                report.pending_error = Some(ErrorPayload::new(&error, options.locale));
            }
        }
        Ok(())
    }

    /// Pulls the review results after the kept cursor, page by page, and
    /// applies each page in one transaction.
    pub(super) fn pull_reviews(
        &mut self,
        actor: &Actor,
        enrollment: &StoredEnrollment,
        key: &SigningKey,
        options: &SyncOptions,
        report: &mut SyncReport,
    ) -> Result<()> {
        let client = self.upstream_client(&enrollment.upstream)?;
        // As kept now: an earlier pull of this pass may have moved it.
        let mut cursor =
            stored_enrollment(self.school)?.map_or(enrollment.review_cursor, |e| e.review_cursor);
        let mut calls = SignedCalls::new(options);
        let mut pages = 0usize;
        while pages < MAX_REVIEW_PAGES {
            match calls.call(|now| client.reviews(&enrollment.school, cursor, key, now)) {
                Ok(page) => {
                    pages = pages.saturating_add(1);
                    let applied = self.apply_review_page(actor, &page)?;
                    report.reviews.add(applied);
                    cursor = cursor.max(page.next);
                    if !page.more {
                        return Ok(());
                    }
                }
                Err(failure) => {
                    report.review_error = Some(ErrorPayload::new(
                        &failure.into_error(client.base()),
                        options.locale,
                    ));
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// One sync pass (同步): sends the batch in flight, if any, from where
    /// it stopped (signing it first if it is only built), then pulls the
    /// review results. A link that fails leaves the batch waiting in the
    /// outbox ([`SyncReport::pending`]); the next pass goes on from the
    /// byte the upstream holds, with the same batch id.
    pub fn sync(&mut self, keys: &KeyAccess<'_>, options: &SyncOptions) -> Result<SyncReport> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let enrollment = self.required_enrollment()?;
        let key = self.signing_key(&enrollment, keys)?;
        let mut report = SyncReport::default();
        self.send_in_flight(&actor, &enrollment, &key, options, &mut report)?;
        self.pull_reviews(&actor, &enrollment, &key, options, &mut report)?;
        self.pull_notices(&enrollment, &key, options, &mut report)?;
        Ok(report)
    }

    /// Submits (报送): sends a batch still in flight first; then builds a new
    /// batch of everything changed since ([`Reporting::build_batch`]),
    /// signs it, uploads it and keeps its receipt; then pulls the review
    /// results. When the batch in flight cannot be sent now, no new batch is
    /// built (one batch at a time). A batch refused as a replay (the school
    /// file was restored from an older backup) is followed, once the lost
    /// batches are taken back, by a new batch numbered after them.
    pub fn submit(
        &mut self,
        keys: &KeyAccess<'_>,
        options: &SubmitOptions,
    ) -> Result<SubmitOutcome> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let enrollment = self.required_enrollment()?;
        let key = self.signing_key(&enrollment, keys)?;
        if let Some(batch) = self.batch_in_flight()?
            && super::review::awaits_review(&self.school.conn, &batch.id)?
        {
            return Err(BatchError::AwaitingReview {
                sequence: batch.sequence,
            }
            .into());
        }
        let mut outcome = SubmitOutcome::default();
        self.send_in_flight(&actor, &enrollment, &key, &options.sync, &mut outcome.sync)?;
        // A second round only after a batch was refused as a replay and
        // the lost batches were taken back: its changes go again, numbered
        // after them.
        for _ in 0..2 {
            if outcome.sync.pending.is_some() || outcome.sync.recovery_error.is_some() {
                break;
            }
            let replayed = outcome.sync.replayed.len();
            let Some(built) = self.build_batch(options.change_reason.as_deref())? else {
                break;
            };
            self.send_in_flight(&actor, &enrollment, &key, &options.sync, &mut outcome.sync)?;
            if outcome.sync.replayed.len() == replayed {
                outcome.built = Some(self.batch_summary(&built.id)?);
                break;
            }
            // Refused as a replay, and recovered from: it is in
            // `sync.replayed`; what it carried is planned again.
            outcome.built = None;
        }
        self.pull_reviews(&actor, &enrollment, &key, &options.sync, &mut outcome.sync)?;
        self.pull_notices(&enrollment, &key, &options.sync, &mut outcome.sync)?;
        Ok(outcome)
    }

    /// Writes the batch in flight (or, when none is, a new one built now) as
    /// a `.taolibatch` file at `path`, signed, for another computer to upload
    /// (`docs/batches.md`, "Offline carry"). The batch stays in the outbox
    /// until its receipt comes back ([`Reporting::import_receipt`]) or a
    /// sync sends it itself: the same batch id either way, so it is received
    /// once. None when there is nothing to report.
    pub fn export_batch(
        &mut self,
        keys: &KeyAccess<'_>,
        change_reason: Option<&str>,
        path: &Path,
    ) -> Result<Option<BatchExport>> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let enrollment = self.required_enrollment()?;
        let key = self.signing_key(&enrollment, keys)?;
        if self.batch_in_flight()?.is_none() && self.build_batch(change_reason)?.is_none() {
            return Ok(None);
        }
        self.sign_in_flight(&actor, &enrollment, &key)?;
        let Some(batch) = self.batch_in_flight()? else {
            return Ok(None);
        };
        let Some(envelope) = batch.envelope else {
            return Ok(None);
        };
        let file = BatchFile {
            upstream: enrollment.upstream.clone(),
            upstream_key: enrollment.upstream_key.clone(),
            envelope,
            payload: batch.payload,
        };
        let bytes = file.encode()?;
        crate::export::write_file(path, &bytes)?;
        if let Err(error) = self.mark_exported(&actor, &batch.id, path, bytes.len()) {
            let _ = std::fs::remove_file(path);
            return Err(error);
        }
        Ok(Some(BatchExport {
            batch: self.batch_summary(&batch.id)?,
            path: path.display().to_string(),
            bytes: bytes.len(),
        }))
    }

    /// Writes the kept receipt (回执) of batch `batch_id` to `path`, byte
    /// for byte as the upstream signed it (a `.taolireceipt` file, which
    /// [`Reporting::import_receipt`] reads back), and records the export.
    pub fn export_receipt(&mut self, batch_id: &str, path: &Path) -> Result<ReceiptInfo> {
        let actor = self.school.require(Permission::Export)?;
        let receipt = self
            .receipts()?
            .into_iter()
            .find(|r| r.batch_id == batch_id);
        let Some(receipt) = receipt else {
            let batch = self
                .batch_row(batch_id)?
                .ok_or_else(|| BatchError::BatchNotFound(batch_id.to_owned()))?;
            return Err(BatchError::NoReceiptYet {
                sequence: batch.sequence,
                batch_id: batch.id,
            }
            .into());
        };
        let bytes = receipt.receipt.as_bytes();
        crate::export::write_file(path, bytes)?;
        self.school.log_export(
            &actor,
            super::RECEIPT_FILE_EXTENSION,
            None,
            Some(path),
            bytes.len(),
        )?;
        Ok(receipt)
    }

    /// Imports a receipt file (`.taolireceipt`, from `taoli batch upload` on
    /// another computer): verified with the pinned upstream key and against
    /// the batch's own manifest, then kept as if the upload had been made
    /// from here.
    pub fn import_receipt(&mut self, path: &Path) -> Result<ReceiptImport> {
        let actor = self.school.require(Permission::BatchesSubmit)?;
        let enrollment = self.required_enrollment()?;
        let signed = read_receipt_file(path)?;
        let receipt = signed.verify(&enrollment.upstream_key)?;
        let batch = self.batch_row(&receipt.batch_id)?.ok_or_else(|| {
            Error::Batch(BatchError::ReceiptOfAnotherBatch {
                batch_id: receipt.batch_id.clone(),
            })
        })?;
        let Some(envelope) = &batch.envelope else {
            return Err(BatchError::ReceiptOfAnotherBatch {
                batch_id: receipt.batch_id,
            }
            .into());
        };
        let manifest = SignedManifest::decode(envelope).and_then(|s| s.unverified_manifest())?;
        receipt.check_matches(&manifest)?;
        let newly_received = self.mark_received(
            &actor,
            &batch.id,
            &signed.encode(),
            &receipt.received_at,
            Some(&path.display().to_string()),
        )?;
        Ok(ReceiptImport {
            batch: self.batch_summary(&batch.id)?,
            newly_received,
        })
    }
}

//! A school file restored from an older backup (docs/batches.md): it has
//! lost the batches the upstream received after the backup was made, so its
//! next batch reuses a sequence and is refused `sequence_replayed`. Then it
//! asks the upstream what it holds (`GET /v1/schools/{school}/batches`),
//! verifies each lost batch's receipt with the pinned key against its
//! manifest and its payload against the receipt, and keeps them again, in
//! order, each in one transaction (`Reporting::keep_recovered_batch`).
//! The next batch is then numbered after them and carries whatever the
//! restored file holds that they did not.

use super::BatchSummary;
use super::sync::{SignedCalls, SyncOptions};
use crate::account::Actor;
use crate::batches::Reporting;
use crate::batches::outbox::{RecoveredBatch, StoredEnrollment};
use crate::error::BatchError;
use crate::error::{Error, Result};
use crate::protocol::{self, Payload, Refusal, RefusalCode, SigningKey};

impl Reporting<'_> {
    /// Takes back every batch the upstream received after this file's last
    /// received one, oldest first. Returns them (none when the upstream
    /// holds nothing this file lacks). A batch that does not verify, or a
    /// history that does not continue this file's, stops it with the
    /// batches kept so far kept.
    pub(super) fn take_back_lost_batches(
        &mut self,
        actor: &Actor,
        enrollment: &StoredEnrollment,
        key: &SigningKey,
        options: &SyncOptions,
    ) -> Result<Vec<BatchSummary>> {
        let client = self.upstream_client(&enrollment.upstream)?;
        let school = &enrollment.school;
        let mut calls = SignedCalls::new(options);
        let mut recovered = Vec::new();
        let mut asked_after = None;
        loop {
            let (after, mut previous) = match self.last_received()? {
                Some((sequence, id)) => (u64::try_from(sequence).unwrap_or(0), Some(id)),
                None => (0, None),
            };
            if asked_after == Some(after) {
                return Ok(recovered); // nothing was kept since: no use asking again
            }
            asked_after = Some(after);
            let history = calls
                .call(|now| client.batch_history(school, after, key, now))
                .map_err(|failure| failure.into_error(client.base()))?;
            if history.batches.is_empty() {
                return Ok(recovered);
            }
            for held in &history.batches {
                let verified = held.verify(&enrollment.upstream_key)?;
                let manifest = &verified.manifest;
                if manifest.school != *school || manifest.previous_batch != previous {
                    return Err(BatchError::UpstreamHistoryMismatch {
                        sequence: manifest.sequence,
                    }
                    .into());
                }
                let payload = calls
                    .call(|now| client.held_payload(school, &held.batch_id, key, now))
                    .map_err(|failure| failure.into_error(client.base()))?;
                if protocol::sha256_hex(&payload) != manifest.payload_sha256 {
                    return Err(Error::Refused(Refusal::with_details(
                        RefusalCode::ReceiptInvalid,
                        format!(
                            "上级系统发回的第 {} 批数据与回执中的校验值不一致",
                            manifest.sequence
                        ),
                        format!(
                            "the data of batch {} the upstream sent back does not match the check value in its receipt",
                            manifest.sequence
                        ),
                    )));
                }
                let content = Payload::decode(&payload)?;
                content.check_against(manifest)?;
                self.keep_recovered_batch(
                    actor,
                    &RecoveredBatch {
                        manifest,
                        receipt: &verified.signed_receipt.encode(),
                        received_at: &verified.receipt.received_at,
                        payload: &payload,
                        changes: &content.changes,
                    },
                )?;
                recovered.push(self.batch_summary(&manifest.batch_id)?);
                previous = Some(manifest.batch_id.clone());
            }
            if (history.batches.len() as u64).saturating_add(after) >= history.last_sequence {
                return Ok(recovered);
            }
        }
    }
}

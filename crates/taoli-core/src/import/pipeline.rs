//! The one-pass import ([`Imports::import`]): planning and writing at
//! once, for an import the clerk does not preview first (`taoli import`).
//!
//! The planner runs on a thread of its own and sends its writes down a
//! bounded channel in batches, a thousand rows at a time; the school file's
//! thread carries them out in the import's transaction as they come
//! (`commit.rs`'s [`Executor`]), so reading the roster and planning it
//! overlap the writing. A record whose write has gone and which a later
//! row changes (a second sheet filling the same 基本信息, a repeated row)
//! is sent again with its fields as they now are, and written over. When
//! the plan is finished, the change set is recorded from it exactly as a
//! commit of the same plan records it, so the two leave the same school
//! file and the same audit trail.
//!
//! Anything that fails, on either side, fails the one transaction: the
//! school file is left as it was.

use std::sync::mpsc;

use super::commit::{Executor, Ready, finish_import};
use super::{ImportOptions, ImportPlan, ImportRun, RosterFile};
use crate::account::Permission;
use crate::error::{Error, ImportError, Result};
use crate::import::Imports;

/// Batches planned ahead of the writer at most: enough to keep both sides
/// busy, few enough that a stalled writer holds little memory.
const BATCHES_AHEAD: usize = 4;

impl Imports<'_> {
    /// Reads, plans and commits `roster` in one pass, without a preview
    /// first, and gives back the settled plan (its preview, refused rows
    /// and 待修正 cells, for the report) with the import's record.
    /// `progress` is told (writes done, writes planned so far).
    pub fn import(
        &mut self,
        roster: &mut RosterFile,
        options: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<(ImportPlan, ImportRun)> {
        let actor = &self.school.require(Permission::Import)?;
        let planning = self.planning(options)?;
        let (mut plan, run) = self.in_import_transaction(|tx, run| {
            let (to_writer, batches) = mpsc::sync_channel::<Vec<Ready>>(BATCHES_AHEAD);
            std::thread::scope(|scope| {
                let planner = scope.spawn(move || planning.run(roster, Some(to_writer)));
                let mut executor = Executor::new(tx, &run, true);
                let mut planned = 0usize;
                let mut failed = None;
                for batch in &batches {
                    planned = planned.saturating_add(batch.len());
                    if let Err(e) = batch.into_iter().try_for_each(|r| executor.execute(r)) {
                        failed = Some(e);
                        break;
                    }
                    progress(executor.writes_done(), planned);
                }
                // A writer that failed stops the planner at its next batch.
                drop(batches);
                let plan = planner
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                if let Some(e) = failed {
                    return Err(e);
                }
                let plan = plan?;
                if executor.writes_done() != plan.writes.len() {
                    return Err(Error::Import(ImportError::ImportStopped));
                }
                let done = plan.writes.len();
                let run = finish_import(tx, &plan, actor, run, executor)?;
                progress(done, done);
                Ok((plan, run))
            })
        })?;
        plan.settle();
        Ok((plan, run))
    }
}

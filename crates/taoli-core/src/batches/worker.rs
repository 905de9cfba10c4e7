//! The sync worker (自动同步, docs/batches.md): while a school file is open
//! and someone who may report is signed in, a thread of its own runs a sync
//! pass (send the batch still waiting, pull the review results) soon after
//! it starts and then every few minutes, and tells whoever listens what the
//! pass did.
//!
//! It works on a second handle of the school file opened for the same
//! session ([`SchoolFile::second_handle`]), so a pass that waits on the
//! network never holds the handle the window reads and writes through. The
//! reporting operations of the window (enroll, 立即上传, 立即同步, a batch to
//! a file, a receipt from a file) run on the worker's handle too
//! ([`SyncWorker::with_file`]): one at a time, never beside a pass.
//!
//! A pass first asks whether the upstream answers at all (one short
//! request, without the file); only then does it sync, with the core's
//! retries ([`SyncOptions::backoff`]). When something still waits (the link
//! failed), the next pass comes sooner, on the exponential, jittered
//! schedule of [`WorkerOptions::retry`], up to the interval. The worker
//! stops when it is told to, and by itself once the session is locked,
//! signed out or replaced (its handle then refuses).

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use super::backoff::Backoff;
use super::http::Upstream;
use super::keys::KeyAccess;
use super::outbox::stored_enrollment;
use super::sync::{SubmitOptions, SubmitOutcome, SyncOptions, SyncReport};
use super::transport;
use super::{BatchExport, EnrollmentInfo, ReceiptImport};
use crate::account::Permission;
use crate::batches::Reporting;
use crate::error::{AccountError, BatchError};
use crate::error::{Error, ErrorPayload, Result, SharedLocale};
use crate::secrets::SecretStore;
use crate::store::SchoolFile;

/// How long the question "does the upstream answer?" may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// When the worker runs its passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerOptions {
    /// The first pass, this long after the worker starts.
    pub first_pass: Duration,
    /// Between passes while nothing waits.
    pub interval: Duration,
    /// After a pass that left something waiting (the link failed): the
    /// waits before the next passes (its `attempts` are not used; the
    /// worker keeps trying, never more than `interval` apart).
    pub retry: Backoff,
    /// How each pass talks to the upstream.
    pub sync: SyncOptions,
}

impl Default for WorkerOptions {
    /// The first pass 3 s after the start, then every 5 minutes; after a
    /// failed link 30 s, 1 min, 2 min … at most 5 minutes.
    fn default() -> Self {
        WorkerOptions::every(Duration::from_secs(5 * 60))
    }
}

impl WorkerOptions {
    /// Passes `interval` apart; after a failed link the next pass comes
    /// after a tenth of it, then twice as long each time, up to `interval`.
    pub fn every(interval: Duration) -> WorkerOptions {
        WorkerOptions {
            first_pass: Duration::from_secs(3).min(interval),
            interval,
            retry: Backoff {
                initial: interval.checked_div(10).unwrap_or_default(),
                max: interval,
                attempts: u32::MAX,
            },
            sync: SyncOptions::default(),
        }
    }
}

/// What one sync pass did, as the 报送 screen shows it (and as the
/// `sync-pass` event tells the window).
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncPass {
    /// When it ended (RFC 3339, UTC).
    pub at: String,
    /// What the sync did, when it ran.
    pub report: Option<SyncReport>,
    /// Why it did not run or did not finish: the upstream did not answer,
    /// the signing key needs the 系统管理员 password …
    pub error: Option<ErrorPayload>,
    /// Whether it changed where anything stands (a batch received or
    /// refused, a batch built, review results applied): lists showing
    /// statuses read them again.
    pub changed: bool,
    /// When the worker runs its next pass (RFC 3339, UTC); None once it
    /// has stopped.
    pub next_at: Option<String>,
}

/// What a pass came to, before it is scheduled and told.
enum Step {
    /// The sync ran.
    Synced(Box<SyncReport>),
    /// The school is not enrolled: nothing to do.
    Idle,
    /// It could not run or failed.
    Failed(Error),
    /// The session is over: the worker stops.
    Ended(Error),
}

/// The session the worker's handle follows is over (or may not report).
fn ends_the_worker(error: &Error) -> bool {
    matches!(
        error,
        Error::Account(AccountError::NotSignedIn)
            | Error::Account(AccountError::SessionLocked)
            | Error::Account(AccountError::NoUsersYet)
            | Error::Account(AccountError::NotPermitted { .. })
    )
}

/// The signing key waits for the clerk (a password, a new enrollment), or
/// the 系统管理员 must allow the upstream's plain-http address: trying again
/// sooner would not help.
fn waits_for_the_clerk(error: &Error) -> bool {
    matches!(
        error,
        Error::Batch(BatchError::AdminPasswordNeeded)
            | Error::Batch(BatchError::SigningKeyPasswordWrong)
            | Error::Batch(BatchError::SigningKeyMissing { .. })
            | Error::Batch(BatchError::PlainHttpRefused { .. })
    )
}

struct Schedule {
    stopped: bool,
    due: Instant,
    /// Passes in a row that left something waiting.
    failures: u32,
    last: Option<SyncPass>,
}

type Listener = Box<dyn Fn(&SyncPass) + Send + Sync>;

struct Shared {
    /// The worker's handle; None once stopped.
    file: Mutex<Option<SchoolFile>>,
    schedule: Mutex<Schedule>,
    wake: Condvar,
    keychain: Option<Arc<dyn SecretStore>>,
    options: WorkerOptions,
    /// The language of each pass's error.
    locale: SharedLocale,
    /// The upstream of the last pass, whose `Retry-After` the next waits for.
    upstream: Mutex<Option<String>>,
    on_pass: Listener,
}

impl Shared {
    /// The pass's sync options, its report's errors in the language as it
    /// is now.
    fn sync_options(&self) -> SyncOptions {
        SyncOptions {
            locale: self.locale.get(),
            ..self.options.sync
        }
    }

    fn file(&self) -> MutexGuard<'_, Option<SchoolFile>> {
        // Every write is one transaction: a panic cannot leave one half done.
        self.file.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn schedule(&self) -> MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn stopped(&self) -> bool {
        self.schedule().stopped
    }

    /// One pass: nothing when the school is not enrolled; the link's error
    /// when the upstream does not answer; else a sync.
    fn pass(&self, admin_password: Option<&str>) -> Step {
        let upstream = {
            let mut guard = self.file();
            let Some(file) = guard.as_mut() else {
                return Step::Ended(Error::Account(AccountError::NotSignedIn));
            };
            match file.reporting().reporting_upstream() {
                Ok(Some(upstream)) => upstream,
                Ok(None) => return Step::Idle,
                Err(error) if ends_the_worker(&error) => return Step::Ended(error),
                Err(error) => return Step::Failed(error),
            }
        };
        *self.upstream.lock().unwrap_or_else(|p| p.into_inner()) = Some(upstream.base().to_owned());
        // Asked without the file: the window's reporting calls need not
        // wait on a link that is down.
        if let Err(failure) = upstream.answers(PROBE_TIMEOUT) {
            return Step::Failed(failure.into_error(upstream.base()));
        }
        let mut guard = self.file();
        let Some(file) = guard.as_mut() else {
            return Step::Ended(Error::Account(AccountError::NotSignedIn));
        };
        let keys = KeyAccess::new(self.keychain.as_deref(), admin_password);
        match file.reporting().sync(&keys, &self.sync_options()) {
            Ok(report) => Step::Synced(Box::new(report)),
            Err(error) if ends_the_worker(&error) => Step::Ended(error),
            Err(error) => Step::Failed(error),
        }
    }

    /// Schedules the next pass after `step` and keeps what it did as the
    /// last pass. None for a pass that did nothing (not enrolled) or ended
    /// the worker.
    fn settle(&self, step: &Step, built: bool) -> Option<SyncPass> {
        let mut schedule = self.schedule();
        let now = Instant::now();
        let retry = |schedule: &mut Schedule| {
            let wait = self.options.retry.delay(schedule.failures);
            schedule.failures = schedule.failures.saturating_add(1);
            wait.min(self.options.interval)
        };
        let (wait, report, error) = match step {
            Step::Ended(_) => {
                schedule.stopped = true;
                self.wake.notify_all();
                return None;
            }
            Step::Idle => {
                schedule.due = later(now, self.options.interval);
                return None;
            }
            Step::Synced(report) if report.waiting() => {
                (retry(&mut schedule), Some((**report).clone()), None)
            }
            Step::Synced(report) => {
                schedule.failures = 0;
                (self.options.interval, Some((**report).clone()), None)
            }
            Step::Failed(error) if waits_for_the_clerk(error) => (
                self.options.interval,
                None,
                Some(ErrorPayload::new(error, self.locale.get())),
            ),
            Step::Failed(error) => (
                retry(&mut schedule),
                None,
                Some(ErrorPayload::new(error, self.locale.get())),
            ),
        };
        // Never before the upstream's `Retry-After` is over.
        let paused = self
            .upstream
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_deref()
            .and_then(transport::paused_for);
        let wait = paused.map_or(wait, |paused| wait.max(paused));
        schedule.due = later(now, wait);
        let wall = chrono::Utc::now();
        let next = chrono::TimeDelta::from_std(wait)
            .ok()
            .and_then(|wait| wall.checked_add_signed(wait))
            .unwrap_or(wall);
        let pass = SyncPass {
            at: crate::protocol::now(),
            changed: built || report.as_ref().is_some_and(SyncReport::changed),
            report,
            error,
            next_at: Some(crate::protocol::timestamp(next)),
        };
        schedule.last = Some(pass.clone());
        // The thread may be waiting for the old due time.
        self.wake.notify_all();
        Some(pass)
    }

    fn tell(&self, pass: Option<&SyncPass>) {
        if let Some(pass) = pass {
            (self.on_pass)(pass);
        }
    }

    /// The thread: waits until a pass is due (or it is woken), runs it,
    /// tells, and again, until stopped.
    fn run(self: Arc<Shared>) {
        loop {
            {
                let mut schedule = self.schedule();
                loop {
                    if schedule.stopped {
                        drop(schedule);
                        // The handle closes with the thread's last pass.
                        *self.file() = None;
                        return;
                    }
                    let now = Instant::now();
                    if now >= schedule.due {
                        break;
                    }
                    let wait = schedule.due.saturating_duration_since(now);
                    schedule = self
                        .wake
                        .wait_timeout(schedule, wait)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
            // A panic in a pass must not end the worker: it is reported as
            // the pass's failure, and the next pass is scheduled as usual.
            let step = crate::panic_report::catch(|| self.pass(None))
                .unwrap_or_else(|report| Step::Failed(report.into()));
            let pass = self.settle(&step, false);
            if !self.stopped() {
                self.tell(pass.as_ref());
            }
        }
    }
}

/// The sync worker of one signed-in session (docs/batches.md, "The app's
/// sync worker"). Dropping it stops it.
pub struct SyncWorker {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SyncWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncWorker")
            .field("stopped", &self.shared.stopped())
            .finish_non_exhaustive()
    }
}

impl SyncWorker {
    /// Starts the worker of `file`'s session on a second handle of it: the
    /// first pass after [`WorkerOptions::first_pass`], then on schedule.
    /// `keychain` is where it finds a signing key kept there (a key kept in
    /// the school file is used once this session unlocked it with the
    /// 系统管理员 password). `on_pass` is told every pass that ran, on the
    /// worker's thread. Refused ([`AccountError::NotPermitted`]) for a session
    /// that may not report, which has no worker.
    pub fn start(
        file: &SchoolFile,
        keychain: Option<Arc<dyn SecretStore>>,
        options: WorkerOptions,
        on_pass: impl Fn(&SyncPass) + Send + Sync + 'static,
    ) -> Result<SyncWorker> {
        SyncWorker::start_in(file, keychain, options, SharedLocale::default(), on_pass)
    }

    /// [`SyncWorker::start`], each pass's error said in `locale` as it is
    /// at the time (the app's language).
    pub fn start_in(
        file: &SchoolFile,
        keychain: Option<Arc<dyn SecretStore>>,
        options: WorkerOptions,
        locale: SharedLocale,
        on_pass: impl Fn(&SyncPass) + Send + Sync + 'static,
    ) -> Result<SyncWorker> {
        file.require(Permission::BatchesSubmit)?;
        let handle = file.second_handle()?;
        let shared = Arc::new(Shared {
            file: Mutex::new(Some(handle)),
            schedule: Mutex::new(Schedule {
                stopped: false,
                due: later(Instant::now(), options.first_pass),
                failures: 0,
                last: None,
            }),
            wake: Condvar::new(),
            keychain,
            options,
            locale,
            upstream: Mutex::new(None),
            on_pass: Box::new(on_pass),
        });
        let thread = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("taoli-sync".to_owned())
            .spawn(move || thread.run())
            .map_err(|e| BatchError::SyncWorkerFailed(e.to_string()))?;
        Ok(SyncWorker { shared })
    }

    /// Runs `f` on the worker's handle, after a pass in progress (the
    /// window's reporting operations: one at a time, never beside a pass).
    pub fn with_file<T>(&self, f: impl FnOnce(&mut SchoolFile) -> Result<T>) -> Result<T> {
        let mut guard = self.shared.file();
        let file = guard.as_mut().ok_or(AccountError::NotSignedIn)?;
        f(file)
    }

    /// Enrolls the school (登记, [`Reporting::enroll`]) and runs a pass soon.
    pub fn enroll(
        &self,
        upstream: &str,
        code: &str,
        admin_password: Option<&str>,
    ) -> Result<EnrollmentInfo> {
        let keys = KeyAccess::new(self.shared.keychain.as_deref(), admin_password);
        let backoff = self.shared.options.sync.backoff;
        let info =
            self.with_file(|file| file.reporting().enroll(upstream, code, &keys, backoff))?;
        self.wake();
        Ok(info)
    }

    /// Submits (立即上传, [`Reporting::submit`]); what it sent and pulled
    /// counts as a pass, so a batch it could not send is tried again on the
    /// retry schedule.
    pub fn submit(
        &self,
        change_reason: Option<&str>,
        admin_password: Option<&str>,
    ) -> Result<SubmitOutcome> {
        let keys = KeyAccess::new(self.shared.keychain.as_deref(), admin_password);
        let options = SubmitOptions {
            change_reason: change_reason.map(str::to_owned),
            sync: self.shared.sync_options(),
        };
        let outcome = self.with_file(|file| file.reporting().submit(&keys, &options))?;
        let pass = self.shared.settle(
            &Step::Synced(Box::new(outcome.sync.clone())),
            outcome.built.is_some(),
        );
        self.shared.tell(pass.as_ref());
        Ok(outcome)
    }

    /// Writes the batch in flight, or a new one, to a `.taolibatch` file
    /// for another computer to upload ([`Reporting::export_batch`]).
    pub fn export_batch(
        &self,
        path: &Path,
        change_reason: Option<&str>,
        admin_password: Option<&str>,
    ) -> Result<Option<BatchExport>> {
        let keys = KeyAccess::new(self.shared.keychain.as_deref(), admin_password);
        self.with_file(|file| file.reporting().export_batch(&keys, change_reason, path))
    }

    /// Imports the receipt file of a carried batch
    /// ([`Reporting::import_receipt`]).
    pub fn import_receipt(&self, path: &Path) -> Result<ReceiptImport> {
        self.with_file(|file| file.reporting().import_receipt(path))
    }

    /// A pass now (立即同步), with the 系统管理员 password when the signing
    /// key kept in the school file is not unlocked yet. What the clerk must
    /// act on is an error: the session, a school not enrolled, the
    /// signing key; a link that failed is in the pass.
    pub fn sync_now(&self, admin_password: Option<&str>) -> Result<SyncPass> {
        let step = self.shared.pass(admin_password);
        match step {
            Step::Idle => return Err(BatchError::NotEnrolled.into()),
            Step::Failed(error) if waits_for_the_clerk(&error) => return Err(error),
            Step::Ended(error) => {
                self.shared.settle(
                    &Step::Ended(Error::Account(AccountError::NotSignedIn)),
                    false,
                );
                return Err(error);
            }
            _ => {}
        }
        let pass = self.shared.settle(&step, false);
        self.shared.tell(pass.as_ref());
        pass.ok_or(Error::Account(AccountError::NotSignedIn))
    }

    /// Runs a pass soon (after enrolling, after the key was unlocked).
    pub fn wake(&self) {
        let mut schedule = self.shared.schedule();
        schedule.due = Instant::now();
        self.shared.wake.notify_all();
    }

    /// The last pass that ran (the worker's or the clerk's), if any.
    pub fn last_pass(&self) -> Option<SyncPass> {
        self.shared.schedule().last.clone()
    }

    /// Whether the worker has stopped (told to, or its session is over).
    pub fn stopped(&self) -> bool {
        self.shared.stopped()
    }

    /// Stops the worker. It does not wait for a pass in progress: that pass
    /// ends as it would (each step is one transaction; the next session's
    /// worker goes on from there) and tells no one; the handle closes with it.
    pub fn stop(&self) {
        let mut schedule = self.shared.schedule();
        schedule.stopped = true;
        self.shared.wake.notify_all();
        drop(schedule);
        // Between passes the handle closes now; during one, the thread
        // closes it when the pass ends.
        if let Ok(mut file) = self.shared.file.try_lock() {
            *file = None;
        }
    }
}

impl Drop for SyncWorker {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Reporting<'_> {
    /// The upstream to sync with, for a session that may report: None when
    /// the school is not enrolled; refused when its address is plain http
    /// the school does not allow.
    fn reporting_upstream(&self) -> Result<Option<Upstream>> {
        self.school.require(Permission::BatchesSubmit)?;
        stored_enrollment(self.school)?
            .map(|e| self.upstream_client(&e.upstream))
            .transpose()
    }
}

/// `wait` after `now`; a wait too long for the clock (an interval of
/// centuries) is cut to a year, which is as good as never for a pass.
fn later(now: Instant, wait: Duration) -> Instant {
    now.checked_add(wait)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600)))
        .unwrap_or(now)
}

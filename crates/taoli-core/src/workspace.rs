//! The open school file and the session policy around it, the one place the
//! app and the CLI keep it: which file is open, keeping its key in this
//! computer's keychain, the day's automatic backup, and the sync worker of
//! the signed-in session (docs/batches.md, "The app's sync worker").
//!
//! Invariant: a sync worker runs only for the session signed in to the open
//! file. Opening another file, switching to a copy, signing out, locking and
//! closing stop it; signing in, creating a school, unlocking and recovering
//! start a new one. The key is kept whenever it may have changed (a file
//! created, opened with the 系统管理员 password, signed in to, given a new
//! 系统管理员 or a new password); the daily backup is taken when someone signs
//! in to (or creates, or recovers) a school, at most once a day.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::account::{NewUser, Session, User};
use crate::batches::{SyncPass, SyncWorker, WorkerOptions};
use crate::error::{AccountError, FileError};
use crate::error::{Error, ErrorPayload, Result, SharedLocale};
use crate::recent::RecentFiles;
use crate::school::NewSchool;
use crate::secrets::{KeychainSecretStore, MemorySecretStore, SecretStore};
use crate::store::{CopiedToThisComputer, Credentials, OpenedSchool, SchoolFile};

/// What a sync pass is told to (the app sends it to the window).
pub type PassHook = Arc<dyn Fn(&SyncPass) + Send + Sync>;

/// The signed-in session's sync worker, or why it has none (a role that may
/// not report: the core's refusal, said again when asked to report).
pub type Worker = std::result::Result<Arc<SyncWorker>, ErrorPayload>;

/// The workspace's sync worker, readable without the workspace: a report
/// that waits on the network never holds the open file's other calls.
#[derive(Debug, Clone, Default)]
pub struct WorkerSlot {
    worker: Arc<Mutex<Option<Worker>>>,
    /// The language of its refusals (the workspace's).
    locale: SharedLocale,
}

impl WorkerSlot {
    /// The session's sync worker, or why there is none
    /// ([`AccountError::NotSignedIn`] while nobody is).
    pub fn current(&self) -> Worker {
        self.slot().clone().unwrap_or_else(|| {
            Err(ErrorPayload::new(
                &Error::Account(AccountError::NotSignedIn),
                self.locale.get(),
            ))
        })
    }

    fn replace(&self, worker: Option<Worker>) {
        let before = std::mem::replace(&mut *self.slot(), worker);
        if let Some(Ok(before)) = before {
            before.stop();
        }
    }

    /// A panic while it was held cannot leave it half-changed: taken over.
    fn slot(&self) -> MutexGuard<'_, Option<Worker>> {
        self.worker.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// How the sync worker runs and whom it tells.
struct WorkerHooks {
    options: WorkerOptions,
    on_pass: PassHook,
}

/// The open school file with its session policy. Without the `with_*`
/// options it keeps the key and nothing else (what the CLI needs).
pub struct Workspace {
    /// This computer's keychain; None when it has none.
    keychain: Option<Arc<dyn SecretStore>>,
    /// Where the recent-files list lives, when opening puts a file on it.
    recent_dir: Option<PathBuf>,
    daily_backup: bool,
    worker_hooks: Option<WorkerHooks>,
    file: Option<SchoolFile>,
    /// Why today's automatic backup failed, if it did.
    daily_backup_problem: Option<String>,
    worker: WorkerSlot,
    /// The language its messages are said in (the app's; Chinese unless set).
    locale: SharedLocale,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("keychain", &self.keychain.is_some())
            .field("recent_dir", &self.recent_dir)
            .field("daily_backup", &self.daily_backup)
            .field("sync_worker", &self.worker_hooks.is_some())
            .field("file", &self.file.as_ref().map(SchoolFile::path))
            .finish_non_exhaustive()
    }
}

impl Workspace {
    /// A workspace whose keys are kept in `keychain` (none: asked for each time).
    pub fn new(keychain: Option<Arc<dyn SecretStore>>) -> Workspace {
        Workspace {
            keychain,
            recent_dir: None,
            daily_backup: false,
            worker_hooks: None,
            file: None,
            daily_backup_problem: None,
            worker: WorkerSlot::default(),
            locale: SharedLocale::default(),
        }
    }

    /// A workspace with this computer's keychain, when it has one that works.
    pub fn on_this_computer() -> Workspace {
        let keychain = KeychainSecretStore::new()
            .ok()
            .map(|k| Arc::new(k) as Arc<dyn SecretStore>);
        Workspace::new(keychain)
    }

    /// Puts each file opened at the top of the recent-files list in `dir`.
    pub fn with_recent_files(mut self, dir: PathBuf) -> Workspace {
        self.recent_dir = Some(dir);
        self
    }

    /// Takes the day's automatic backup when someone signs in.
    pub fn with_daily_backup(mut self) -> Workspace {
        self.daily_backup = true;
        self
    }

    /// Runs a sync worker for each signed-in session, telling `on_pass`
    /// each pass.
    pub fn with_sync_worker(mut self, options: WorkerOptions, on_pass: PassHook) -> Workspace {
        self.worker_hooks = Some(WorkerHooks { options, on_pass });
        self
    }

    /// Says this workspace's messages in `locale` (the sync worker's
    /// errors and refusals too, from its next one).
    pub fn with_locale(mut self, locale: SharedLocale) -> Workspace {
        self.worker.locale = locale.clone();
        self.locale = locale;
        self
    }

    /// The language this workspace's messages are said in, shared: setting
    /// it changes the language of whatever reads it.
    pub fn locale(&self) -> SharedLocale {
        self.locale.clone()
    }

    /// The open school file, if any.
    pub fn file(&self) -> Option<&SchoolFile> {
        self.file.as_ref()
    }

    /// The open school file, if any, to change.
    pub fn file_mut(&mut self) -> Option<&mut SchoolFile> {
        self.file.as_mut()
    }

    /// The open school file, or [`FileError::NoSchoolOpen`].
    pub fn open_file(&mut self) -> Result<&mut SchoolFile> {
        self.file
            .as_mut()
            .ok_or(Error::File(FileError::NoSchoolOpen))
    }

    /// Approves the batch waiting for the school's review
    /// ([`crate::batches::SchoolReview::approve`]) with this computer's
    /// keychain, or `admin_password` where the signing key is kept in the
    /// school file, and uploads it.
    pub fn approve_review(
        &mut self,
        admin_password: Option<&str>,
    ) -> Result<crate::batches::ReviewApproval> {
        let keys = crate::batches::KeyAccess::new(self.keychain.as_deref(), admin_password);
        let options = crate::batches::SyncOptions {
            locale: self.locale.get(),
            ..crate::batches::SyncOptions::default()
        };
        let file = self
            .file
            .as_mut()
            .ok_or(Error::File(FileError::NoSchoolOpen))?;
        file.school_review().approve(&keys, &options)
    }

    /// The sync worker's slot, to read without holding the workspace.
    pub fn worker_slot(&self) -> WorkerSlot {
        self.worker.clone()
    }

    /// Why today's automatic backup could not be made, if it could not.
    pub fn daily_backup_problem(&self) -> Option<&str> {
        self.daily_backup_problem.as_deref()
    }

    /// Opens a school file, nobody signed in, and makes it the open one. An
    /// encrypted file's key comes from the keychain; without it the error is
    /// [`FileError::FileKeyNeeded`] (ask for the 系统管理员 password, then
    /// [`Workspace::open_with_password`]).
    pub fn open(&mut self, path: &Path) -> Result<OpenedSchool> {
        let file = self.open_unbound(path, None)?;
        self.make_current(file)
    }

    /// Opens an encrypted school file with the 系统管理员 password and makes it
    /// the open one; the key is kept for next time.
    pub fn open_with_password(&mut self, path: &Path, password: &str) -> Result<OpenedSchool> {
        let file = self.open_unbound(path, Some(password))?;
        self.make_current(file)
    }

    /// Opens a school file as [`Workspace::open`] (with `admin_password`,
    /// [`Workspace::open_with_password`]) does, without making it the open
    /// one: for a command that uses one file once.
    pub fn open_unbound(&self, path: &Path, admin_password: Option<&str>) -> Result<SchoolFile> {
        if let Some(keychain) = &self.keychain {
            match SchoolFile::open_with_store(path, keychain.as_ref()) {
                Err(Error::File(FileError::FileKeyNeeded(_))) => {}
                other => return other,
            }
        }
        let memory = MemorySecretStore::new();
        let store: &dyn SecretStore = match &self.keychain {
            Some(keychain) => keychain.as_ref(),
            None => &memory,
        };
        match admin_password {
            Some(password) => SchoolFile::open_with_password(path, password, store),
            None => SchoolFile::open_with_store(path, store),
        }
    }

    /// Makes a file opened by [`Workspace::open_unbound`] the open one (the
    /// CLI, after checking it before signing in).
    pub fn adopt(&mut self, file: SchoolFile) -> Result<OpenedSchool> {
        self.make_current(file)
    }

    /// Creates a school file with its 系统管理员, who is signed in, and makes
    /// it the open one.
    pub fn create(
        &mut self,
        path: &Path,
        school: &NewSchool,
        admin: &Credentials,
    ) -> Result<OpenedSchool> {
        let mut file = SchoolFile::create(path, school, admin)?;
        self.daily_backup(&mut file);
        self.start_worker(&file);
        self.make_current(file)
    }

    /// Opens the file at `path` with its recovery code, sets `account`'s new
    /// password, signs them in and makes it the open one.
    pub fn recover_with_code(
        &mut self,
        path: &Path,
        code: &str,
        account: Option<&str>,
        password: &str,
    ) -> Result<OpenedSchool> {
        let mut file = SchoolFile::recover_with_code(
            path,
            code,
            None,
            account,
            password,
            &MemorySecretStore::new(),
        )?;
        self.daily_backup(&mut file);
        self.start_worker(&file);
        self.make_current(file)
    }

    /// Signs in to the open school: the day's backup if due, a new sync
    /// worker, and the key kept (signing in as the 系统管理员 may have
    /// encrypted an older file).
    pub fn sign_in(&mut self, credentials: &Credentials) -> Result<Session> {
        let file = self.file.as_mut().ok_or(FileError::NoSchoolOpen)?;
        let session = file.sign_in(credentials)?;
        let mut file = self.file.take().ok_or(FileError::NoSchoolOpen)?;
        self.daily_backup(&mut file);
        self.start_worker(&file);
        self.keep_key(&file);
        self.file = Some(file);
        Ok(session)
    }

    /// Creates the first account of a school file that has none, its
    /// 系统管理员, signed in.
    pub fn create_first_admin(&mut self, admin: &Credentials) -> Result<Session> {
        let file = self.file.as_mut().ok_or(FileError::NoSchoolOpen)?;
        let session = file.create_first_admin(admin)?;
        self.keep_current_key();
        self.start_current_worker();
        Ok(session)
    }

    /// Signs out; the sync worker stops.
    pub fn sign_out(&mut self) -> Result<()> {
        self.worker.replace(None);
        self.file
            .as_mut()
            .ok_or(FileError::NoSchoolOpen)?
            .sign_out();
        Ok(())
    }

    /// Locks the session; the sync worker stops.
    pub fn lock(&mut self) -> Result<()> {
        self.worker.replace(None);
        self.file.as_mut().ok_or(FileError::NoSchoolOpen)?.lock();
        Ok(())
    }

    /// Unlocks with the password: a new session, with a new sync worker.
    pub fn unlock(&mut self, password: &str) -> Result<Session> {
        let file = self.file.as_mut().ok_or(FileError::NoSchoolOpen)?;
        let session = file.unlock(password)?;
        self.start_current_worker();
        Ok(session)
    }

    /// Adds an account; a new 系统管理员's password is the file's key now.
    pub fn add_user(&mut self, user: &NewUser) -> Result<User> {
        let added = self.open_file()?.accounts().add(user)?;
        self.keep_current_key();
        Ok(added)
    }

    /// Sets a password (see [`SchoolFile::change_password`]); a
    /// 系统管理员's rewrites the file under a new key, which is kept.
    pub fn change_password(
        &mut self,
        name: &str,
        current: Option<&str>,
        password: &str,
    ) -> Result<()> {
        self.open_file()?.change_password(name, current, password)?;
        self.keep_current_key();
        Ok(())
    }

    /// 复制到本机: copies the open school file into `folder`, makes the copy
    /// the open one, signed in as before with its own sync worker, and
    /// closes the file on the share.
    pub fn copy_to_this_computer(&mut self, folder: &Path) -> Result<CopiedToThisComputer> {
        let copy = self.open_file()?.copy_to_this_computer(folder)?;
        self.worker.replace(None);
        if let Some(original) = self.file.take() {
            // The copy is made and checked: a failure to close the original
            // (the share gone) does not undo it.
            let _ = original.close();
        }
        let path = copy.path().display().to_string();
        self.start_worker(&copy);
        let opened = self.make_current(copy)?;
        Ok(CopiedToThisComputer { path, opened })
    }

    /// Closes the open school file, if any; the sync worker stops.
    pub fn close(&mut self) -> Result<()> {
        self.worker.replace(None);
        match self.file.take() {
            Some(file) => file.close(),
            None => Ok(()),
        }
    }

    /// Gives up the open file (the CLI, to use it for one command).
    pub fn into_file(mut self) -> Option<SchoolFile> {
        self.worker.replace(None);
        self.file.take()
    }

    /// Makes `file` the open school: on the recent list, its key kept; a
    /// file nobody is signed in to has no worker.
    fn make_current(&mut self, file: SchoolFile) -> Result<OpenedSchool> {
        if file.session().is_none() {
            self.worker.replace(None);
        }
        let opened = file.opened()?;
        if let Some(dir) = &self.recent_dir {
            let school = &opened.school;
            RecentFiles::load(dir).touch(file.path(), &school.name, &school.code)?;
        }
        self.keep_key(&file);
        self.file = Some(file);
        Ok(opened)
    }

    /// The day's backup, once someone is signed in. Failing it (a full disk,
    /// a read-only folder) must not keep the clerk from their school: the
    /// problem is kept to be said ([`Workspace::daily_backup_problem`]).
    fn daily_backup(&mut self, file: &mut SchoolFile) {
        if self.daily_backup {
            self.daily_backup_problem = file.backups().daily_if_due().err().map(|e| e.to_string());
        }
    }

    /// Keeps `file`'s key in the keychain; nothing without one (a keychain
    /// that fails is passed over: the password is asked for next time).
    pub fn keep_key(&self, file: &SchoolFile) {
        if let Some(keychain) = &self.keychain {
            let _ = file.remember_key(keychain.as_ref());
        }
    }

    fn keep_current_key(&self) {
        if let Some(file) = &self.file {
            self.keep_key(file);
        }
    }

    /// Starts the sync worker of `file`'s session, stopping the one before.
    fn start_worker(&self, file: &SchoolFile) {
        let Some(hooks) = &self.worker_hooks else {
            return;
        };
        let on_pass = Arc::clone(&hooks.on_pass);
        let started = SyncWorker::start_in(
            file,
            self.keychain.clone(),
            hooks.options,
            self.locale.clone(),
            move |pass| on_pass(pass),
        )
        .map(Arc::new)
        .map_err(|e| ErrorPayload::new(&e, self.locale.get()));
        self.worker.replace(Some(started));
    }

    fn start_current_worker(&self) {
        if let Some(file) = &self.file {
            self.start_worker(file);
        }
    }
}

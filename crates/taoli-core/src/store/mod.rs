//! The school file (学校文件): one SQLite file per school, extension `.taoli`.
//!
//! [`connect`] is the only place in Taoli that opens a SQLite connection to a
//! school file, and the place its key is given: an encrypted file is a
//! SQLCipher database (`cipher.rs`, `docs/encryption.md`). [`SchoolFile::open`]
//! checks a file before anything is written to it, so a file that is refused
//! (not ours, newer than this build, corrupt, a wrong password) is left
//! byte-for-byte unchanged.
//!
//! Where the file lies matters (docs/reliability.md): a file on a network
//! share (`share.rs`) is kept in a rollback journal with SQLite's lock held
//! for as long as it is open, instead of the write-ahead log, and every open
//! file has its lock file beside it (`lock.rs`), so that a second Taoli, on
//! this PC or another, is told who has it open instead of corrupting it.

mod accounts;
pub(crate) mod audit;
pub(crate) mod backups;
pub(crate) mod change_sets;
mod cipher;
pub(crate) mod identity_corrections;
mod lock;
pub mod migrations;
pub(crate) mod pending;
mod province;
pub(crate) mod records;
mod recovery;
pub(crate) mod revisions;
pub(crate) mod school_settings;
pub mod share;
pub(crate) mod status_events;
pub(crate) mod teachers;
pub(crate) mod warnings;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction};

use crate::account::{Actor, NewUser, Role};
use crate::error::{AccountError, FileError};
use crate::error::{Error, Particular, Result};
use crate::revision::{Action, Entity};
use crate::school::{NewSchool, School};
use crate::secrets::SecretStore;
use crate::time::now;

pub use accounts::{Credentials, IDLE_LIMIT, LOCK_MINUTES, MAX_FAILED_SIGN_INS, OpenedSchool};
pub use audit::{AuditBreak, AuditBreakReason, AuditCheck};
pub use backups::{Backup, BackupList, BackupReason, KEEP_RECENT};
pub use cipher::{
    EncryptedCopies, FILE_KEY_PARAMS, FILE_SALT_LEN, FileKey, file_key_account, file_salt,
    raw_connection, recall_file_key, remember_file_key,
};
pub use lock::{LockHolder, computer_name, lock_path};
pub use migrations::CURRENT_SCHEMA_VERSION;
pub use recovery::{RecoveryCodeShown, RecoveryStatus};
pub use share::{CopiedToThisComputer, NetworkShare};
pub use warnings::WarningReasons;

/// `PRAGMA application_id` of every school file: "TAOL".
pub const APPLICATION_ID: i32 = 0x5441_4F4C;
/// The extension of school files.
pub const FILE_EXTENSION: &str = "taoli";

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// An open school file. All reads and writes of a school's data go through it.
#[derive(Debug)]
pub struct SchoolFile {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Who is signed in; None until [`SchoolFile::sign_in`]. Shared with
    /// the second handles opened for the session.
    session: Option<std::sync::Arc<accounts::SignedIn>>,
    /// A second handle ([`SchoolFile::second_handle`]): its work does not
    /// keep the session awake.
    second: bool,
    idle_limit: std::time::Duration,
    /// The key of an encrypted file, for every other connection to it and its
    /// copies (backups, the copy before a migration, a restore).
    key: Option<FileKey>,
    /// The network share the file lies on, if it does (`share.rs`).
    share: Option<NetworkShare>,
    /// The lock beside the file (`lock.rs`), shared by every handle of the
    /// file in this program; after `conn`, so that the connection closes
    /// before the lock is let go of. None where no lock file can be made.
    lock: Option<Arc<lock::FileLock>>,
}

#[derive(Debug, Clone, Copy)]
enum Access {
    Create,
    ReadWrite,
    ReadOnly,
}

/// Opens a SQLite connection to a school file (or a copy of one): the one
/// place that does. The key of an encrypted file is given first, before any
/// other statement; temporary tables and sorts stay in memory, so nothing of
/// the school's data goes to a temporary file.
fn connect(path: &Path, access: Access, key: Option<&FileKey>) -> Result<Connection> {
    let flags = match access {
        Access::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    if let Some(key) = key {
        cipher::apply_key(&conn, key)?;
    }
    cipher::quiet(&conn)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Copies the database `from` is connected to into a new file at `to`, keyed
/// with `key` (the same key as `from`'s, or none for both), with SQLite's
/// online backup API: a consistent copy of a live file.
fn copy_database(from: &Connection, to: &Path, key: Option<&FileKey>) -> Result<Connection> {
    let mut copy = connect(to, Access::Create, key)?;
    rusqlite::backup::Backup::new(from, &mut copy)?.run_to_completion(
        1024,
        std::time::Duration::from_millis(10),
        None,
    )?;
    Ok(copy)
}

impl SchoolFile {
    /// Creates a new school file at `path` with its first account, the
    /// 系统管理员 `admin`, who is signed in. The file is encrypted from its
    /// first page on, under the key derived from the 系统管理员's password
    /// and a new salt (`docs/encryption.md`); keep the key in the keychain
    /// with [`SchoolFile::remember_key`]. Refuses to overwrite anything; the
    /// file is built beside its destination and moved into place only when
    /// complete, so a failure leaves nothing behind.
    pub fn create(path: &Path, school: &NewSchool, admin: &Credentials) -> Result<SchoolFile> {
        SchoolFile::create_with(path, school, admin, None)
    }

    /// [`SchoolFile::create`] with `recovery` as the file's recovery code from
    /// its first transaction on (store/recovery.rs): the file exists with its
    /// code or not at all. Its recovery file is written beside it.
    pub fn create_with_recovery_code(
        path: &Path,
        school: &NewSchool,
        admin: &Credentials,
        recovery: &crate::recovery::RecoveryCode,
    ) -> Result<SchoolFile> {
        let file = SchoolFile::create_with(path, school, admin, Some(recovery))?;
        // A recovery file that cannot be written now (the file is made, and
        // its code must still be shown) is written again by `recovery_status`.
        let _ = file.write_sidecars(None);
        Ok(file)
    }

    fn create_with(
        path: &Path,
        school: &NewSchool,
        admin: &Credentials,
        recovery: Option<&crate::recovery::RecoveryCode>,
    ) -> Result<SchoolFile> {
        let admin_name = crate::account::valid_user_name(&admin.name)?;
        crate::secrets::check_password_strength(&admin.password)?;
        let actor = Actor::new(admin_name.clone(), Role::SystemAdmin);
        let key = FileKey::derive(&admin.password, FileKey::new_salt()?)?;
        let first = NewUser {
            name: admin_name,
            role: Role::SystemAdmin,
            password: admin.password.clone(),
        };
        build(path, school, &actor, &first, &key, recovery)?;
        let mut file = SchoolFile::open_with_key(path, &key)?;
        file.holder_signed_in(Some(actor.name()));
        file.session = Some(accounts::SignedIn::new(actor));
        Ok(file)
    }

    /// Opens an existing, plaintext school file: checks that it is one, that
    /// this build can read it and that it is intact; backs up and migrates an
    /// older file. An encrypted file is [`FileError::FileKeyNeeded`]: open it with
    /// [`SchoolFile::open_with_store`] or [`SchoolFile::open_with_password`].
    pub fn open(path: &Path) -> Result<SchoolFile> {
        match check_header(path)? {
            None => SchoolFile::open_checked(path, None),
            Some(_) => Err(FileError::FileKeyNeeded(path.to_owned()).into()),
        }
    }

    /// Opens a school file with its key. A key of another file (another salt)
    /// or a wrong key is [`FileError::WrongFilePassword`], with the file
    /// unchanged. A plaintext file opens as it is, without the key.
    pub fn open_with_key(path: &Path, key: &FileKey) -> Result<SchoolFile> {
        match check_header(path)? {
            None => SchoolFile::open_checked(path, None),
            Some(salt) if &salt == key.salt() => SchoolFile::open_checked(path, Some(key)),
            Some(_) => Err(FileError::WrongFilePassword(path.to_owned()).into()),
        }
    }

    /// Opens a school file with the key kept for it in `store` (the
    /// keychain), found by the file's salt. When there is none, or it no
    /// longer opens the file (the password was changed on another PC), the
    /// error is [`FileError::FileKeyNeeded`]: ask for the 系统管理员 password and
    /// call [`SchoolFile::open_with_password`]. A plaintext file opens as it is.
    pub fn open_with_store(path: &Path, store: &dyn SecretStore) -> Result<SchoolFile> {
        let Some(salt) = check_header(path)? else {
            return SchoolFile::open_checked(path, None);
        };
        let Some(key) = recall_file_key(store, &salt)? else {
            return Err(FileError::FileKeyNeeded(path.to_owned()).into());
        };
        match SchoolFile::open_checked(path, Some(&key)) {
            Err(Error::File(FileError::WrongFilePassword(_))) => {
                Err(FileError::FileKeyNeeded(path.to_owned()).into())
            }
            other => other,
        }
    }

    /// Opens an encrypted school file with the 系统管理员 password: derives
    /// its key from the password and the file's salt, opens it, and keeps the
    /// key in `store` so that this PC opens it without the password next
    /// time. A wrong password is [`FileError::WrongFilePassword`], with the file
    /// unchanged. A keychain that cannot be used does not stop the file from
    /// opening; the password is then asked for again next time. A plaintext
    /// file opens as it is.
    pub fn open_with_password(
        path: &Path,
        password: &str,
        store: &dyn SecretStore,
    ) -> Result<SchoolFile> {
        let Some(salt) = check_header(path)? else {
            return SchoolFile::open_checked(path, None);
        };
        let key = FileKey::derive(password, salt)?;
        let file = SchoolFile::open_checked(path, Some(&key))?;
        let _ = remember_file_key(store, &key);
        Ok(file)
    }

    /// Opens a file whose header was checked, with its key if it has one:
    /// takes its lock first (refused while another program holds it), and
    /// keeps a file on a network share in a rollback journal.
    fn open_checked(path: &Path, key: Option<&FileKey>) -> Result<SchoolFile> {
        let lock = lock::acquire(path)?;
        let share = share::network_share_of(path);
        let mut file = SchoolFile::open_locked(path, key, share.is_some())
            .map_err(|e| on_full_disk(e, path))?;
        file.share = share;
        file.lock = lock;
        Ok(file)
    }

    fn open_locked(path: &Path, key: Option<&FileKey>, on_share: bool) -> Result<SchoolFile> {
        let mut conn = connect(path, Access::ReadWrite, key)?;
        if on_share {
            // Before anything is read: SQLite then keeps its lock on the
            // file for as long as it is open, and never uses shared memory
            // (which a network share cannot give) even for a file left in
            // write-ahead-log mode by an earlier open on a local disk.
            conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        }
        if key.is_some() {
            // The first read of an encrypted file is where a wrong key shows.
            cipher::probe(&conn).map_err(|e| {
                if cipher::is_not_a_database(&e) {
                    Error::File(FileError::WrongFilePassword(path.to_owned()))
                } else {
                    Error::Database(e)
                }
            })?;
        }
        let not_ours = |e: rusqlite::Error| match e.sqlite_error_code() {
            // Past the first page, "not a database" in an encrypted file is a
            // page that does not decrypt: damage.
            Some(ErrorCode::NotADatabase) if key.is_some() => {
                Error::File(FileError::CorruptSchoolFile {
                    path: path.to_owned(),
                    detail: e.to_string().into(),
                })
            }
            Some(ErrorCode::NotADatabase) => {
                Error::File(FileError::NotASchoolFile(path.to_owned()))
            }
            Some(ErrorCode::DatabaseCorrupt) => Error::File(FileError::CorruptSchoolFile {
                path: path.to_owned(),
                detail: e.to_string().into(),
            }),
            _ => Error::Database(e),
        };
        // Read-only inspection first: nothing is written before these pass.
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(not_ours)?;
        if application_id != APPLICATION_ID {
            return Err(FileError::NotASchoolFile(path.to_owned()).into());
        }
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(not_ours)?;
        if version > CURRENT_SCHEMA_VERSION {
            return Err(FileError::NewerSchoolFile {
                path: path.to_owned(),
                found: version,
                supported: CURRENT_SCHEMA_VERSION,
            }
            .into());
        }
        check_integrity(&conn, path).map_err(|e| match e {
            Error::Database(e) => not_ours(e),
            other => other,
        })?;

        conn.pragma_update_and_check(None, "journal_mode", journal_mode(on_share), |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if version < CURRENT_SCHEMA_VERSION {
            let backup = backup_path(path, version);
            copy_database(&conn, &backup, key)?
                .close()
                .map_err(|(_, e)| Error::Database(e))?;
            migrations::apply(&mut conn, version)?;
        }
        Ok(SchoolFile {
            conn,
            path: path.to_owned(),
            session: None,
            second: false,
            idle_limit: IDLE_LIMIT,
            key: key.map(FileKey::duplicate).transpose()?,
            share: None,
            lock: None,
        })
    }

    /// Another connection to this open file for the same signed-in session,
    /// for work on another thread that must not wait for this handle nor
    /// make it wait (the app's sync worker, docs/batches.md): a network call
    /// made through it leaves this handle free. It follows the session:
    /// once the session is locked (by hand or idle), signed out, or replaced
    /// by another sign-in, every operation on it is refused; and its own
    /// work does not count as activity, so it never keeps an idle session
    /// from locking. The file was checked and migrated when this handle
    /// opened it; SQLite's write-ahead log lets both read at once, and each
    /// write waits for the other's transaction to end.
    ///
    /// A file on a network share has one connection only (this handle keeps
    /// SQLite's lock on it): [`FileError::NetworkShareOneConnection`].
    pub fn second_handle(&self) -> Result<SchoolFile> {
        let Some(session) = &self.session else {
            return Err(AccountError::NotSignedIn.into());
        };
        if self.share.is_some() {
            return Err(FileError::NetworkShareOneConnection.into());
        }
        let conn = connect(&self.path, Access::ReadWrite, self.key.as_ref())?;
        let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if application_id != APPLICATION_ID {
            // Replaced on disk since it was opened.
            return Err(FileError::NotASchoolFile(self.path.clone()).into());
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(SchoolFile {
            conn,
            path: self.path.clone(),
            session: Some(std::sync::Arc::clone(session)),
            second: true,
            idle_limit: self.idle_limit,
            key: self.key.as_ref().map(FileKey::duplicate).transpose()?,
            share: None,
            lock: self.lock.clone(),
        })
    }

    /// Names the Taoli account signed in (None: signed out) in the lock file.
    pub(crate) fn holder_signed_in(&self, account: Option<&str>) {
        if let Some(lock) = &self.lock {
            lock.set_account(account);
        }
    }

    /// The journal mode this file is kept in: the write-ahead log, or a
    /// rollback journal on a network share.
    pub(crate) fn journal_mode(&self) -> &'static str {
        journal_mode(self.share.is_some())
    }

    /// On a network share, lets go of SQLite's lock that this connection
    /// keeps, so that another connection of this program can read the file
    /// for a moment (encrypting it exports it through one); retaken with
    /// [`SchoolFile::retake_sqlite_lock`]. Nothing elsewhere. Other
    /// programs are still kept out by the lock file.
    pub(crate) fn release_sqlite_lock(&self) -> Result<()> {
        if self.share.is_some() {
            self.conn.pragma_update(None, "locking_mode", "NORMAL")?;
            // The lock goes at the next access in NORMAL mode.
            cipher::probe(&self.conn)?;
        }
        Ok(())
    }

    /// Keeps SQLite's lock again after [`SchoolFile::release_sqlite_lock`].
    pub(crate) fn retake_sqlite_lock(&self) -> Result<()> {
        if self.share.is_some() {
            self.conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
            cipher::probe(&self.conn)?;
        }
        Ok(())
    }

    /// Whether the file is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// Keeps the file's key in `store` (the keychain), so that this PC opens
    /// it without the password: after [`SchoolFile::encrypt`] and
    /// [`SchoolFile::rekey`]. Nothing to keep for a plaintext file.
    pub fn remember_key(&self, store: &dyn SecretStore) -> Result<()> {
        match &self.key {
            Some(key) => remember_file_key(store, key),
            None => Ok(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn school(&self) -> Result<School> {
        read_school(&self.conn)
    }

    /// Closes the file, flushing the write-ahead log into it.
    pub fn close(self) -> Result<()> {
        self.conn.close().map_err(|(_, e)| Error::Database(e))
    }

    /// Runs `f` in one transaction. A full disk rolls it back and is told
    /// as [`FileError::DiskFull`], the file as it was.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let written = (|| {
            let tx = self.conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        written.map_err(|e| on_full_disk(e, &self.path))
    }
}

/// The journal mode of a school file: the write-ahead log, or on a network
/// share (where the log's shared memory cannot work) a rollback journal.
fn journal_mode(on_share: bool) -> &'static str {
    if on_share { "DELETE" } else { "WAL" }
}

/// A failure, or [`FileError::DiskFull`] when the disk under the school file at
/// `path` is full. Its writes need room for about the file's size (a
/// rollback journal, the log's checkpoint), at least a megabyte.
fn on_full_disk(error: Error, path: &Path) -> Error {
    if !error.is_disk_full() {
        return error;
    }
    let size = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    error.or_disk_full(crate::fsio::folder_of(path), size.max(1024 * 1024))
}

/// Builds a new school file at `path` (keyed with `key`, if given) beside
/// it and moves it into place when complete: a failure leaves nothing behind.
fn build(
    path: &Path,
    school: &NewSchool,
    actor: &Actor,
    admin: &NewUser,
    key: &FileKey,
    recovery_code: Option<&crate::recovery::RecoveryCode>,
) -> Result<()> {
    let valid = school.validate()?;
    if path.exists() {
        return Err(FileError::FileExists(path.to_owned()).into());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    let partial = sibling(path, "creating");
    remove_if_exists(&partial)?;
    let build = || -> Result<()> {
        let mut conn = connect(&partial, Access::Create, Some(key))?;
        migrations::apply(&mut conn, 0)?;
        let tx = conn.transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO school (id, code, name, school_type, province_code, city_code, county_code, created_at, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            (
                &valid.code,
                &valid.name,
                &valid.school_type,
                &valid.province_code,
                &valid.city_code,
                &valid.county_code,
                &at,
            ),
        )?;
        let school = read_school(&tx)?;
        revisions::record(
            &tx,
            actor,
            Entity::School,
            &school.code,
            None,
            Action::Create,
            None,
            Some(&serde_json::to_value(&school)?),
        )?;
        accounts::insert_user(&tx, admin, actor)?;
        if let Some(code) = recovery_code {
            recovery::keep_code(&tx, code, actor)?;
        }
        tx.commit()?;
        conn.close().map_err(|(_, e)| Error::Database(e))
    };
    if let Err(error) = build() {
        let _ = fs::remove_file(&partial);
        return Err(error);
    }
    crate::fsio::rename_durably(&partial, path).map_err(Error::io(path))
}

fn read_school(conn: &Connection) -> Result<School> {
    let school = conn
        .query_row(
            "SELECT code, name, school_type, province_code, city_code, county_code, created_at, updated_at
             FROM school WHERE id = 1",
            [],
            |r| {
                let school_type: String = r.get(2)?;
                let (school_type_name, indicator_set) = School::describe_type(&school_type);
                Ok(School {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    school_type,
                    school_type_name,
                    indicator_set,
                    province_code: r.get(3)?,
                    city_code: r.get(4)?,
                    county_code: r.get(5)?,
                    created_at: r.get(6)?,
                    updated_at: r.get(7)?,
                })
            },
        )
        .optional()?;
    school.ok_or_else(|| {
        Error::File(FileError::CorruptSchoolFile {
            path: PathBuf::new(),
            detail: Particular::said("particular.no_school_row", vec![]),
        })
    })
}

/// Checks that `path` looks like a school file before SQLite opens it, and
/// returns its salt: `None` for a plaintext SQLite file, the first 16 bytes
/// for an encrypted one (no SQLite header, and a whole number of 1 KiB
/// pages, as every SQLCipher file is).
fn check_header(path: &Path) -> Result<Option<[u8; FILE_SALT_LEN]>> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(FileError::FileNotFound(path.to_owned()).into());
        }
        Err(e) => return Err(Error::io(path)(e)),
    };
    let metadata = file.metadata().map_err(Error::io(path))?;
    if metadata.is_dir() {
        return Err(FileError::NotASchoolFile(path.to_owned()).into());
    }
    let mut header = [0u8; 16];
    match file.read_exact(&mut header) {
        Ok(()) if &header == SQLITE_MAGIC => Ok(None),
        Ok(()) if metadata.len() > 0 && metadata.len() % 1024 == 0 => Ok(Some(header)),
        Ok(()) => Err(FileError::NotASchoolFile(path.to_owned()).into()),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(FileError::NotASchoolFile(path.to_owned()).into())
        }
        Err(e) => Err(Error::io(path)(e)),
    }
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if matches!(problems.as_slice(), [only] if only == "ok") {
        return Ok(());
    }
    Err(FileError::CorruptSchoolFile {
        path: path.to_owned(),
        detail: problems.join("；").into(),
    }
    .into())
}

/// Where an older file is copied before it is migrated:
/// `学校.taoli` → `学校.taoli.v1-20261122T150102.bak`.
fn backup_path(path: &Path, version: i64) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    sibling(path, &format!("v{version}-{stamp}.bak"))
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path)(e)),
    }
}

/// A file name for a new school file: `2151012345-桃李镇中心小学.taoli`, with
/// characters that file systems refuse replaced.
pub fn default_file_name(code: &str, name: &str) -> String {
    let clean = crate::text::file_name_safe(&format!("{}-{}", code.trim(), name.trim()));
    format!("{clean}.{FILE_EXTENSION}")
}

//! The school file (学校文件): one SQLite file per school, extension `.taoli`.
//!
//! [`connect`] is the only place in Taoli that opens a SQLite connection to a
//! school file; encryption at rest will be added there. [`SchoolFile::open`]
//! checks a file before anything is written to it, so a file that is refused
//! (not ours, newer than this build, corrupt) is left byte-for-byte unchanged.

mod accounts;
mod audit;
mod audit_log;
mod backups;
mod imports;
pub mod migrations;
mod province;
mod records;
mod revisions;
mod signoffs;
mod teachers;
mod warnings;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction};

use crate::account::{Actor, NewUser, Role};
use crate::error::{Error, Result};
use crate::revision::{Action, Entity};
use crate::school::{NewSchool, School};
use crate::time::now;

pub use accounts::{Credentials, IDLE_LIMIT, LOCK_MINUTES, MAX_FAILED_SIGN_INS};
pub use audit::{AuditBreak, AuditCheck};
pub use audit_log::{
    AuditChange, AuditEntry, AuditPage, AuditQuery, action_label, audit_file_name,
};
pub use backups::{Backup, BackupList, BackupReason, KEEP_RECENT};
pub use migrations::CURRENT_SCHEMA_VERSION;
pub use signoffs::{SheetPrint, SignoffInfo, SignoffState};
pub use warnings::{WarningReasons, WarningRef};

/// `PRAGMA application_id` of every school file: "TAOL".
pub const APPLICATION_ID: i32 = 0x5441_4F4C;
/// The extension of school files.
pub const FILE_EXTENSION: &str = "taoli";

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// An open school file. All reads and writes of a school's data go through it.
#[derive(Debug)]
pub struct SchoolFile {
    conn: Connection,
    path: PathBuf,
    /// Who is signed in; None until [`SchoolFile::sign_in`].
    session: Option<accounts::SignedIn>,
    idle_limit: std::time::Duration,
}

#[derive(Debug, Clone, Copy)]
enum Access {
    Create,
    ReadWrite,
}

/// Opens a SQLite connection to a school file. The one place that does.
fn connect(path: &Path, access: Access) -> Result<Connection> {
    let flags = match access {
        Access::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

impl SchoolFile {
    /// Creates a new school file at `path` with its first account, the
    /// 系统管理员 `admin`, who is signed in. Refuses to overwrite anything.
    /// The file is built beside its destination and moved into place only when
    /// complete, so a failure leaves nothing behind.
    pub fn create(path: &Path, school: &NewSchool, admin: &Credentials) -> Result<SchoolFile> {
        let valid = school.validate()?;
        let admin_name = crate::account::valid_user_name(&admin.name)?;
        crate::secrets::check_password_strength(&admin.password)?;
        let actor = &Actor::new(admin_name.clone(), Role::SystemAdmin);
        if path.exists() {
            return Err(Error::FileExists(path.to_owned()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        let partial = sibling(path, "creating");
        remove_if_exists(&partial)?;
        let build = || -> Result<()> {
            let mut conn = connect(&partial, Access::Create)?;
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
            accounts::insert_user(
                &tx,
                &NewUser {
                    name: admin_name.clone(),
                    role: Role::SystemAdmin,
                    password: admin.password.clone(),
                },
                actor,
            )?;
            tx.commit()?;
            conn.close().map_err(|(_, e)| Error::Database(e))
        };
        if let Err(error) = build() {
            let _ = fs::remove_file(&partial);
            return Err(error);
        }
        fs::rename(&partial, path).map_err(Error::io(path))?;
        let mut file = SchoolFile::open(path)?;
        file.session = Some(accounts::SignedIn::new(actor.clone()));
        Ok(file)
    }

    /// Opens an existing school file: checks that it is one, that this build can
    /// read it and that it is intact; backs up and migrates an older file.
    pub fn open(path: &Path) -> Result<SchoolFile> {
        check_header(path)?;
        let mut conn = connect(path, Access::ReadWrite)?;
        let not_ours = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => Error::NotASchoolFile(path.to_owned()),
            Some(ErrorCode::DatabaseCorrupt) => Error::CorruptSchoolFile {
                path: path.to_owned(),
                detail: e.to_string(),
            },
            _ => Error::Database(e),
        };
        // Read-only inspection first: nothing is written before these pass.
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(not_ours)?;
        if application_id != APPLICATION_ID {
            return Err(Error::NotASchoolFile(path.to_owned()));
        }
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(not_ours)?;
        if version > CURRENT_SCHEMA_VERSION {
            return Err(Error::NewerSchoolFile {
                path: path.to_owned(),
                found: version,
                supported: CURRENT_SCHEMA_VERSION,
            });
        }
        check_integrity(&conn, path).map_err(|e| match e {
            Error::Database(e) => not_ours(e),
            other => other,
        })?;

        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if version < CURRENT_SCHEMA_VERSION {
            let backup = backup_path(path, version);
            conn.backup(rusqlite::MAIN_DB, &backup, None)?;
            migrations::apply(&mut conn, version)?;
        }
        Ok(SchoolFile {
            conn,
            path: path.to_owned(),
            session: None,
            idle_limit: IDLE_LIMIT,
        })
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

    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }
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
    school.ok_or_else(|| Error::CorruptSchoolFile {
        path: PathBuf::new(),
        detail: "文件中没有学校信息".to_owned(),
    })
}

fn check_header(path: &Path) -> Result<()> {
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::FileNotFound(path.to_owned()));
        }
        Err(e) => return Err(Error::io(path)(e)),
    };
    if file.metadata().map_err(Error::io(path))?.is_dir() {
        return Err(Error::NotASchoolFile(path.to_owned()));
    }
    let mut header = [0u8; 16];
    match file.read_exact(&mut header) {
        Ok(()) if &header == SQLITE_MAGIC => Ok(()),
        Ok(()) => Err(Error::NotASchoolFile(path.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Err(Error::NotASchoolFile(path.to_owned()))
        }
        Err(e) => Err(Error::io(path)(e)),
    }
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check(20)")?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    if problems.len() == 1 && problems[0] == "ok" {
        return Ok(());
    }
    Err(Error::CorruptSchoolFile {
        path: path.to_owned(),
        detail: problems.join("；"),
    })
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

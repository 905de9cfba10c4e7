//! Backups of the school file (备份) and restoring one (恢复).
//!
//! Automatic backups go to a folder beside the school file
//! (`2151012345-桃李镇中心小学-备份/`), named for the time and the reason
//! (`…-20261122-204700-导入前.taoli`): before every import, every batch built
//! for the upstream (报送前) and every restore,
//! and once a day when the app opens the school. Of those, the newest
//! [`KEEP_RECENT`] are kept, and the newest of every month. A backup to a
//! chosen folder (a USB stick) is the clerk's own and never pruned.
//!
//! Each backup is made with SQLite's online backup API (a consistent copy of a
//! live file; an encrypted file's backup is encrypted under the same key and
//! salt), checked with `integrity_check`, and recorded in the audit
//! trail. A restore checks the backup first (ours, intact, not newer, the same
//! school), backs up the file as it is, copies the backup in, and records the
//! restore: the chain of the restored history continues with that entry.
//!
//! This is the mechanism (the checked copy, pruning, staging a restore into
//! the open file); the clerk's doors to it (who may, the daily backup, the
//! list) are `crate::backups`.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cipher::{encrypted_copy, is_not_a_database, probe};
use super::{
    APPLICATION_ID, Access, CURRENT_SCHEMA_VERSION, FILE_SALT_LEN, FileKey, SchoolFile, connect,
    copy_database, migrations, remove_if_exists, revisions, sibling,
};
use crate::account::{Actor, Permission};
use crate::error::messages::{self, Locale};
use crate::error::{BackupError, FileError};
use crate::error::{Error, Particular, Result};
use crate::revision::{Action, Entity};

/// How many automatic backups are kept besides one per month.
pub const KEEP_RECENT: usize = 10;

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupReason {
    /// Before an import is written (导入前).
    BeforeImport,
    /// Before a backup is restored over the file (恢复前).
    BeforeRestore,
    /// Before a batch is built for the upstream (报送前).
    BeforeBatch,
    /// The first time the school is opened on a day (每日).
    Daily,
    /// Asked for by the clerk (手动).
    Manual,
}

impl BackupReason {
    pub const ALL: [BackupReason; 5] = [
        BackupReason::BeforeImport,
        BackupReason::BeforeRestore,
        BackupReason::BeforeBatch,
        BackupReason::Daily,
        BackupReason::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BackupReason::BeforeImport => "before_import",
            BackupReason::BeforeRestore => "before_restore",
            BackupReason::BeforeBatch => "before_batch",
            BackupReason::Daily => "daily",
            BackupReason::Manual => "manual",
        }
    }

    /// The reason in `locale`.
    pub fn said(self, locale: Locale) -> String {
        messages::word(locale, "backup_reason", self.as_str())
    }

    /// The reason as the backup's file name and the audit trail write it
    /// (Chinese always: a file's name does not change with the window).
    pub fn label(self) -> &'static str {
        match self {
            BackupReason::BeforeImport => "导入前",
            BackupReason::BeforeRestore => "恢复前",
            BackupReason::BeforeBatch => "报送前",
            BackupReason::Daily => "每日",
            BackupReason::Manual => "手动",
        }
    }

    pub(crate) fn from_label(label: &str) -> Option<BackupReason> {
        BackupReason::ALL.into_iter().find(|r| r.label() == label)
    }
}

/// A backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Backup {
    pub path: String,
    pub file_name: String,
    pub reason: BackupReason,
    /// When it was made, local time as its name gives it (2026-11-22 20:47:00).
    pub made_at: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// The automatic backups and where they are, as the app's settings show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupList {
    pub folder: String,
    /// Newest first.
    pub backups: Vec<Backup>,
    /// How many automatic backups are kept besides one per month.
    #[ts(type = "number")]
    pub keep_recent: usize,
}

/// The time stamp in a backup's name.
const STAMP: &str = "%Y%m%d-%H%M%S";

impl SchoolFile {
    /// Makes an automatic backup and prunes the folder, without recording it:
    /// for an operation that records the backup in its own transaction (an
    /// import), so that a crash leaves neither the operation nor its record.
    pub(crate) fn automatic_backup(&self, reason: BackupReason) -> Result<Backup> {
        let folder = backup_folder_of(&self.path);
        let backup = self.backup_into(&folder, reason)?;
        prune(&folder)?;
        Ok(backup)
    }

    pub(crate) fn restore_from(
        &mut self,
        backup: &Path,
        backup_key: Option<&FileKey>,
        actor: &Actor,
    ) -> Result<Backup> {
        let code = self.school()?.code;
        let salt = backup_salt(backup)?;
        // The key the backup is read with: the one given, else the file's own.
        let own = self.key.as_ref().map(FileKey::duplicate).transpose()?;
        let key = match (salt, backup_key, own.as_ref()) {
            (None, _, _) => None,
            // Restoring would write the backup's data into a plaintext file.
            (Some(_), _, None) => {
                return Err(BackupError::BackupUnusable {
                    path: backup.to_owned(),
                    detail: Particular::said("particular.backup_encrypted_file_not", vec![]),
                }
                .into());
            }
            (Some(_), Some(given), _) => Some(given),
            (Some(_), None, Some(own)) => Some(own),
        };
        let version = check_backup(backup, &code, key, backup_key.is_some())?;
        // Everything the restore writes is made in a copy beside the file
        // (the backup under the file's key, migrated, the accounts put
        // back, the restore recorded), then copied into the file in one
        // transaction: a crash leaves the file as it was or restored, never
        // the backup's accounts or its data without the record.
        let staged = sibling(&self.path, "restoring");
        remove_if_exists(&staged)?;
        if let Err(error) = stage_restore(backup, key, &staged, own.as_ref()) {
            let _ = fs::remove_file(&staged);
            return Err(BackupError::BackupUnusable {
                path: backup.to_owned(),
                detail: error.into(),
            }
            .into());
        }
        let restored = self.restore_staged(&staged, own.as_ref(), version, backup, actor);
        let _ = fs::remove_file(&staged);
        restored
    }

    /// The rest of a restore once the backup is `staged` under the file's
    /// key: the file as it is backed up (恢复前) and that recorded, the copy
    /// made whole (migrated from `version`, the accounts put back, the
    /// restore recorded), then written into the file.
    fn restore_staged(
        &mut self,
        staged: &Path,
        own: Option<&FileKey>,
        version: i64,
        backup: &Path,
        actor: &Actor,
    ) -> Result<Backup> {
        let safety = self.automatic_backup(BackupReason::BeforeRestore)?;
        self.write(|tx| record_backup(tx, &safety, actor))?;
        let accounts = super::accounts::saved_accounts(&self.conn)?;
        let recovery = super::recovery::saved_recovery(&self.conn)?;
        let detail = serde_json::json!({
            "restored_from": backup.display().to_string(),
            "safety_backup": safety.file_name,
        });
        let mut conn = connect(staged, Access::ReadWrite, own)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if version < CURRENT_SCHEMA_VERSION {
            migrations::apply(&mut conn, version)?;
        }
        let tx = conn.transaction()?;
        super::accounts::put_back_accounts(&tx, &accounts)?;
        super::recovery::put_back_recovery(&tx, &recovery)?;
        revisions::record(
            &tx,
            actor,
            Entity::Backup,
            &file_name(backup),
            None,
            Action::Update,
            None,
            Some(&detail),
        )?;
        tx.commit()?;
        conn.close().map_err(|(_, e)| Error::Database(e))?;
        // The online backup writes the whole copy into the file in one
        // transaction of the destination.
        let source = connect(staged, Access::ReadOnly, own)?;
        rusqlite::backup::Backup::new(&source, &mut self.conn)
            .and_then(|b| b.run_to_completion(1024, std::time::Duration::from_millis(10), None))
            .map_err(|e| {
                Error::Backup(BackupError::BackupUnusable {
                    path: backup.to_owned(),
                    detail: e.to_string().into(),
                })
            })?;
        Ok(safety)
    }

    /// Copies the live file into `folder` under a new name, checked. A full
    /// disk is [`FileError::DiskFull`], with nothing left behind.
    pub(crate) fn backup_into(&self, folder: &Path, reason: BackupReason) -> Result<Backup> {
        let failed = |error: Error| self.copy_failed(folder, error);
        fs::create_dir_all(folder).map_err(|e| failed(Error::io(folder)(e)))?;
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "学校".to_owned());
        let stamp = chrono::Local::now().format(STAMP).to_string();
        let name = |n: usize| match n {
            1 => format!("{stem}-{stamp}-{}.taoli", reason.label()),
            n => format!("{stem}-{stamp}-{}-{n}.taoli", reason.label()),
        };
        let path = (1..)
            .map(|n| folder.join(name(n)))
            .find(|p| !p.exists())
            .ok_or_else(|| failed(Error::File(FileError::FileExists(folder.join(name(1))))))?;
        self.checked_copy_to(&path).map_err(failed)?;
        // The recovery file goes with every backup (store/recovery.rs).
        self.write_sidecar_into(folder).map_err(failed)?;
        describe(&path).ok_or_else(|| {
            Error::Backup(BackupError::BackupFailed {
                folder: folder.to_owned(),
                detail: Particular::said("particular.backup_unreadable_after_writing", vec![]),
            })
        })
    }

    /// Copies the live file to `path` with SQLite's online backup API (under
    /// the file's own key and salt), checks the copy, and moves it into
    /// place (`fsio::rename_durably`): a failure leaves nothing behind.
    fn checked_copy_to(&self, path: &Path) -> Result<()> {
        let partial = crate::fsio::partial_path(path);
        let copy = || -> Result<()> {
            let key = self.key.as_ref();
            let copy = copy_database(&self.conn, &partial, key)?;
            // One self-contained file: no write-ahead log beside it to lose
            // when it is copied to a USB stick.
            copy.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))?;
            copy.close().map_err(|(_, e)| Error::Database(e))?;
            check_backup(&partial, &self.school()?.code, key, false)?;
            crate::fsio::rename_durably(&partial, path).map_err(Error::io(path))
        };
        let copied = copy();
        if copied.is_err() {
            let _ = fs::remove_file(&partial);
            let mut journal = partial.as_os_str().to_owned();
            journal.push("-journal");
            let _ = fs::remove_file(PathBuf::from(journal));
        }
        copied
    }

    /// What the clerk is told when a copy into `folder` failed: a full disk
    /// with the room it needs (about the file's size), else why.
    fn copy_failed(&self, folder: &Path, error: Error) -> Error {
        if error.is_disk_full() {
            let size = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
            return Error::disk_full(folder, size.saturating_add(1024 * 1024));
        }
        match error {
            Error::Backup(BackupError::BackupFailed { .. })
            | Error::File(FileError::FileExists(_)) => error,
            other => Error::Backup(BackupError::BackupFailed {
                folder: folder.to_owned(),
                detail: other.into(),
            }),
        }
    }

    /// 复制到本机: copies this school file (one on a network share) into
    /// `folder` on this computer and opens the copy, signed in as the same
    /// account. The copy is a checked one, made like a backup (SQLite's
    /// online backup API, under the file's own key, `integrity_check`),
    /// named as the file is (`学校(2).taoli` when that name is taken). The
    /// file itself is left as it was, with the copy recorded in its audit
    /// trail: close it and work on the copy.
    pub fn copy_to_this_computer(&mut self, folder: &Path) -> Result<SchoolFile> {
        let actor = self.require(Permission::Backup)?;
        fs::create_dir_all(folder).map_err(|e| self.copy_failed(folder, Error::io(folder)(e)))?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_owned())
            .unwrap_or_else(|| format!("学校.{}", super::FILE_EXTENSION).into());
        let target = crate::fsio::unused_path(&folder.join(name));
        self.checked_copy_to(&target)
            .map_err(|e| self.copy_failed(folder, e))?;
        let detail = serde_json::json!({
            "reason": "复制到本机",
            "path": target.display().to_string(),
            "computer": super::computer_name(),
        });
        self.write(|tx| {
            revisions::record(
                tx,
                &actor,
                Entity::Backup,
                &file_name(&target),
                None,
                Action::Create,
                None,
                Some(&detail),
            )
        })?;
        let mut copy = match &self.key {
            Some(key) => SchoolFile::open_with_key(&target, key)?,
            None => SchoolFile::open(&target)?,
        };
        copy.holder_signed_in(Some(actor.name()));
        copy.session = self.session.clone();
        copy.idle_limit = self.idle_limit;
        Ok(copy)
    }
}

/// The folder automatic backups of the school file at `path` go to.
pub(crate) fn backup_folder_of(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "学校".to_owned());
    path.with_file_name(format!("{stem}-备份"))
}

/// The audit entry of a backup made.
pub(crate) fn record_backup(tx: &Transaction<'_>, backup: &Backup, actor: &Actor) -> Result<()> {
    let detail = serde_json::json!({
        "reason": backup.reason.label(),
        "path": backup.path,
        "bytes": backup.bytes,
    });
    revisions::record(
        tx,
        actor,
        Entity::Backup,
        &backup.file_name,
        None,
        Action::Create,
        None,
        Some(&detail),
    )
}

/// Copies the backup at `backup` (read with `key`) to `staged`, under the
/// school file's own key `own` (or plaintext, when the file is): page by
/// page when the keys are the same, else exported under `own`.
fn stage_restore(
    backup: &Path,
    key: Option<&FileKey>,
    staged: &Path,
    own: Option<&FileKey>,
) -> Result<()> {
    let same_key = match (key, own) {
        (None, None) => true,
        (Some(a), Some(b)) => a.salt() == b.salt() && a.key().as_bytes() == b.key().as_bytes(),
        _ => false,
    };
    match own {
        Some(own) if !same_key => encrypted_copy(backup, key, staged, own),
        _ => {
            let source = connect(backup, Access::ReadOnly, key)?;
            copy_database(&source, staged, own)?
                .close()
                .map_err(|(_, e)| Error::Database(e))
        }
    }
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A backup's salt (see [`super::file_salt`]); a file that is not even
/// shaped like a school file is unusable.
pub(crate) fn backup_salt(path: &Path) -> Result<Option<[u8; FILE_SALT_LEN]>> {
    match super::check_header(path) {
        Err(Error::File(FileError::NotASchoolFile(_))) => Err(BackupError::BackupUnusable {
            path: path.to_owned(),
            detail: Particular::said("particular.not_a_school_file", vec![]),
        }
        .into()),
        other => other,
    }
}

/// Checks that `path` is a usable backup of the school `code`: a Taoli school
/// file, intact, not from a newer Taoli, read with `key` (the file's own, or
/// the one the clerk's password gave: `key_given`). Returns its schema version.
fn check_backup(path: &Path, code: &str, key: Option<&FileKey>, key_given: bool) -> Result<i64> {
    let unusable = |detail: Particular| {
        Error::Backup(BackupError::BackupUnusable {
            path: path.to_owned(),
            detail,
        })
    };
    if !path.is_file() {
        return Err(FileError::FileNotFound(path.to_owned()).into());
    }
    let conn = connect(path, Access::ReadOnly, key).map_err(|e| unusable(e.into()))?;
    if key.is_some() {
        probe(&conn).map_err(|e| {
            if !is_not_a_database(&e) {
                unusable(e.to_string().into())
            } else if key_given {
                Error::File(FileError::WrongFilePassword(path.to_owned()))
            } else {
                Error::Backup(BackupError::BackupKeyMismatch(path.to_owned()))
            }
        })?;
    }
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(|_| unusable(Particular::said("particular.not_a_school_file", vec![])))?;
    if application_id != APPLICATION_ID {
        return Err(unusable(Particular::said(
            "particular.not_a_school_file",
            vec![],
        )));
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| unusable(e.to_string().into()))?;
    if version > CURRENT_SCHEMA_VERSION {
        return Err(unusable(Particular::said(
            "particular.from_newer_taoli",
            vec![("version", version.to_string())],
        )));
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|e| unusable(e.to_string().into()))?;
    if integrity != "ok" {
        return Err(unusable(Particular::said(
            "particular.integrity_check_failed",
            vec![("detail", integrity)],
        )));
    }
    let found: String = conn
        .query_row("SELECT code FROM school WHERE id = 1", [], |r| r.get(0))
        .map_err(|_| unusable(Particular::said("particular.no_school_row", vec![])))?;
    if found != code {
        return Err(BackupError::BackupOfAnotherSchool {
            path: path.to_owned(),
            found,
            expected: code.to_owned(),
        }
        .into());
    }
    Ok(version)
}

/// `…-20261122-204700-导入前.taoli` → `20261122-204700`: the rightmost
/// `YYYYMMDD-HHMMSS` followed by a dash (the school's name may hold digits).
pub(crate) fn stamp_of(file_name: &str) -> Option<&str> {
    let base = file_name.strip_suffix(".taoli")?;
    let is_stamp = |s: &[u8]| match s.split_last() {
        Some((b'-', stamp)) => {
            stamp.len() == STAMP_LEN
                && stamp.iter().enumerate().all(|(k, b)| {
                    if k == 8 {
                        *b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
        }
        _ => false,
    };
    base.as_bytes()
        .windows(STAMP_LEN + 1)
        .rposition(is_stamp)
        .and_then(|i| base.get(i..i.saturating_add(STAMP_LEN)))
}

/// `YYYYMMDD-HHMMSS`.
const STAMP_LEN: usize = 15;

/// A backup file as listed: its reason and time read from its name.
fn describe(path: &Path) -> Option<Backup> {
    let name = file_name(path);
    let stamp = stamp_of(&name)?;
    let after = name.split_once(stamp)?.1.trim_start_matches('-');
    let label = after
        .trim_end_matches(".taoli")
        .split('-')
        .next()
        .unwrap_or_default();
    let reason = BackupReason::from_label(label)?;
    let made = chrono::NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    Some(Backup {
        path: path.display().to_string(),
        file_name: name.clone(),
        reason,
        made_at: made.format("%Y-%m-%d %H:%M:%S").to_string(),
        bytes: fs::metadata(path).ok()?.len(),
    })
}

/// The backups in `folder`, newest first (none when it does not exist).
pub(crate) fn list(folder: &Path) -> Result<Vec<Backup>> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(folder)(e)),
    };
    // Two backups of the same second are told apart by when they were written.
    let mut backups: Vec<(Backup, Option<std::time::SystemTime>)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let modified = e.metadata().ok().and_then(|m| m.modified().ok());
            describe(&e.path()).map(|b| (b, modified))
        })
        .collect();
    backups.sort_by(|(a, a_time), (b, b_time)| {
        (b.made_at.as_str(), b_time).cmp(&(a.made_at.as_str(), a_time))
    });
    let backups: Vec<Backup> = backups.into_iter().map(|(b, _)| b).collect();
    Ok(backups)
}

/// Keeps the newest [`KEEP_RECENT`] backups and the newest of every month.
fn prune(folder: &Path) -> Result<()> {
    let backups = list(folder)?;
    let mut months_kept: Vec<&str> = Vec::new();
    for (i, backup) in backups.iter().enumerate() {
        let month = backup.made_at.get(..7).unwrap_or(&backup.made_at);
        let newest_of_month = !months_kept.contains(&month);
        if newest_of_month {
            months_kept.push(month);
        }
        if i >= KEEP_RECENT && !newest_of_month {
            fs::remove_file(&backup.path).map_err(Error::io(Path::new(&backup.path)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_name_gives_its_time_and_reason() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir
            .path()
            .join("2151012345-桃李-镇-20261122-204700-导入前-2.taoli");
        fs::write(&path, b"x").unwrap_or_else(|e| panic!("{e}"));
        let backup = describe(&path).unwrap_or_else(|| panic!("not described"));
        assert_eq!(backup.reason, BackupReason::BeforeImport);
        assert_eq!(backup.made_at, "2026-11-22 20:47:00");
    }

    #[test]
    fn a_file_without_a_stamp_is_not_a_backup() {
        assert_eq!(stamp_of("桃李.taoli"), None);
        assert_eq!(stamp_of("桃李-2026-11-22.taoli"), None);
    }
}

//! Backups of the school file (备份) and restoring one (恢复), as the clerk
//! asks for them: who may, where automatic backups go, the daily backup,
//! the list the settings show. Making a checked copy, pruning the folder and
//! staging a restore into the open file are the store's
//! (`store/backups.rs`): they open, key and migrate the file itself.

use std::path::{Path, PathBuf};

use crate::account::Permission;
use crate::error::Result;
use crate::store::backups::{backup_folder_of, backup_salt, list, record_backup, stamp_of};
use crate::store::{Backup, BackupList, BackupReason, FileKey, KEEP_RECENT, SchoolFile};

/// Backups (备份) and restore (恢复): the clerk's doors to them.
///
/// A service of the school file, reached with [`SchoolFile::backups`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct Backups<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl Backups<'_> {
    /// The folder automatic backups go to: beside the school file, named after it.
    pub fn folder(&self) -> PathBuf {
        backup_folder_of(self.school.path())
    }

    /// Makes an automatic backup now, prunes the folder and records it.
    pub fn now(&mut self, reason: BackupReason) -> Result<Backup> {
        let actor = &self.school.require(Permission::Backup)?;
        let backup = self.school.automatic_backup(reason)?;
        self.school.write(|tx| record_backup(tx, &backup, actor))?;
        Ok(backup)
    }

    /// Backs the school up into a folder the clerk chose (a USB stick); never pruned.
    pub fn to_folder(&mut self, folder: &Path) -> Result<Backup> {
        let actor = &self.school.require(Permission::Backup)?;
        let backup = self.school.backup_into(folder, BackupReason::Manual)?;
        self.school.write(|tx| record_backup(tx, &backup, actor))?;
        Ok(backup)
    }

    /// The daily backup, when none was made today. Returns it, if made.
    /// It protects the school whoever signed in, so any account triggers it.
    pub fn daily_if_due(&mut self) -> Result<Option<Backup>> {
        let actor = self.school.require(Permission::TeachersView)?;
        let today = chrono::Local::now().format("%Y%m%d").to_string();
        let made_today = list(&self.folder())?
            .iter()
            .any(|b| stamp_of(&b.file_name).is_some_and(|s| s.starts_with(&today)));
        if made_today {
            return Ok(None);
        }
        let backup = self.school.automatic_backup(BackupReason::Daily)?;
        self.school.write(|tx| record_backup(tx, &backup, &actor))?;
        Ok(Some(backup))
    }

    /// The automatic backups, newest first.
    pub fn list(&self) -> Result<Vec<Backup>> {
        self.school.require(Permission::Backup)?;
        list(&self.folder())
    }

    /// The automatic backups with their folder.
    pub fn listing(&self) -> Result<BackupList> {
        Ok(BackupList {
            folder: self.folder().display().to_string(),
            backups: self.list()?,
            keep_recent: KEEP_RECENT,
        })
    }

    /// Replaces the school's data with a backup's, after checking the backup
    /// (a Taoli school file, intact, not from a newer Taoli, of this school).
    /// The file as it was is backed up first (恢复前), and the restore is
    /// recorded. Returns that safety backup.
    ///
    /// A backup of an encrypted file is read with the file's key. One made
    /// before the 系统管理员 password was changed does not open with it:
    /// [`BackupError::BackupKeyMismatch`]; restore it with
    /// [`Backups::restore_with_password`] and the password of that time.
    ///
    /// The accounts are the file's as they are now, not the backup's: a
    /// restore brings back the school's data, never an account disabled
    /// since or an old password (and a backup from before accounts existed
    /// leaves nobody locked out, and nobody able to claim the file).
    pub fn restore(&mut self, backup: &Path) -> Result<Backup> {
        let actor = self.school.require(Permission::Restore)?;
        self.school.restore_from(backup, None, &actor)
    }

    /// [`Backups::restore`] of an encrypted backup made under an earlier
    /// 系统管理员 password: `password` is the one it was made under. A wrong
    /// one is [`FileError::WrongFilePassword`], with the school file unchanged.
    /// The restored data is encrypted under the file's current key.
    pub fn restore_with_password(&mut self, backup: &Path, password: &str) -> Result<Backup> {
        let actor = &self.school.require(Permission::Restore)?;
        match backup_salt(backup)? {
            Some(salt) => {
                let key = FileKey::derive(password, salt)?;
                self.school.restore_from(backup, Some(&key), actor)
            }
            None => self.school.restore_from(backup, None, actor),
        }
    }
}

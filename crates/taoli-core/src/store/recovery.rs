//! The recovery code in the school file (恢复码): what the file keeps so that
//! its recovery file (`学校.taoli.恢复`, `recovery/sidecar.rs`) can be written
//! again without the code, keeping that file in step with every change of
//! the file key, recovering a file with the code, and changing the code.
//!
//! The school file keeps (inside the encryption, migration 0011):
//! `recovery_code`, the key derived from the code (`kek`) with its salt and
//! cost, and `file_key_history`, every key the file was under before.
//!
//! Order of a password change (`SchoolFile::rekey` calls [`SchoolFile::before_rekey`]):
//! 1. the current key joins `file_key_history` (a transaction under the current key);
//! 2. the recovery files are written with the NEW key and every older one
//!    (each all or nothing: temporary file, fsync, rename, fsync of the folder);
//! 3. only then is the file rewritten under the new key.
//!
//! A crash anywhere leaves a recovery file that holds the key the school
//! file is under: before 2 it holds the current key; after 2 it holds both.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;
use zeroize::Zeroizing;

use super::backups::file_name;
use super::{FileKey, SchoolFile, accounts, backups, check_header, revisions};
use crate::account::{Actor, Permission, Role};
use crate::error::{Error, Result, Worded};
use crate::error::{FileError, InternalError, RecoveryError};
use crate::recovery::sidecar::{Sidecar, WrappingKey};
use crate::recovery::{RecoveryCode, code_id, sidecar_in, sidecar_path};
use crate::revision::{Action, Entity};
use crate::secrets::{KdfParams, SALT_LEN, SecretKey, SecretStore, check_password_strength};
use crate::time::now;

/// The audit trail's entity id of the code's entries (生成恢复码, 更换恢复码).
const AUDIT_SUBJECT: &str = "恢复码";

/// Where the recovery code stands, as the app's 设置 and `taoli recovery
/// show-status` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecoveryStatus {
    /// Whether the school file is encrypted (a plaintext file needs no code).
    pub encrypted: bool,
    /// Whether the file has a recovery code.
    pub has_code: bool,
    /// The code's number, as its sheet prints it (not the code).
    pub code_id: Option<String>,
    pub created_at: Option<String>,
    pub created_by: Option<String>,
    /// The recovery file beside the school file.
    pub sidecar_path: String,
    pub sidecar_name: String,
    /// How many keys the recovery file holds: the current one and those of
    /// backups made under earlier 系统管理员 passwords.
    #[ts(type = "number")]
    pub keys: usize,
    /// Whether the recovery file was missing or out of date and was written
    /// again just now.
    pub repaired: bool,
}

/// A new code, to show once, print, and then keep ([`SchoolFile::set_recovery_code`]).
#[derive(Debug, Clone, Serialize, TS)]
pub struct RecoveryCodeShown {
    /// Groups joined by dashes: `7KQ4M-XR2ZP-…`.
    pub code: String,
    pub groups: Vec<String>,
    /// The code's number, as its sheet prints it.
    pub code_id: String,
    /// The recovery file's name, to keep with the backups.
    pub sidecar_name: String,
}

impl RecoveryCodeShown {
    fn of(code: &RecoveryCode, school: &Path) -> RecoveryCodeShown {
        RecoveryCodeShown {
            code: code.display().to_string(),
            groups: code.groups(),
            code_id: code_id(code),
            sidecar_name: file_name(&sidecar_path(school)),
        }
    }
}

/// What the school file keeps of its code.
struct Escrow {
    wrapping: WrappingKey,
    created_at: String,
    created_by: String,
}

fn escrow(conn: &Connection) -> Result<Option<Escrow>> {
    let row = conn
        .query_row(
            "SELECT code_id, kek, salt, m, t, p, created_at, created_by FROM recovery_code WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Zeroizing::new(r.get::<_, Vec<u8>>(1)?),
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, u32>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((code_id, kek, salt, m, t, p, created_at, created_by)) = row else {
        return Ok(None);
    };
    let salt: [u8; SALT_LEN] = salt.as_slice().try_into().map_err(|_| {
        Error::Internal(InternalError::SecretsFailed(
            "学校文件中的恢复码记录已损坏".to_owned(),
        ))
    })?;
    Ok(Some(Escrow {
        wrapping: WrappingKey {
            key: SecretKey::from_slice(&kek)?,
            salt,
            params: KdfParams {
                memory_kib: m,
                iterations: t,
                parallelism: p,
            },
            code_id,
        },
        created_at,
        created_by,
    }))
}

fn store_escrow(tx: &Transaction<'_>, wrapping: &WrappingKey, by: &Actor) -> Result<()> {
    tx.execute(
        "INSERT INTO recovery_code (id, code_id, kek, salt, m, t, p, created_at, created_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET code_id = ?1, kek = ?2, salt = ?3, m = ?4, t = ?5, p = ?6,
             created_at = ?7, created_by = ?8",
        rusqlite::params![
            wrapping.code_id,
            wrapping.key.as_bytes().as_slice(),
            wrapping.salt.as_slice(),
            wrapping.params.memory_kib,
            wrapping.params.iterations,
            wrapping.params.parallelism,
            now(),
            by.name(),
        ],
    )?;
    Ok(())
}

/// Makes `code` the file's recovery code, audited: 「生成恢复码」 for the
/// first, 「更换恢复码」 for one in place of another.
pub(crate) fn keep_code(tx: &Transaction<'_>, code: &RecoveryCode, by: &Actor) -> Result<()> {
    let wrapping = WrappingKey::new(code)?;
    let had = escrow(tx)?.is_some();
    let (action, what) = if had {
        (Action::Update, "recovery_code_changed")
    } else {
        (Action::Create, "recovery_code_created")
    };
    store_escrow(tx, &wrapping, by)?;
    revisions::record(
        tx,
        by,
        Entity::Account,
        AUDIT_SUBJECT,
        None,
        action,
        None,
        Some(&json!({ what: true, "code_id": wrapping.code_id })),
    )
}

/// The keys the file was under before, newest first.
fn history(conn: &Connection) -> Result<Vec<SecretKey>> {
    let mut stmt =
        conn.prepare("SELECT key FROM file_key_history ORDER BY retired_at DESC, rowid DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
    rows.map(|row| {
        let bytes = Zeroizing::new(row?);
        SecretKey::from_slice(&bytes)
    })
    .collect()
}

/// What a restore carries over from the file as it was (like its accounts):
/// the code, and the older keys.
pub(crate) struct SavedRecovery {
    code: Option<Vec<rusqlite::types::Value>>,
    history: Vec<(Zeroizing<Vec<u8>>, String)>,
}

pub(crate) fn saved_recovery(conn: &Connection) -> Result<SavedRecovery> {
    let code: Option<Vec<rusqlite::types::Value>> = conn
        .query_row(
            "SELECT id, code_id, kek, salt, m, t, p, created_at, created_by FROM recovery_code WHERE id = 1",
            [],
            |r| (0..9).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect(),
        )
        .optional()?;
    let mut stmt = conn.prepare("SELECT key, retired_at FROM file_key_history")?;
    let history: Vec<(Zeroizing<Vec<u8>>, String)> = stmt
        .query_map([], |r| {
            Ok((
                Zeroizing::new(r.get::<_, Vec<u8>>(0)?),
                r.get::<_, String>(1)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(SavedRecovery { code, history })
}

/// After a restore: the file keeps the code it had (not the backup's, which
/// may be an older one) and every older key either knew.
pub(crate) fn put_back_recovery(tx: &Transaction<'_>, saved: &SavedRecovery) -> Result<()> {
    tx.execute("DELETE FROM recovery_code", [])?;
    if let Some(code) = &saved.code {
        tx.execute(
            "INSERT INTO recovery_code (id, code_id, kek, salt, m, t, p, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params_from_iter(code.iter()),
        )?;
    }
    for (key, retired_at) in &saved.history {
        tx.execute(
            "INSERT OR IGNORE INTO file_key_history (key, retired_at) VALUES (?1, ?2)",
            (key.as_slice(), retired_at),
        )?;
    }
    Ok(())
}

/// The recovery code (恢复码) of an open school file (系统管理员): where it
/// stands, a new one, keeping it. Reached with [`SchoolFile::recovery_codes`];
/// opening or recovering a file with a code are the handle's own
/// (`open_with_recovery_code`, `recover_with_code`).
#[derive(Debug)]
pub struct RecoveryCodes<'a> {
    school: &'a mut SchoolFile,
}

impl SchoolFile {
    /// [`RecoveryCodes`]: the file's recovery code (恢复码).
    pub fn recovery_codes(&mut self) -> RecoveryCodes<'_> {
        RecoveryCodes { school: self }
    }
}

impl RecoveryCodes<'_> {
    /// Whether a 系统管理员 is signed in to an encrypted file that has no
    /// recovery code yet (one made before recovery codes existed, or whose
    /// code was never kept): the app then shows a new code once.
    pub fn missing(&self) -> Result<bool> {
        let admin = self
            .school
            .session()
            .is_some_and(|s| s.role == Role::SystemAdmin);
        Ok(admin && self.school.key.is_some() && escrow(&self.school.conn)?.is_none())
    }

    /// Where the recovery code stands (系统管理员). A recovery file beside the
    /// school file that is missing or out of date (another code, or not
    /// every key) is written again from the file (`repaired`).
    pub fn status(&mut self) -> Result<RecoveryStatus> {
        self.school.require(Permission::UsersManage)?;
        let beside = sidecar_path(&self.school.path);
        let escrow = escrow(&self.school.conn)?;
        let mut repaired = false;
        let mut keys = 0;
        if let Some(escrow) = &escrow
            && self.school.key.is_some()
        {
            let expected = self.school.file_keys(None)?.len();
            let current = Sidecar::read(&beside).is_ok_and(|s| {
                s.code_id == escrow.wrapping.code_id
                    && s.keys.len() == expected
                    && self
                        .school
                        .key
                        .as_ref()
                        .is_some_and(|k| k.salt() == &s.file_salt)
            });
            if !current {
                self.school.write_sidecars(None)?;
                repaired = true;
            }
            keys = expected;
        }
        Ok(RecoveryStatus {
            encrypted: self.school.key.is_some(),
            has_code: escrow.is_some(),
            code_id: escrow.as_ref().map(|e| e.wrapping.code_id.clone()),
            created_at: escrow.as_ref().map(|e| e.created_at.clone()),
            created_by: escrow.as_ref().map(|e| e.created_by.clone()),
            sidecar_path: beside.display().to_string(),
            sidecar_name: file_name(&beside),
            keys,
            repaired,
        })
    }

    /// A new recovery code, to show once (系统管理员). Nothing is kept until
    /// [`RecoveryCodes::set`]: the app keeps it only after the
    /// 系统管理员 says it is written down or printed, so a code nobody saw
    /// never locks anything.
    pub fn new_code(&self) -> Result<(RecoveryCode, RecoveryCodeShown)> {
        self.school.require(Permission::UsersManage)?;
        if self.school.key.is_none() {
            return Err(FileError::NotEncrypted(self.school.path.clone()).into());
        }
        let code = RecoveryCode::generate()?;
        let shown = RecoveryCodeShown::of(&code, &self.school.path);
        Ok((code, shown))
    }

    /// How `code` is shown for this file (its groups, number and the
    /// recovery file's name).
    pub fn shown(&self, code: &RecoveryCode) -> RecoveryCodeShown {
        RecoveryCodeShown::of(code, &self.school.path)
    }

    /// Makes `code` the file's recovery code (系统管理员): the first one
    /// (audited 「生成恢复码」) or a new one in place of the old (「更换恢复码」),
    /// which then no longer opens the file. The recovery files beside the
    /// school file and in its backup folder are written under it, with the
    /// current key and every older key, so the new code opens older backups
    /// too. Recovery files copied elsewhere (a USB stick) keep the old code.
    pub fn set(&mut self, code: &RecoveryCode) -> Result<RecoveryStatus> {
        let actor = self.school.require(Permission::UsersManage)?;
        if self.school.key.is_none() {
            return Err(FileError::NotEncrypted(self.school.path.clone()).into());
        }
        if escrow(&self.school.conn)?.is_some_and(|e| e.wrapping.code_id == code_id(code)) {
            // The same code again: nothing to change.
            return self.status();
        }
        // The file first: a crash before the recovery files are written
        // leaves them under the old code, which still opens the file, and
        // `status` writes them again.
        self.school.write(|tx| keep_code(tx, code, &actor))?;
        self.school.write_sidecars(None)?;
        self.status()
    }

    /// Whether `code` is the file's recovery code now (系统管理员): to print
    /// its sheet again from what was written down, after checking it.
    pub fn is_current(&self, code: &RecoveryCode) -> Result<bool> {
        self.school.require(Permission::UsersManage)?;
        Ok(escrow(&self.school.conn)?.is_some_and(|e| e.wrapping.code_id == code_id(code)))
    }
}

impl SchoolFile {
    /// Opens the encrypted school file at `path` (or a backup of it) with
    /// its recovery code, nobody signed in; see
    /// [`SchoolFile::recover_with_code`] for where the recovery file is
    /// looked for. A backup made under an older 系统管理员 password opens
    /// too: the recovery file holds every key the school file was under
    /// since it had a code. Nothing is written.
    pub fn open_with_recovery_code(
        path: &Path,
        code: &str,
        sidecar: Option<&Path>,
    ) -> Result<SchoolFile> {
        let code = RecoveryCode::parse(code)?;
        open_with_code(path, &code, sidecar).map(|(file, _)| file)
    }

    /// The active 系统管理员 accounts of the encrypted school file at `path`,
    /// which the recovery code opens (with the recovery file `sidecar`, or
    /// the one beside it or in its backup folder): whose password a recovery
    /// may set. Nothing is written.
    pub fn recovery_accounts(
        path: &Path,
        code: &str,
        sidecar: Option<&Path>,
    ) -> Result<Vec<String>> {
        let code = RecoveryCode::parse(code)?;
        let (file, _) = open_with_code(path, &code, sidecar)?;
        let names = active_admins(&file.conn)?;
        file.close()?;
        Ok(names)
    }

    /// Opens the encrypted school file at `path` with its recovery code and
    /// gives a 系统管理员 a new password: `account` (it may be left out when
    /// there is one active 系统管理员). The file is rewritten under the key of
    /// the new password, the account's lock is lifted, the recovery is
    /// audited (「用恢复码重设密码」), the new key is kept in `store` (the
    /// keychain), and the file is returned signed in as that 系统管理员.
    ///
    /// The recovery file is `sidecar` when given, else the one beside the
    /// school file, else the one in its backup folder, else any other in the
    /// file's folder (a backup opened where it lies). A mistyped code is
    /// [`RecoveryError::RecoveryCodeMalformed`] before anything is read; a code that
    /// is not this file's is [`RecoveryError::WrongRecoveryCode`]; either way nothing
    /// is changed. The code used stays the file's code.
    ///
    /// A signing key for reporting kept in the school file under the old
    /// password (docs/batches.md) cannot follow: the old password is not known.
    pub fn recover_with_code(
        path: &Path,
        code: &str,
        sidecar: Option<&Path>,
        account: Option<&str>,
        new_password: &str,
        store: &dyn SecretStore,
    ) -> Result<SchoolFile> {
        let code = RecoveryCode::parse(code)?;
        check_password_strength(new_password)?;
        let (mut file, wrapping) = open_with_code(path, &code, sidecar)?;
        let admins = active_admins(&file.conn)?;
        let name = match account.map(crate::text::normalize_person_name) {
            Some(name) if admins.contains(&name) => name,
            Some(name) => {
                return Err(RecoveryError::RecoveryAccountUnknown {
                    name,
                    names: Worded::list(|_| admins.iter().cloned()),
                }
                .into());
            }
            None => match admins.as_slice() {
                [only] => only.clone(),
                [] => {
                    return Err(RecoveryError::RecoveryNoAdmin(path.to_owned()).into());
                }
                _ => {
                    return Err(RecoveryError::RecoveryAccountNeeded {
                        names: Worded::list(|_| admins.iter().cloned()),
                    }
                    .into());
                }
            },
        };
        let actor = Actor::new(name.clone(), Role::SystemAdmin);
        file.session = Some(accounts::SignedIn::new(actor.clone()));
        if escrow(&file.conn)?.map(|e| e.wrapping.code_id) != Some(wrapping.code_id.clone()) {
            // Opened through a recovery file of a code the file no longer (or
            // never) kept: the code in the person's hands stays the one.
            file.write(|tx| store_escrow(tx, &wrapping, &actor))?;
        }
        let hash = crate::secrets::hash_password(new_password)?;
        // The new key and the new password in one step (store/cipher.rs,
        // `rewrite_under`).
        file.write_with_admin_password(new_password, |tx| {
            let at = now();
            tx.execute(
                "UPDATE account SET password_hash = ?2, failed_attempts = 0, locked_until = NULL,
                     last_sign_in_at = ?3, updated_at = ?3 WHERE name = ?1",
                (&name, &hash, &at),
            )?;
            revisions::record(
                tx,
                &actor,
                Entity::Account,
                &name,
                None,
                Action::Update,
                None,
                Some(&json!({ "password_reset_with_recovery_code": true })),
            )
        })?;
        // The recovery files follow the key (the rekey wrote them already,
        // when the password changed it).
        file.write_sidecars(None)?;
        let _ = file.remember_key(store);
        Ok(file)
    }

    /// Before the file is rewritten under `new` (a 系统管理员 password
    /// change): the current key joins the older keys, and the recovery files
    /// are written with `new` and every older key (see the module's doc).
    pub(crate) fn before_rekey(&mut self, new: &FileKey) -> Result<()> {
        let Some(current) = &self.key else {
            return Ok(());
        };
        let retired = Zeroizing::new(current.key().as_bytes().to_vec());
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO file_key_history (key, retired_at) VALUES (?1, ?2)",
                (retired.as_slice(), now()),
            )?;
            Ok(())
        })?;
        self.write_sidecars(Some(new.key()))
    }

    /// Writes the recovery file into `folder` (a backup folder), when the
    /// file has a code.
    pub(crate) fn write_sidecar_into(&self, folder: &Path) -> Result<()> {
        match self.sealed_sidecar(None)? {
            Some(sidecar) => sidecar.write(&sidecar_in(folder, &self.path)),
            None => Ok(()),
        }
    }

    /// Writes the recovery files (beside the school file, and in its backup
    /// folder when there is one) with `extra` first, when the file has a code.
    pub(crate) fn write_sidecars(&self, extra: Option<&SecretKey>) -> Result<()> {
        let Some(sidecar) = self.sealed_sidecar(extra)? else {
            return Ok(());
        };
        sidecar.write(&sidecar_path(&self.path))?;
        let folder = backups::backup_folder_of(&self.path);
        if folder.is_dir() {
            sidecar.write(&sidecar_in(&folder, &self.path))?;
        }
        Ok(())
    }

    /// The recovery file's content now: `extra`, the current key and the
    /// older ones, sealed under the code's key. None without a code.
    fn sealed_sidecar(&self, extra: Option<&SecretKey>) -> Result<Option<Sidecar>> {
        let (Some(escrow), Some(current)) = (escrow(&self.conn)?, &self.key) else {
            return Ok(None);
        };
        let keys = self.file_keys(extra)?;
        let refs: Vec<&SecretKey> = keys.iter().collect();
        Sidecar::seal(&escrow.wrapping, *current.salt(), &refs).map(Some)
    }

    /// `extra`, the current key and the older keys, newest first, each once.
    fn file_keys(&self, extra: Option<&SecretKey>) -> Result<Vec<SecretKey>> {
        let mut keys: Vec<SecretKey> = Vec::new();
        let mut push = |key: &SecretKey| -> Result<()> {
            if !keys.iter().any(|k| k.as_bytes() == key.as_bytes()) {
                keys.push(SecretKey::from_slice(key.as_bytes())?);
            }
            Ok(())
        };
        if let Some(extra) = extra {
            push(extra)?;
        }
        if let Some(current) = &self.key {
            push(current.key())?;
        }
        for old in history(&self.conn)? {
            push(&old)?;
        }
        Ok(keys)
    }
}

/// The active 系统管理员 accounts, by name.
fn active_admins(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM account WHERE role = 'system_admin' AND disabled_at IS NULL ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Opens the school file at `path` with a key the code unseals from its
/// recovery file: `sidecar` when given, else the one beside the file, else
/// the one in its backup folder. Returns the file (nobody signed in) and the
/// code's wrapping key. Nothing is written before a key opens the file.
fn open_with_code(
    path: &Path,
    code: &RecoveryCode,
    sidecar: Option<&Path>,
) -> Result<(SchoolFile, WrappingKey)> {
    let Some(salt) = check_header(path)? else {
        return Err(RecoveryError::RecoveryNotNeeded(path.to_owned()).into());
    };
    let candidates: Vec<PathBuf> = match sidecar {
        Some(given) => vec![given.to_owned()],
        None => {
            let mut found: Vec<PathBuf> = vec![
                sidecar_path(path),
                sidecar_in(&backups::backup_folder_of(path), path),
            ];
            // A backup opened where it lies: the recovery file in its folder
            // is named after the school file, not the backup.
            found.extend(sidecars_in(path.parent().unwrap_or(Path::new(""))));
            let mut unique: Vec<PathBuf> = Vec::new();
            for p in found {
                if p.is_file() && !unique.contains(&p) {
                    unique.push(p);
                }
            }
            unique
        }
    };
    if candidates.is_empty() {
        return Err(RecoveryError::RecoverySidecarMissing {
            path: path.to_owned(),
            name: file_name(&sidecar_path(path)),
        }
        .into());
    }
    let wanted = code_id(code);
    let mut first_error = None;
    for candidate in candidates {
        match unseal(path, &candidate, salt, code, &wanted) {
            Ok(opened) => return Ok(opened),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error
        .unwrap_or_else(|| Error::Recovery(RecoveryError::WrongRecoveryCode(path.to_owned()))))
}

fn unseal(
    path: &Path,
    candidate: &Path,
    salt: [u8; SALT_LEN],
    code: &RecoveryCode,
    wanted: &str,
) -> Result<(SchoolFile, WrappingKey)> {
    let sidecar = Sidecar::read(candidate)?;
    if sidecar.file_salt != salt {
        return Err(Error::Recovery(
            RecoveryError::RecoverySidecarOfAnotherFile {
                sidecar: candidate.to_owned(),
                path: path.to_owned(),
            },
        ));
    }
    if sidecar.code_id != wanted {
        return Err(RecoveryError::WrongRecoveryCode(path.to_owned()).into());
    }
    let wrapping = WrappingKey::derive(code, sidecar.code_salt, sidecar.params)?;
    let Some(keys) = sidecar.open(&wrapping)? else {
        return Err(RecoveryError::WrongRecoveryCode(path.to_owned()).into());
    };
    for key in keys {
        let key = FileKey::from_parts(key, salt);
        match SchoolFile::open_checked(path, Some(&key)) {
            Ok(file) => return Ok((file, wrapping)),
            Err(Error::File(FileError::WrongFilePassword(_))) => {}
            Err(other) => return Err(other),
        }
    }
    Err(RecoveryError::RecoveryKeysDoNotOpen {
        sidecar: candidate.to_owned(),
        path: path.to_owned(),
    }
    .into())
}

/// The recovery files in `folder`, by name.
fn sidecars_in(folder: &Path) -> Vec<PathBuf> {
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| file_name(p).ends_with(crate::recovery::SIDECAR_SUFFIX))
        .collect();
    found.sort();
    found
}

//! Encryption at rest (加密): the school file as a SQLCipher database.
//!
//! A SQLCipher file is ciphertext from its first byte to its last, except its
//! first 16 bytes: the salt. There is no plaintext place in it for a wrapped
//! key, so the file key is not wrapped but derived:
//!
//! ```text
//! file key = Argon2id(NFKC(系统管理员 password), file salt)   (FILE_KEY_PARAMS)
//! ```
//!
//! and given to SQLCipher as a raw key with that salt
//! (`PRAGMA key = "x'<64 hex key><32 hex salt>'"`), so SQLCipher runs no key
//! derivation of its own, and every copy (backups, the copy made before a
//! migration) carries the same salt and opens with the same key. The key is
//! cached in the computer's keychain under [`file_key_account`]`(salt)`, so
//! the file opens on its own PC without the password; on another PC the
//! password and the salt derive it again. A password change derives a new key
//! with the same salt and rewrites the file under it (`PRAGMA rekey`).
//!
//! See `docs/encryption.md`. The key never appears in an error message, a log
//! or `Debug` output.

use std::fmt;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use zeroize::Zeroizing;

use super::{
    APPLICATION_ID, Access, SchoolFile, check_integrity, connect, remove_if_exists, sibling,
};
use crate::error::{Error, Particular, Result};
use crate::error::{FileError, InternalError};
use crate::secrets::{KEY_LEN, KdfParams, SALT_LEN, SecretKey, SecretStore, derive_key};

/// Length of a school file's salt: its first 16 bytes.
pub const FILE_SALT_LEN: usize = SALT_LEN;

/// The Argon2id parameters every file key is derived with. A SQLCipher file
/// has no place to record them, so they are fixed for good (a change would
/// need a new, recorded scheme); they are OWASP's first recommendation, the
/// same as [`KdfParams::RECOMMENDED`] today, written out so that a later
/// change of that default cannot lock a file.
pub const FILE_KEY_PARAMS: KdfParams = KdfParams {
    memory_kib: 19 * 1024,
    iterations: 2,
    parallelism: 1,
};

/// The key a school file is encrypted under, with the file's salt.
///
/// The key is a [`SecretKey`] (wiped when dropped); `Debug` shows the salt,
/// never the key. There is no `Clone`: every copy is one more to wipe.
pub struct FileKey {
    key: SecretKey,
    salt: [u8; FILE_SALT_LEN],
}

impl FileKey {
    /// The key of the file with `salt`, from the 系统管理员 password (as typed:
    /// it is normalized to NFKC first). Slow on purpose (Argon2id, some tens of
    /// milliseconds). The password is not checked for strength here; check a
    /// new password with `secrets::check_password_strength` before deriving
    /// the key that will protect a file with it.
    pub fn derive(password: &str, salt: [u8; FILE_SALT_LEN]) -> Result<FileKey> {
        Ok(FileKey {
            key: derive_key(password, &salt, FILE_KEY_PARAMS)?,
            salt,
        })
    }

    /// A new random salt, for a file about to be encrypted.
    pub fn new_salt() -> Result<[u8; FILE_SALT_LEN]> {
        let mut salt = [0u8; FILE_SALT_LEN];
        crate::secrets::random_bytes(&mut salt)?;
        Ok(salt)
    }

    /// A file key from its parts (e.g. as read back from the keychain).
    pub fn from_parts(key: SecretKey, salt: [u8; FILE_SALT_LEN]) -> FileKey {
        FileKey { key, salt }
    }

    /// The key itself.
    pub fn key(&self) -> &SecretKey {
        &self.key
    }

    /// The salt: the first 16 bytes of every file encrypted under this key.
    pub fn salt(&self) -> &[u8; FILE_SALT_LEN] {
        &self.salt
    }

    /// A second copy, for a school file to keep its own.
    pub(crate) fn duplicate(&self) -> Result<FileKey> {
        Ok(FileKey {
            key: SecretKey::from_slice(self.key.as_bytes())?,
            salt: self.salt,
        })
    }

    /// SQLCipher's raw key with explicit salt: `x'<64 hex key><32 hex salt>'`.
    /// Wiped when dropped; never logged or put in a message.
    fn raw_key_text(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(3 + 2 * (KEY_LEN + FILE_SALT_LEN)));
        text.push_str("x'");
        for byte in self.key.as_bytes().iter().chain(self.salt.iter()) {
            let _ = write!(text, "{byte:02x}");
        }
        text.push('\'');
        text
    }
}

impl fmt::Debug for FileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileKey")
            .field("salt", &hex::encode(self.salt))
            .field("key", &self.key)
            .finish()
    }
}

/// The keychain account a file key is cached under: `file-key-<32 hex salt>`.
/// Named by the salt, so every copy of a file (its backups too) finds it.
pub fn file_key_account(salt: &[u8; FILE_SALT_LEN]) -> String {
    format!("file-key-{}", hex::encode(salt))
}

/// Keeps `key` in `store` (the keychain), replacing an earlier key of the
/// same salt (as after a password change).
pub fn remember_file_key(store: &dyn SecretStore, key: &FileKey) -> Result<()> {
    store.set(&file_key_account(&key.salt), key.key.as_bytes())
}

/// The key kept in `store` for the file with `salt`, if any. An entry that is
/// not a key (the wrong length) counts as none: the password is then asked
/// for, and replaces it.
pub fn recall_file_key(
    store: &dyn SecretStore,
    salt: &[u8; FILE_SALT_LEN],
) -> Result<Option<FileKey>> {
    let Some(bytes) = store.get(&file_key_account(salt))? else {
        return Ok(None);
    };
    Ok(SecretKey::from_slice(&bytes)
        .ok()
        .map(|key| FileKey::from_parts(key, *salt)))
}

/// The salt of the school file at `path`: `None` for a plaintext SQLite file
/// (one that starts `SQLite format 3\0`), its first 16 bytes for an encrypted
/// one. A file that is neither (too short, or not a whole number of 1 KiB
/// pages) is [`FileError::NotASchoolFile`]; nothing is written.
pub fn file_salt(path: &Path) -> Result<Option<[u8; FILE_SALT_LEN]>> {
    super::check_header(path)
}

/// Gives `conn` its key: the first statement on a new connection, before any
/// read. The statement's text holds the key, so a failure here is reported by
/// its SQLite code only.
pub(crate) fn apply_key(conn: &Connection, key: &FileKey) -> Result<()> {
    set_key(conn, "key", key)
}

/// A plain SQLite connection to a school file with its key given (none for a
/// plaintext file), outside every check of [`super::SchoolFile`]: for tools
/// and tests that look inside the file, or tamper with it as an attacker
/// with the key would.
pub fn raw_connection(path: &Path, key: Option<&FileKey>) -> Result<Connection> {
    let conn = Connection::open(path)?;
    if let Some(key) = key {
        apply_key(&conn, key)?;
        quiet(&conn)?;
    }
    Ok(conn)
}

/// Silences SQLCipher's own log. Once it first keys a database, SQLCipher
/// writes warnings and errors to standard error ("hmac check failed for
/// pgno=1" for every wrong password), in English, beside the clerk's Chinese
/// message; Taoli reports every failure itself. The level is global, and a
/// later first activation would raise it again, so every connection sets it
/// after its key.
pub(crate) fn quiet(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    Ok(())
}

fn set_key(conn: &Connection, pragma: &str, key: &FileKey) -> Result<()> {
    let mut sql = Zeroizing::new(format!("PRAGMA {pragma} = \""));
    sql.push_str(&key.raw_key_text());
    sql.push('"');
    conn.execute_batch(&sql).map_err(without_text)
}

/// A SQLite error as a message that cannot hold the key: only its code.
fn without_text(error: rusqlite::Error) -> Error {
    let code = error
        .sqlite_error()
        .map(|e| e.extended_code.to_string())
        .unwrap_or_else(|| "未知".to_owned());
    Error::Internal(InternalError::SecretsFailed(format!(
        "无法为学校文件设置密钥（SQLite 错误码 {code}）"
    )))
}

/// Copies the database at `source` (encrypted under `source_key`, or
/// plaintext) into the new database that `target` is connected to (keyed as
/// it should be), with `sqlcipher_export`: the way between plaintext and
/// encrypted, and between two keys. Copies the schema version and
/// application id too, which the export leaves out.
pub(crate) fn export_into(
    target: &Connection,
    source: &Path,
    source_key: Option<&FileKey>,
) -> Result<()> {
    let name = source.to_str().ok_or_else(|| {
        Error::Internal(InternalError::SecretsFailed(format!(
            "文件路径 {} 含有无法处理的字符，请把文件移到名称只含常用文字的文件夹",
            source.display()
        )))
    })?;
    // An empty key attaches a plaintext database; without KEY it would take
    // the target's key.
    let key_text = source_key
        .map(FileKey::raw_key_text)
        .unwrap_or_else(|| Zeroizing::new(String::new()));
    // The key is a bound value: SQLite's messages show the statement's text,
    // never its values.
    target.execute(
        "ATTACH DATABASE ?1 AS source KEY ?2",
        (name, key_text.as_str()),
    )?;
    let copy = || -> Result<()> {
        target.query_row("SELECT sqlcipher_export('main', 'source')", [], |_| Ok(()))?;
        for pragma in ["user_version", "application_id"] {
            let value: i64 = target.pragma_query_value(Some("source"), pragma, |r| r.get(0))?;
            target.pragma_update(None, pragma, value)?;
        }
        Ok(())
    };
    let copied = copy();
    let detached = target.execute_batch("DETACH DATABASE source");
    copied?;
    detached?;
    Ok(())
}

/// Whether `error` is SQLite's "file is not a database": for an encrypted
/// file, the sign of a wrong key (or a damaged first page).
pub(crate) fn is_not_a_database(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase)
}

/// Whether `error` says another connection holds the file.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Reads the first page: fails with "not a database" when the key is wrong.
pub(crate) fn probe(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
}

/// What [`SchoolFile::encrypt`] did with the earlier copies of the file that
/// lie beside it (the automatic backups, the copies made before migrations).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncryptedCopies {
    /// Copies now encrypted under the file's key.
    pub encrypted: Vec<PathBuf>,
    /// Copies that could not be read as school files and were left as they
    /// were (damaged, or not Taoli's): they may still hold plaintext.
    pub left_plaintext: Vec<PathBuf>,
}

/// Which of the two rewrites of the whole file is under way: what a failure
/// is reported as, and where the new file is built.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rewrite {
    /// A plaintext file encrypted ([`FileError::EncryptFailed`]).
    Encrypt,
    /// An encrypted file given another key ([`FileError::RekeyFailed`]).
    Rekey,
}

impl Rewrite {
    /// The new file's name beside the school file.
    fn suffix(self) -> &'static str {
        match self {
            Rewrite::Encrypt => "encrypting",
            Rewrite::Rekey => "rekeying",
        }
    }

    fn failed(self, path: &Path, detail: Particular) -> Error {
        let path = path.to_owned();
        match self {
            Rewrite::Encrypt => Error::File(FileError::EncryptFailed { path, detail }),
            Rewrite::Rekey => Error::File(FileError::RekeyFailed { path, detail }),
        }
    }
}

impl SchoolFile {
    /// Encrypts this plaintext school file under `key`, in place.
    ///
    /// An encrypted copy is exported beside the file (`sqlcipher_export`,
    /// with the schema version and application id), checked, and renamed
    /// over the original; the connection is reopened with the key. All or
    /// nothing: a failure leaves the plaintext file as it was
    /// ([`FileError::EncryptFailed`]). Then the automatic backups and the copies
    /// made before migrations are encrypted the same way, each on its own;
    /// backups the clerk made to a folder of their choice (a USB stick) are
    /// out of reach and stay plaintext.
    ///
    /// No other connection may have the file open (another Taoli window or
    /// command): that is refused before anything is done. Should reopening
    /// fail after the rename (the new file was checked just before), the file
    /// is encrypted and this value unusable: open the file again with the key.
    ///
    /// Keep the key in the keychain afterwards ([`SchoolFile::remember_key`]).
    pub fn encrypt(&mut self, key: FileKey) -> Result<EncryptedCopies> {
        self.require(crate::account::Permission::UsersManage)?;
        self.encrypt_with(key, |_| Ok(()))
            .map(|((), copies)| copies)
    }

    /// [`SchoolFile::encrypt`] with `change` written into the encrypted file
    /// before it replaces the plaintext one: both happen, or neither (the
    /// first 系统管理员 of a plaintext file and its encryption). The caller
    /// checked the permission.
    pub(crate) fn encrypt_with<T>(
        &mut self,
        key: FileKey,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<(T, EncryptedCopies)> {
        if self.key.is_some() {
            return Err(FileError::AlreadyEncrypted(self.path.clone()).into());
        }
        let value = self.rewrite_under(Rewrite::Encrypt, key, change)?;
        let copies = self.key.as_ref().map(|key| self.encrypt_copies(key));
        Ok((value, copies.unwrap_or_default()))
    }

    /// Encrypts the plaintext copies beside the file, each in place.
    fn encrypt_copies(&self, key: &FileKey) -> EncryptedCopies {
        // Every automatic backup, whoever encrypts (the listing, not the
        // clerk's permission-checked `backups`).
        let mut copies: Vec<PathBuf> =
            super::backups::list(&super::backups::backup_folder_of(&self.path))
                .unwrap_or_default()
                .into_iter()
                .map(|b| PathBuf::from(b.path))
                .collect();
        copies.extend(migration_copies(&self.path));
        let mut outcome = EncryptedCopies::default();
        for copy in copies {
            match file_salt(&copy) {
                Ok(Some(_)) => {} // already encrypted
                Ok(None) => {
                    let target = with_suffix(&copy, ".encrypting");
                    let done = encrypted_copy(&copy, None, &target, key).and_then(|()| {
                        crate::fsio::rename_durably(&target, &copy).map_err(Error::io(&copy))
                    });
                    match done {
                        Ok(()) => outcome.encrypted.push(copy),
                        Err(_) => {
                            let _ = fs::remove_file(&target);
                            outcome.left_plaintext.push(copy);
                        }
                    }
                }
                Err(_) => outcome.left_plaintext.push(copy),
            }
        }
        outcome
    }

    /// Rewrites the encrypted file under `new`: the key of the new 系统管理员
    /// password, derived with the file's own salt
    /// (`FileKey::derive(new password, *old.salt())`); a key with another salt
    /// is refused. Backups made before keep the old key (restore them with
    /// the old password).
    ///
    /// Keep the new key in the keychain afterwards ([`SchoolFile::remember_key`]).
    pub fn rekey(&mut self, new: FileKey) -> Result<()> {
        self.require(crate::account::Permission::UsersManage)?;
        self.rekey_with(new, |_| Ok(()))
    }

    /// [`SchoolFile::rekey`] with `change` (the account whose password the
    /// new key follows) written into the file under the new key before it
    /// replaces the old one: the key and the password change together, or
    /// neither does (docs/encryption.md, "One step"). The caller checked
    /// the permission.
    pub(crate) fn rekey_with<T>(
        &mut self,
        new: FileKey,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        match &self.key {
            None => return Err(FileError::NotEncrypted(self.path.clone()).into()),
            Some(current) if new.salt != current.salt => {
                return Err(InternalError::SecretsFailed(
                    "新密钥的盐与学校文件的不同：新密钥应由新密码和学校文件原有的盐派生".to_owned(),
                )
                .into());
            }
            Some(_) => {}
        }
        // The recovery files hold the new key (beside the current one)
        // before the file is under it (store/recovery.rs): a crash at any
        // point leaves the recovery code able to open the file.
        self.before_rekey(&new)?;
        self.rewrite_under(Rewrite::Rekey, new, change)
    }

    /// Writes the whole file anew under `key`, with `change` made in it, and
    /// puts it in place of the file in one rename: the one way the file's
    /// key changes (encrypting a plaintext file, a new key), so that a
    /// crash or a power cut at any moment leaves either the file as it was,
    /// under its old key (or none) with nothing of `change`, or the new file
    /// under `key` with all of it.
    ///
    /// 1. The write-ahead log is checkpointed into the file and the journal
    ///    mode set to DELETE: this needs the only connection to the file, so
    ///    another Taoli window or command that has it open is refused here,
    ///    before anything is written.
    /// 2. A new file beside it (`NAME.taoli.rekeying`, `.encrypting`), keyed
    ///    with `key`, receives everything (`sqlcipher_export`, with the schema
    ///    version and application id); `change` runs in one transaction on
    ///    it; it must pass `integrity_check`; closed, its pages are on disk.
    /// 3. This connection closes and the new file is renamed over the old
    ///    one (the commit point); any `-wal`/`-shm` left is removed, and the
    ///    connection is reopened under `key`.
    ///
    /// A failure before the rename leaves the file as it was, back in WAL
    /// mode, and removes the new file.
    fn rewrite_under<T>(
        &mut self,
        rewrite: Rewrite,
        key: FileKey,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        let target = sibling(&path, rewrite.suffix());
        // Left by a rewrite that was cut short: never the school file.
        remove_if_exists(&target)?;
        let source_key = self.key.as_ref().map(FileKey::duplicate).transpose()?;
        let made = (|| -> std::result::Result<T, Particular> {
            // Everything in the write-ahead log into the file, which is what
            // the export reads. Leaving WAL mode needs the only connection to
            // the file: another Taoli writing to it now would write into the
            // file about to be replaced.
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(|e| Particular::Text(e.to_string()))?;
            let in_use = || Particular::said("particular.school_file_busy", vec![]);
            let mode: String = self
                .conn
                .pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0))
                .map_err(|e| {
                    if is_busy(&e) {
                        in_use()
                    } else {
                        Particular::Text(e.to_string())
                    }
                })?;
            if !mode.eq_ignore_ascii_case("delete") {
                return Err(in_use());
            }
            // On a network share, the export's connection must get to read it.
            self.release_sqlite_lock().map_err(Particular::from)?;
            rewritten_copy(&path, source_key.as_ref(), &target, &key, change)
                .map_err(Particular::from)
        })();
        let value = match made {
            Ok(value) => value,
            Err(detail) => {
                let _ = fs::remove_file(&target);
                let _ = self.conn.pragma_update_and_check(
                    None,
                    "journal_mode",
                    self.journal_mode(),
                    |_| Ok(()),
                );
                let _ = self.retake_sqlite_lock();
                return Err(rewrite.failed(&path, detail));
            }
        };

        // The old connection closes before its file is replaced (which
        // Windows requires).
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        if let Err((conn, error)) = old.close() {
            self.conn = conn;
            let _ = self.conn.pragma_update_and_check(
                None,
                "journal_mode",
                self.journal_mode(),
                |_| Ok(()),
            );
            let _ = self.retake_sqlite_lock();
            let _ = fs::remove_file(&target);
            return Err(rewrite.failed(&path, Particular::Text(error.to_string())));
        }
        // The commit point; the folder is synced so the rename survives a
        // power cut.
        if let Err(error) = crate::fsio::rename_durably(&target, &path) {
            let _ = fs::remove_file(&target);
            self.conn = SchoolFile::open_checked(&path, source_key.as_ref())?.conn;
            return Err(rewrite.failed(&path, Particular::Text(error.to_string())));
        }
        // A file closed in DELETE mode leaves no log behind; were one left,
        // it would belong to the old file.
        for suffix in ["-wal", "-shm"] {
            remove_if_exists(&with_suffix(&path, suffix))?;
        }
        let reopened = SchoolFile::open_checked(&path, Some(&key))?;
        self.conn = reopened.conn;
        self.key = reopened.key;
        Ok(value)
    }
}

/// The school file at `source` (plaintext, or encrypted under `source_key`)
/// exported into a new file at `target` under `key`, with `change` made in
/// it in one transaction, checked and closed.
fn rewritten_copy<T>(
    source: &Path,
    source_key: Option<&FileKey>,
    target: &Path,
    key: &FileKey,
    change: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let mut conn = connect(target, Access::Create, Some(key))?;
    export_into(&conn, source, source_key)?;
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if application_id != APPLICATION_ID {
        return Err(FileError::NotASchoolFile(source.to_owned()).into());
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let tx = conn.transaction()?;
    let value = change(&tx)?;
    tx.commit()?;
    check_integrity(&conn, target)?;
    conn.close().map_err(|(_, e)| Error::Database(e))?;
    Ok(value)
}

/// Exports the school file at `source` (plaintext, or encrypted under
/// `source_key`) into a new file at `target` encrypted under `key`, and
/// checks it.
pub(crate) fn encrypted_copy(
    source: &Path,
    source_key: Option<&FileKey>,
    target: &Path,
    key: &FileKey,
) -> Result<()> {
    let conn = connect(target, Access::Create, Some(key))?;
    export_into(&conn, source, source_key)?;
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if application_id != APPLICATION_ID {
        return Err(FileError::NotASchoolFile(source.to_owned()).into());
    }
    check_integrity(&conn, target)?;
    conn.close().map_err(|(_, e)| Error::Database(e))
}

/// The copies made before migrations beside the file:
/// `学校.taoli.v1-20261122T150102.bak`.
fn migration_copies(path: &Path) -> Vec<PathBuf> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let prefix = format!("{name}.v");
    let folder = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => folder.to_owned(),
        None => PathBuf::from("."),
    };
    let Ok(entries) = fs::read_dir(&folder) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".bak"))
        })
        .collect()
}

/// `学校.taoli` + `-wal` → `学校.taoli-wal`.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::secrets::MemorySecretStore;

    fn key() -> FileKey {
        FileKey::from_parts(SecretKey::from_slice(&[0xAB; 32]).unwrap(), [0x01; 16])
    }

    #[test]
    fn debug_shows_the_salt_and_never_the_key() {
        let shown = format!("{:?}", key());
        assert!(shown.contains(&"01".repeat(16)), "{shown}");
        assert!(!shown.to_lowercase().contains("abab"), "{shown}");
        assert!(shown.contains("hidden"), "{shown}");
    }

    #[test]
    fn the_raw_key_is_key_then_salt_in_hex() {
        let text = key().raw_key_text();
        assert_eq!(text.len(), 3 + 64 + 32);
        assert_eq!(
            text.as_str(),
            format!("x'{}{}'", "ab".repeat(32), "01".repeat(16))
        );
    }

    #[test]
    fn the_same_password_and_salt_derive_the_same_key() {
        let salt = FileKey::new_salt().unwrap();
        let a = FileKey::derive("桃李满天下2026", salt).unwrap();
        let b = FileKey::derive("桃李满天下２０２６", salt).unwrap();
        assert_eq!(a.key().as_bytes(), b.key().as_bytes(), "NFKC");
        let c = FileKey::derive("桃李满天下2027", salt).unwrap();
        assert_ne!(a.key().as_bytes(), c.key().as_bytes());
        let d = FileKey::derive("桃李满天下2026", FileKey::new_salt().unwrap()).unwrap();
        assert_ne!(a.key().as_bytes(), d.key().as_bytes());
    }

    /// Pins the derivation: any change to it (parameters, normalization)
    /// would lock every encrypted file made before.
    #[test]
    fn the_derivation_of_a_file_key_never_changes() {
        let salt: [u8; 16] = std::array::from_fn(|i| i as u8 + 1);
        let key = FileKey::derive("桃李满天下2026", salt).unwrap();
        assert_eq!(
            hex::encode(key.key().as_bytes()),
            "afb39eceb8b5778f25c4a7b8f1f8d400655d1d4c6e9083e63427223fa71c3b18"
        );
    }

    #[test]
    fn a_key_remembered_is_recalled_by_its_salt() {
        let store = MemorySecretStore::new();
        assert!(recall_file_key(&store, &[0x01; 16]).unwrap().is_none());
        remember_file_key(&store, &key()).unwrap();
        let back = recall_file_key(&store, &[0x01; 16]).unwrap().unwrap();
        assert_eq!(back.key().as_bytes(), &[0xAB; 32]);
        assert!(recall_file_key(&store, &[0x02; 16]).unwrap().is_none());
        assert_eq!(
            file_key_account(&[0x01; 16]),
            format!("file-key-{}", "01".repeat(16))
        );
    }

    #[test]
    fn a_malformed_keychain_entry_counts_as_none() {
        let store = MemorySecretStore::new();
        store.set(&file_key_account(&[0x01; 16]), b"short").unwrap();
        assert!(recall_file_key(&store, &[0x01; 16]).unwrap().is_none());
    }
}

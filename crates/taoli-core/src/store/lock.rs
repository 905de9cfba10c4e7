//! The lock beside an open school file (文件锁): `学校.taoli.lock`.
//!
//! While a program has a school file open for work, it holds a lock file
//! beside it: JSON naming who holds it (the computer, its user, the Taoli
//! account once signed in, the process, since when), and an operating-system
//! lock on it, which the system lets go of when the program ends however it
//! ends (a crash, a kill, the power). A second program — on this PC or
//! another one reaching the file over a network share — that cannot take
//! the lock is refused with [`FileError::SchoolFileInUse`], naming the holder. A
//! lock file left by a program that is gone (its lock free) is taken over
//! without a word; the lock file is removed when the file is closed.
//!
//! Within one program the lock is shared: every handle of the same file
//! (the window's, the sync worker's second handle, a test opening the file
//! twice) holds it together, and it is let go of with the last one.
//!
//! Every open is an open for work: even a command that only lists teachers
//! signs in, which the audit trail records. So a second Taoli on the same
//! computer (the window and a `taoli` command) waits its turn too.
//!
//! The operating-system lock is `flock` on Unix (which NFS carries to the
//! server as a whole-file lock, and SMB as a byte-range lock), and on
//! Windows the file's share mode: the holder keeps it open for writing
//! and lets others only read it, which the SMB server enforces for every
//! client.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use serde::{Deserialize, Serialize};

use crate::error::FileError;
use crate::error::messages::{self, Locale};
use crate::error::{Error, Result};

/// Who holds a school file: what the lock file says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    /// The computer's name (办公室电脑, DESKTOP-7K2Q).
    pub computer: String,
    /// Who is signed in to the computer.
    pub os_user: String,
    /// The Taoli account signed in to the file, once someone is.
    pub account: Option<String>,
    /// The holding program's process id.
    pub pid: u32,
    /// Since when (RFC 3339).
    pub since: String,
}

impl LockHolder {
    fn this_program() -> LockHolder {
        LockHolder {
            computer: computer_name(),
            os_user: os_user(),
            account: None,
            pid: std::process::id(),
            since: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }

    /// The refusal a second opener gets: who uses the file, where, since
    /// when, and what to do (in Chinese; [`LockHolder::refusal_in`]).
    pub fn refusal(holder: Option<&LockHolder>) -> String {
        LockHolder::refusal_in(holder, Locale::ZhCn)
    }

    /// The refusal in `locale`.
    pub fn refusal_in(holder: Option<&LockHolder>, locale: Locale) -> String {
        let (key, args) = LockHolder::refusal_arguments(holder, locale);
        messages::render(locale, key, &args)
    }

    /// The refusal's catalog key (under `file.in_use`) and its arguments.
    pub(crate) fn refusal_arguments(
        holder: Option<&LockHolder>,
        locale: Locale,
    ) -> (&'static str, Vec<(&'static str, String)>) {
        let Some(holder) = holder else {
            return ("file.in_use", vec![]);
        };
        let who = match (&holder.account, holder.os_user.trim()) {
            (Some(account), _) => account.clone(),
            (None, "") => messages::render(locale, "file.in_use.someone", &[]),
            (None, user) => {
                messages::render(locale, "file.in_use.os_user", &[("user", user.to_owned())])
            }
        };
        let since = since_text(&holder.since, locale);
        if holder.computer == computer_name() {
            (
                "file.in_use.this_computer",
                vec![
                    ("who", who),
                    ("since", since),
                    ("pid", holder.pid.to_string()),
                ],
            )
        } else {
            (
                "file.in_use.other_computer",
                vec![
                    ("who", who),
                    ("computer", holder.computer.clone()),
                    ("since", since),
                ],
            )
        }
    }
}

/// `10:32` today, `11月22日 10:32` (`Nov 22 10:32`) on another day (local time).
fn since_text(since: &str, locale: Locale) -> String {
    match chrono::DateTime::parse_from_rfc3339(since) {
        Ok(at) => {
            let at = at.with_timezone(&chrono::Local);
            if at.date_naive() == chrono::Local::now().date_naive() {
                at.format("%H:%M").to_string()
            } else {
                match locale {
                    Locale::ZhCn => at.format("%-m月%-d日 %H:%M").to_string(),
                    Locale::En => at.format("%b %-d %H:%M").to_string(),
                }
            }
        }
        Err(_) => messages::render(locale, "file.in_use.unknown_time", &[]),
    }
}

/// This computer's name.
pub fn computer_name() -> String {
    #[cfg(unix)]
    let name = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    #[cfg(not(unix))]
    let name = std::env::var("COMPUTERNAME").unwrap_or_default();
    if name.trim().is_empty() {
        "未命名的电脑".to_owned()
    } else {
        name
    }
}

fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_default()
}

/// The lock file of a school file: `学校.taoli` → `学校.taoli.lock`.
pub fn lock_path(school: &Path) -> PathBuf {
    super::sibling(school, "lock")
}

/// A held lock; let go of (and its file removed) when the last handle of
/// the file in this program drops it.
#[derive(Debug)]
pub(crate) struct FileLock {
    path: PathBuf,
    /// Open (and locked) until the lock is let go of.
    file: Option<File>,
    holder: Mutex<LockHolder>,
}

/// The locks this program holds, by the school file's canonical path.
static HELD: Mutex<Vec<(PathBuf, Weak<FileLock>)>> = Mutex::new(Vec::new());

fn held() -> std::sync::MutexGuard<'static, Vec<(PathBuf, Weak<FileLock>)>> {
    HELD.lock().unwrap_or_else(|p| p.into_inner())
}

/// Takes the lock of the school file at `school` (or shares the one this
/// program already holds). `None` when no lock file can be made there (a
/// read-only folder): the file is then opened as before, unguarded.
pub(crate) fn acquire(school: &Path) -> Result<Option<Arc<FileLock>>> {
    let key = std::fs::canonicalize(school).unwrap_or_else(|_| school.to_owned());
    let mut held = held();
    held.retain(|(_, weak)| weak.strong_count() > 0);
    if let Some(lock) = held
        .iter()
        .find(|(path, _)| *path == key)
        .and_then(|(_, weak)| weak.upgrade())
    {
        return Ok(Some(lock));
    }
    let path = lock_path(school);
    // A holder closing removes the file while it still holds it: one that
    // was opened before then is no longer the lock file, and is opened anew.
    for _ in 0..5 {
        let file = match open_lock_file(&path) {
            Ok(file) => file,
            Err(e) if held_elsewhere(&e) => {
                return Err(FileError::SchoolFileInUse {
                    path: school.to_owned(),
                    holder: read_holder(&path).map(Box::new),
                }
                .into());
            }
            Err(e) if unguardable(&e) => return Ok(None),
            Err(e) => return Err(Error::io(&path)(e)),
        };
        match lock_file(&file) {
            Ok(true) => {}
            Ok(false) => {
                return Err(FileError::SchoolFileInUse {
                    path: school.to_owned(),
                    holder: read_holder(&path).map(Box::new),
                }
                .into());
            }
            // A file system without locks: unguarded, as before.
            Err(_) => return Ok(None),
        }
        if !is_still_at(&file, &path) {
            continue;
        }
        let lock = Arc::new(FileLock {
            path: path.clone(),
            file: Some(file),
            holder: Mutex::new(LockHolder::this_program()),
        });
        lock.write_holder();
        held.push((key, Arc::downgrade(&lock)));
        return Ok(Some(lock));
    }
    Err(FileError::SchoolFileInUse {
        path: school.to_owned(),
        holder: read_holder(&path).map(Box::new),
    }
    .into())
}

impl FileLock {
    /// Names the Taoli account signed in (or none, signed out) in the lock file.
    pub(crate) fn set_account(&self, account: Option<&str>) {
        let mut holder = self.holder.lock().unwrap_or_else(|p| p.into_inner());
        if holder.account.as_deref() != account {
            holder.account = account.map(str::to_owned);
            drop(holder);
            self.write_holder();
        }
    }

    /// Writes who holds the lock into the lock file. A failure (a full
    /// disk) leaves the lock held and its holder unnamed.
    fn write_holder(&self) {
        let holder = self
            .holder
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Ok(json) = serde_json::to_vec_pretty(&holder) else {
            return;
        };
        let Some(mut file) = self.file.as_ref() else {
            return;
        };
        let _ = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(&json))
            .and_then(|()| file.flush());
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Under the registry's lock, so that this program opening the file
        // again meanwhile waits until the lock file is gone.
        let _held = held();
        let Some(file) = self.file.take() else {
            return;
        };
        if cfg!(unix) {
            // Removed while still held: a program that opened it meanwhile
            // sees it is no longer the lock file.
            if is_still_at(&file, &self.path) {
                let _ = std::fs::remove_file(&self.path);
            }
            drop(file);
        } else {
            // Windows removes no file open without sharing: closed first,
            // then removed, unless another program took it meanwhile.
            drop(file);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(unix)]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// Windows: open for writing, letting others only read (FILE_SHARE_READ):
/// a second holder's open fails with a sharing violation.
#[cfg(windows)]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 0x1;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .share_mode(FILE_SHARE_READ)
        .open(path)
}

#[cfg(not(any(unix, windows)))]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// Takes the operating-system lock: `Ok(false)` when another program holds it.
fn lock_file(file: &File) -> std::io::Result<bool> {
    #[cfg(windows)]
    {
        // The share mode is the lock.
        let _ = file;
        Ok(true)
    }
    #[cfg(not(windows))]
    {
        match file.try_lock() {
            Ok(()) => Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(e)) => Err(e),
        }
    }
}

/// Whether opening the lock file failed because another program holds it
/// (Windows: a sharing violation).
fn held_elsewhere(e: &std::io::Error) -> bool {
    cfg!(windows) && e.raw_os_error() == Some(32)
}

/// Whether no lock file can be made here at all (a read-only folder or
/// disk): the school file is opened unguarded.
fn unguardable(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn is_still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_still_at(_file: &File, _path: &Path) -> bool {
    true
}

/// Who the lock file says holds it, if it can be read.
fn read_holder(path: &Path) -> Option<LockHolder> {
    let mut text = Vec::new();
    File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut text)
        .ok()?;
    serde_json::from_slice(&text).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn holder(computer: &str, account: Option<&str>) -> LockHolder {
        LockHolder {
            computer: computer.to_owned(),
            os_user: "clerk".to_owned(),
            account: account.map(str::to_owned),
            pid: 4321,
            since: chrono::Local::now().to_rfc3339(),
        }
    }

    #[test]
    fn the_refusal_names_the_account_and_the_other_computer() {
        let message = LockHolder::refusal(Some(&holder("办公室电脑", Some("王老师"))));
        assert!(
            message.starts_with("王老师 正在 办公室电脑 上使用这个学校文件（自 "),
            "{message}"
        );
        assert!(message.contains("关机或死机"), "{message}");
    }

    #[test]
    fn the_refusal_on_this_computer_speaks_of_another_window_or_command() {
        let message = LockHolder::refusal(Some(&holder(&computer_name(), None)));
        assert!(
            message.contains("电脑用户 clerk 正在这台电脑上"),
            "{message}"
        );
        assert!(message.contains("进程 4321"), "{message}");
    }

    #[test]
    fn a_lock_taken_on_another_day_gives_the_date() {
        let mut old = holder("办公室电脑", None);
        old.since = "2026-11-22T10:32:00+08:00".to_owned();
        let message = LockHolder::refusal(Some(&old));
        assert!(message.contains("月22日"), "{message}");
    }

    #[test]
    fn a_program_shares_its_own_lock_and_lets_go_with_the_last_handle() {
        let dir = tempfile::tempdir().unwrap();
        let school = dir.path().join("学校.taoli");
        std::fs::write(&school, b"x").unwrap();
        let first = acquire(&school).unwrap().unwrap();
        let second = acquire(&school).unwrap().unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        let written: LockHolder =
            serde_json::from_slice(&std::fs::read(lock_path(&school)).unwrap()).unwrap();
        assert_eq!(written.pid, std::process::id());
        first.set_account(Some("王老师"));
        assert_eq!(
            read_holder(&lock_path(&school)).unwrap().account.as_deref(),
            Some("王老师")
        );
        drop(first);
        assert!(lock_path(&school).exists());
        drop(second);
        assert!(!lock_path(&school).exists());
    }

    #[test]
    fn a_lock_file_left_by_a_program_that_is_gone_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let school = dir.path().join("学校.taoli");
        std::fs::write(&school, b"x").unwrap();
        let stale = holder("办公室电脑", Some("王老师"));
        std::fs::write(lock_path(&school), serde_json::to_vec(&stale).unwrap()).unwrap();
        let lock = acquire(&school).unwrap().unwrap();
        let now = read_holder(&lock_path(&school)).unwrap();
        assert_eq!(now.pid, std::process::id());
        assert_eq!(now.account, None);
        drop(lock);
    }
}

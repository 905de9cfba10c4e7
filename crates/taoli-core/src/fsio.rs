//! Writing files so that a power cut leaves the old file or the new one,
//! never half of one and never neither.
//!
//! Every file Taoli writes whole (exports, backups, `.taolibatch` and
//! `.taolireceipt` carry files, verification sheets, the refused-rows
//! workbook, the recent files list, a new school file) is written beside its
//! destination first (`NAME.partial`), flushed to the disk (`fsync`), renamed
//! over the destination, and then the folder itself is flushed: the rename
//! is an entry in the folder, and until the folder reaches the disk a power
//! cut can forget it (ext4 and XFS may then show neither the old nor the new
//! name). On Windows the folder is not flushed (a folder cannot be opened
//! as a file there, and NTFS journals its renames itself).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `path` through `write`, atomically and durably: into
/// `NAME.partial` beside it, flushed, renamed over `path`, the folder
/// flushed. When `write` or any step fails, the partial file is removed and
/// `path` is as it was.
pub fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<T>,
) -> io::Result<T> {
    let partial = partial_path(path);
    let written = (|| {
        let mut file = File::create(&partial)?;
        let value = write(&mut file)?;
        file.sync_all()?;
        drop(file);
        rename_durably(&partial, path)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Writes `bytes` to `path` with [`write_atomically`].
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically(path, |file| io::Write::write_all(file, bytes))
}

/// Renames `from` to `to` (replacing it) and flushes the folder of `to`, so
/// that the rename survives a power cut. `from` must already be on the disk
/// (flushed, or a database SQLite committed).
pub fn rename_durably(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)?;
    sync_folder(folder_of(to))
}

/// Flushes a folder's entries (new, renamed and removed names) to the disk.
/// Nothing on Windows (see the module's documentation).
pub fn sync_folder(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// `学校.xlsx` → `学校.xlsx.partial`.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    PathBuf::from(partial)
}

/// The folder `path` is in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether an I/O error means the disk (or the user's quota) is full:
/// `ErrorKind::StorageFull`, or ENOSPC / EDQUOT on Unix, ERROR_DISK_FULL /
/// ERROR_HANDLE_DISK_FULL on Windows.
pub fn is_storage_full(error: &io::Error) -> bool {
    if matches!(
        error.kind(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
    ) {
        return true;
    }
    let codes: &[i32] = if cfg!(windows) {
        &[39, 112]
    } else {
        &[28, 122]
    };
    error.raw_os_error().is_some_and(|c| codes.contains(&c))
}

/// Bytes free for this user on the disk holding `folder`; `None` where it
/// cannot be told (Windows, or the folder is gone).
pub fn available_bytes(folder: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(folder).ok()?;
        stat.f_bavail.checked_mul(stat.f_frsize)
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        None
    }
}

/// `path` if nothing is there yet, else the first of `NAME(2).xlsx`,
/// `NAME(3).xlsx` … that is free: a default name never overwrites a
/// workbook a clerk may have filled in.
pub fn unused_path(path: &Path) -> PathBuf {
    if !path.exists() {
        return path.to_owned();
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|n| path.with_file_name(format!("{stem}({n}){extension}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_written_file_is_complete_and_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("导出.json");
        std::fs::write(&path, b"old").unwrap();
        write_bytes_atomically(&path, b"new contents").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        assert!(!partial_path(&path).exists());
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("导出.json");
        std::fs::write(&path, b"old").unwrap();
        let failed = write_atomically(&path, |file| {
            io::Write::write_all(file, b"half")?;
            Err::<(), _>(io::Error::other("the writer failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert!(!partial_path(&path).exists());
    }

    #[test]
    fn a_write_into_a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("没有的文件夹").join("导出.json");
        assert!(write_bytes_atomically(&path, b"x").is_err());
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_full_disk_is_told_from_its_os_error() {
        let full = io::Error::from_raw_os_error(if cfg!(windows) { 112 } else { 28 });
        assert!(is_storage_full(&full));
        assert!(!is_storage_full(&io::Error::from(
            io::ErrorKind::PermissionDenied
        )));
    }

    #[test]
    fn a_taken_default_path_gets_a_number() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("学校-教师数据.xlsx");
        assert_eq!(unused_path(&path), path);
        std::fs::write(&path, b"x").unwrap();
        assert_eq!(unused_path(&path), dir.path().join("学校-教师数据(2).xlsx"));
    }
}

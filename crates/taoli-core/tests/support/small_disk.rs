//! A small real disk for the disk-full tests: a tmpfs of a few megabytes
//! mounted on a temporary folder (the tests run as root here and in CI),
//! filled with a filler file until only a few kilobytes are free.
//! Included by `#[path]` from the test files that need it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A mounted tmpfs; unmounted when dropped.
pub struct SmallDisk {
    dir: TempDir,
    filler: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `kib` KiB. None (with the reason printed) where
    /// mounting is not allowed (not root): the caller skips its test. CI
    /// runs as root, so there the tests run.
    pub fn mount(kib: u64) -> Option<SmallDisk> {
        let dir = TempDir::new().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                eprintln!(
                    "SKIPPED: cannot mount a small tmpfs ({}); the disk-full tests need root",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                return None;
            }
            Err(e) => {
                eprintln!("SKIPPED: cannot run mount ({e}); the disk-full tests need root");
                return None;
            }
        }
        let filler = dir.path().join("filler.bin");
        Some(SmallDisk { dir, filler })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Bytes free on the disk.
    pub fn free(&self) -> u64 {
        taoli_core::fsio::available_bytes(self.path()).unwrap()
    }

    /// Fills the disk with a filler file until only about `kib` KiB are free.
    pub fn fill_leaving(&self, kib: u64) {
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.filler)
            .unwrap();
        let chunk = vec![0x5au8; 4096];
        let leave = kib * 1024;
        while self.free() > leave {
            let step = (self.free() - leave).min(chunk.len() as u64) as usize;
            if file.write_all(&chunk[..step]).is_err() {
                break;
            }
            file.sync_all().unwrap();
        }
    }

    /// Removes the filler: the disk has room again.
    pub fn empty_filler(&self) {
        let _ = std::fs::remove_file(&self.filler);
    }

    /// The names in a folder on the disk, sorted (to see what was left behind).
    pub fn names_in(&self, folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = File::open(self.dir.path()).map(|f| f.sync_all());
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

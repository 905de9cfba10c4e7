//! Recently opened school files, shown on the start page.
//!
//! Kept as a small JSON file in the app's configuration folder. A damaged list
//! is treated as empty: it is a convenience, never data.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

const FILE_NAME: &str = "recent.json";
const MAX_ENTRIES: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecentFile {
    pub path: String,
    pub school_name: String,
    pub school_code: String,
    pub opened_at: String,
    /// Whether the file is still where it was (filled in when listed).
    #[serde(default)]
    pub exists: bool,
}

#[derive(Debug)]
pub struct RecentFiles {
    file: PathBuf,
    entries: Vec<RecentFile>,
}

impl RecentFiles {
    /// Loads the list kept in `config_dir`.
    pub fn load(config_dir: &Path) -> RecentFiles {
        let file = config_dir.join(FILE_NAME);
        let entries = fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        RecentFiles { file, entries }
    }

    /// The list, newest first, each marked with whether the file still exists.
    pub fn list(&self) -> Vec<RecentFile> {
        self.entries
            .iter()
            .map(|e| RecentFile {
                exists: Path::new(&e.path).is_file(),
                ..e.clone()
            })
            .collect()
    }

    /// Puts a file at the top of the list and saves it.
    pub fn touch(&mut self, path: &Path, school_name: &str, school_code: &str) -> Result<()> {
        let path = path
            .canonicalize()
            .unwrap_or_else(|_| path.to_owned())
            .to_string_lossy()
            .into_owned();
        self.entries.retain(|e| e.path != path);
        self.entries.insert(
            0,
            RecentFile {
                path,
                school_name: school_name.to_owned(),
                school_code: school_code.to_owned(),
                opened_at: crate::time::now(),
                exists: true,
            },
        );
        self.entries.truncate(MAX_ENTRIES);
        self.save()
    }

    /// Takes a file off the list (the clerk's choice, or a file that is gone).
    pub fn forget(&mut self, path: &str) -> Result<()> {
        self.entries.retain(|e| e.path != path);
        self.save()
    }

    fn save(&self) -> Result<()> {
        if let Some(dir) = self.file.parent() {
            fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        let json = serde_json::to_vec_pretty(&self.entries)?;
        crate::fsio::write_bytes_atomically(&self.file, &json).map_err(Error::io(&self.file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.taoli");
        let b = dir.path().join("b.taoli");
        fs::write(&a, b"").unwrap();
        fs::write(&b, b"").unwrap();
        let mut recent = RecentFiles::load(dir.path());
        recent.touch(&a, "甲校", "1").unwrap();
        recent.touch(&b, "乙校", "2").unwrap();
        recent.touch(&a, "甲校", "1").unwrap();
        let names: Vec<_> = RecentFiles::load(dir.path())
            .list()
            .into_iter()
            .map(|e| e.school_name)
            .collect();
        assert_eq!(names, ["甲校", "乙校"]);
    }

    #[test]
    fn a_moved_file_is_marked_missing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.taoli");
        fs::write(&a, b"").unwrap();
        let mut recent = RecentFiles::load(dir.path());
        recent.touch(&a, "甲校", "1").unwrap();
        fs::remove_file(&a).unwrap();
        assert!(!recent.list()[0].exists);
    }

    #[test]
    fn a_damaged_list_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        assert!(RecentFiles::load(dir.path()).list().is_empty());
    }
}

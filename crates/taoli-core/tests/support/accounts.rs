//! Accounts for tests: every school is created with a 系统管理员 and a
//! 信息管理员 (the clerk who enters data), and opened signed in as the clerk.
//! Included by `#[path]` from the test files that need it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use taoli_core::secrets::MemorySecretStore;
use taoli_core::store::{FileKey, file_salt};
use taoli_core::{Credentials, NewSchool, NewUser, Role, SchoolFile};

pub const ADMIN: &str = "管理员";
pub const CLERK: &str = "王老师";
pub const VIEWER: &str = "李老师";
pub const PASSWORD: &str = "taoli-test-pass";

pub fn admin() -> Credentials {
    Credentials::new(ADMIN, PASSWORD)
}

pub fn clerk() -> Credentials {
    Credentials::new(CLERK, PASSWORD)
}

pub fn viewer() -> Credentials {
    Credentials::new(VIEWER, PASSWORD)
}

/// A new school file with the three accounts, signed in as the clerk.
pub fn create(path: &Path, school: &NewSchool) -> taoli_core::Result<SchoolFile> {
    let mut file = SchoolFile::create(path, school, &admin())?;
    for (name, role) in [(CLERK, Role::InfoManager), (VIEWER, Role::InfoViewer)] {
        file.accounts().add(&NewUser {
            name: name.to_owned(),
            role,
            password: PASSWORD.to_owned(),
        })?;
    }
    file.sign_in(&clerk())?;
    Ok(file)
}

/// Creates a school of `school_type` (办学类型代码) at `path`, 「XX县第一小学」,
/// with the two accounts, and closes it.
pub fn create_closed(path: &Path, school_type: &str) {
    let school = NewSchool {
        code: "2151072201".into(),
        name: "XX县第一小学".into(),
        school_type: school_type.into(),
        region_code: None,
    };
    create(path, &school).unwrap().close().unwrap();
}

/// Opens a school file signed in as the clerk.
pub fn open(path: &Path) -> taoli_core::Result<SchoolFile> {
    open_as(path, &clerk())
}

/// Opens a school file signed in as `who`. The file key comes from the
/// 系统管理员's password (every test account has the same one), as on a PC
/// whose keychain does not have it.
pub fn open_as(path: &Path, who: &Credentials) -> taoli_core::Result<SchoolFile> {
    let mut file = SchoolFile::open_with_password(path, PASSWORD, &MemorySecretStore::new())?;
    file.sign_in(who)?;
    Ok(file)
}

/// Opens a school file with nobody signed in, as the app does before its
/// sign-in screen (the file key from the 系统管理员's password).
pub fn open_signed_out(path: &Path) -> taoli_core::Result<SchoolFile> {
    SchoolFile::open_with_password(path, PASSWORD, &MemorySecretStore::new())
}

/// The key of the school file at `path` (from the test password), if it
/// is encrypted: None for a plaintext file, and for a missing or empty file
/// or one that is not shaped like a school file (SQLite is left to open or
/// refuse it as it is).
pub fn file_key(path: &Path) -> Option<FileKey> {
    let salt = file_salt(path).ok().flatten()?;
    Some(FileKey::derive(PASSWORD, salt).expect("derive the file key"))
}

/// A plain SQLite connection to a school file, with its key, as a tool
/// outside Taoli would open it (to tamper with it, or to look inside).
pub fn raw_connection(path: &Path) -> rusqlite::Connection {
    taoli_core::store::raw_connection(path, file_key(path).as_ref())
        .expect("open the school file with SQLite")
}

/// Writes a plaintext copy of the encrypted school file at `encrypted` to
/// `plaintext` (which must not exist), as a school file from before
/// encryption was: `sqlcipher_export` into a database attached with an empty
/// key, with the schema version and application id, which the export leaves
/// out. The file must be closed.
pub fn plaintext_copy(encrypted: &Path, plaintext: &Path) {
    assert!(!plaintext.exists(), "{} exists", plaintext.display());
    let conn = raw_connection(encrypted);
    conn.execute(
        "ATTACH DATABASE ?1 AS plaintext KEY ''",
        [plaintext.to_str().expect("a UTF-8 path")],
    )
    .unwrap();
    conn.query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
        .unwrap();
    for pragma in ["user_version", "application_id"] {
        let value: i64 = conn.pragma_query_value(None, pragma, |r| r.get(0)).unwrap();
        conn.pragma_update(Some("plaintext"), pragma, value)
            .unwrap();
    }
    conn.execute_batch("DETACH DATABASE plaintext").unwrap();
    conn.close().unwrap();
    assert_eq!(file_salt(plaintext).unwrap(), None, "a plaintext copy");
}

/// Everything a school file holds, as text, leaving out the accounts and the
/// sign-in entries of the audit trail: opening a file to try something
/// signs in, which is recorded, and nothing else may change.
/// A file that is not a school file is compared byte for byte.
pub fn data_snapshot(path: &Path) -> String {
    let conn = raw_connection(path);
    if conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_err()
    {
        return format!("{:?}", std::fs::read(path).unwrap());
    }
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('account', 'sqlite_sequence') ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables.sort();
    let mut out = String::new();
    for table in tables {
        let filter = if table == "revision" {
            " WHERE entity <> 'account'"
        } else {
            ""
        };
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\"{filter} ORDER BY 1"))
            .unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap();
        out.push_str(&format!("[{table}]\n"));
        for row in rows {
            out.push_str(&row.unwrap().join("|"));
            out.push('\n');
        }
    }
    out
}

/// Opens a file made before accounts existed: its first 系统管理员 is
/// created, then the clerk, who is signed in.
pub fn open_older(path: &Path) -> taoli_core::Result<SchoolFile> {
    let mut file = SchoolFile::open_with_password(path, PASSWORD, &MemorySecretStore::new())?;
    file.create_first_admin(&admin())?;
    file.accounts().add(&NewUser {
        name: CLERK.to_owned(),
        role: Role::InfoManager,
        password: PASSWORD.to_owned(),
    })?;
    file.sign_in(&clerk())?;
    Ok(file)
}

//! Encryption at rest (加密): an encrypted school file, its write-ahead log,
//! its backups and the copies made before a migration hold no teacher's data
//! in the clear; the 系统管理员 password opens it on any PC, the keychain on
//! its own; a password change, encrypting a plaintext file and restoring keep
//! every teacher and the audit chain (docs/encryption.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "support/accounts.rs"]
mod accounts;

use std::fs;
use std::path::{Path, PathBuf};

use accounts::{ADMIN, CLERK, PASSWORD, admin, clerk};
use taoli_core::error::Error;
use taoli_core::error::{AccountError, BackupError, FileError};
use taoli_core::import::{ImportOptions, open};
use taoli_core::revision::Entity;
use taoli_core::secrets::{MemorySecretStore, SecretStore};
use taoli_core::store::{BackupReason, FileKey, file_key_account, file_salt, migrations};
use taoli_core::{Credentials, NewSchool, NewTeacher, NewUser, Role, SchoolFile};
use tempfile::TempDir;

/// The teacher whose data must never be found in the clear.
const NAME: &str = "欧阳秀英";
const ID_NUMBER: &str = "511321198503040983";
/// A second teacher, added by an import.
const OTHER_NAME: &str = "司马建国";
const OTHER_ID: &str = "511321198503040916";

/// The 系统管理员's password after a change. Every test account starts with
/// [`PASSWORD`], and the file key is derived from the 系统管理员's.
const NEW_PASSWORD: &str = "春风化雨2027!";

fn new_school() -> NewSchool {
    NewSchool {
        code: "2151012345".into(),
        name: "桃李镇中心小学".into(),
        school_type: "211".into(),
        region_code: None,
    }
}

fn teacher(name: &str, id_number: &str) -> NewTeacher {
    NewTeacher {
        name: name.into(),
        id_type: "1".into(),
        id_number: id_number.into(),
    }
}

fn school_path(dir: &TempDir) -> PathBuf {
    dir.path().join("2151012345-桃李镇中心小学.taoli")
}

/// A key from the 系统管理员's password and a new salt, for a file not yet
/// encrypted.
fn new_key() -> FileKey {
    FileKey::derive(PASSWORD, FileKey::new_salt().unwrap()).unwrap()
}

/// A new PC: a keychain with nothing in it.
fn new_pc() -> MemorySecretStore {
    MemorySecretStore::new()
}

/// An encrypted school file (as every new one is) with the known teacher in
/// it, still open, signed in as the clerk; with its key.
fn encrypted_school(dir: &TempDir) -> (PathBuf, SchoolFile, FileKey) {
    let path = school_path(dir);
    let mut file = accounts::create(&path, &new_school()).unwrap();
    assert!(file.is_encrypted());
    file.data_entry()
        .add_teacher(&teacher(NAME, ID_NUMBER))
        .unwrap();
    let key = accounts::file_key(&path).expect("an encrypted file");
    (path, file, key)
}

/// A plaintext school file, as Taoli wrote them before encryption, with the
/// known teacher in it and the three accounts, open and signed in as the
/// clerk (whose sign-in leaves it plaintext; a 系统管理员's would encrypt it).
/// Made as an encrypted school elsewhere, exported without a key.
fn plaintext_school(dir: &TempDir) -> (PathBuf, SchoolFile) {
    let path = school_path(dir);
    let elsewhere = TempDir::new().unwrap();
    let source = elsewhere.path().join("加密.taoli");
    let mut file = accounts::create(&source, &new_school()).unwrap();
    file.data_entry()
        .add_teacher(&teacher(NAME, ID_NUMBER))
        .unwrap();
    file.close().unwrap();
    accounts::plaintext_copy(&source, &path);
    let file = accounts::open(&path).unwrap();
    assert!(!file.is_encrypted());
    (path, file)
}

/// What must not be found in the clear: the ID number in ASCII, the name in
/// UTF-8 and in UTF-16LE (as Windows and SQLite's UTF-16 text keep it), for
/// both teachers.
fn secrets_of_teachers() -> Vec<(String, Vec<u8>)> {
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut needles = Vec::new();
    for (name, id) in [(NAME, ID_NUMBER), (OTHER_NAME, OTHER_ID)] {
        needles.push((format!("ID {id}"), id.as_bytes().to_vec()));
        needles.push((format!("UTF-16LE ID {id}"), utf16(id)));
        needles.push((format!("UTF-8 name {name}"), name.as_bytes().to_vec()));
        needles.push((format!("UTF-16LE name {name}"), utf16(name)));
    }
    needles
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What of the teachers' data `path` holds in the clear.
fn found_in(path: &Path) -> Vec<String> {
    let bytes = fs::read(path).unwrap();
    secrets_of_teachers()
        .into_iter()
        .filter(|(_, needle)| contains(&bytes, needle))
        .map(|(what, _)| what)
        .collect()
}

fn assert_no_teacher_data(path: &Path) {
    assert!(path.is_file(), "{} should exist", path.display());
    assert!(
        fs::metadata(path).unwrap().len() > 0,
        "{} is empty",
        path.display()
    );
    let found = found_in(path);
    assert!(
        found.is_empty(),
        "{} holds in the clear: {found:?}",
        path.display()
    );
}

fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Both teachers' names, as [`names`] sorts them.
fn both() -> Vec<String> {
    let mut names = vec![NAME.to_owned(), OTHER_NAME.to_owned()];
    names.sort();
    names
}

fn names(file: &SchoolFile) -> Vec<String> {
    let mut names: Vec<String> = file
        .teachers()
        .all()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    names.sort();
    names
}

/// Imports the second teacher from a roster kept outside `dir`'s school
/// folder (the roster is the clerk's own plaintext file). The clerk must be
/// signed in.
fn import_other(file: &mut SchoolFile, roster_dir: &TempDir) {
    let roster = roster_dir.path().join("花名册.csv");
    fs::write(
        &roster,
        format!("姓名,身份证件号\n{OTHER_NAME},{OTHER_ID}\n"),
    )
    .unwrap();
    let mut plan = file
        .imports()
        .plan(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    file.imports().commit(&mut plan, &mut |_, _| {}).unwrap();
}

/// The audit trail without the accounts' entries (signing in adds one).
fn data_revisions(file: &SchoolFile) -> usize {
    file.audit()
        .revisions()
        .unwrap()
        .iter()
        .filter(|r| r.entity != Entity::Account)
        .count()
}

/// The 系统管理员 changes their own password: the file is rekeyed.
fn change_admin_password(file: &mut SchoolFile, new: &str) {
    file.sign_in(&admin()).unwrap();
    file.change_password(ADMIN, Some(PASSWORD), new).unwrap();
}

/// A folder where `encrypt` would build the encrypted copy of `path`, so that
/// encrypting it fails.
fn block_encryption(path: &Path) -> PathBuf {
    let in_the_way = with_suffix(path, ".encrypting");
    fs::create_dir(&in_the_way).unwrap();
    fs::write(in_the_way.join("x"), b"x").unwrap();
    in_the_way
}

/// `text` typed with a Chinese input method in full-width mode: ＡＢＣ１２３.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            c => c,
        })
        .collect()
}

#[test]
fn the_encrypted_file_and_its_write_ahead_log_hold_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    // Still open: the writes are in the write-ahead log, not yet in the file.
    let wal = with_suffix(&path, "-wal");
    let shm = with_suffix(&path, "-shm");
    assert!(
        fs::metadata(&wal).unwrap().len() > 0,
        "the log holds the writes"
    );
    assert_no_teacher_data(&path);
    assert_no_teacher_data(&wal);
    assert_no_teacher_data(&shm);
    file.close().unwrap();
    assert_no_teacher_data(&path);
}

#[test]
fn the_search_finds_the_teacher_in_a_plaintext_file() {
    let dir = TempDir::new().unwrap();
    let (path, file) = plaintext_school(&dir);
    file.close().unwrap();
    let found = found_in(&path);
    assert!(found.contains(&format!("ID {ID_NUMBER}")), "{found:?}");
    assert!(found.contains(&format!("UTF-8 name {NAME}")), "{found:?}");
}

#[test]
fn automatic_backups_of_an_encrypted_file_hold_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let roster_dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    file.backups().daily_if_due().unwrap().unwrap();
    file.backups().now(BackupReason::Manual).unwrap();
    import_other(&mut file, &roster_dir);
    file.backups().now(BackupReason::Manual).unwrap();
    let backups = file.backups().list().unwrap();
    assert_eq!(backups.len(), 4, "{backups:?}");
    for backup in files_under(&file.backups().folder()) {
        assert_no_teacher_data(&backup);
    }
}

#[test]
fn a_backup_to_a_chosen_folder_holds_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    let usb = dir.path().join("U盘");
    let backup = file.backups().to_folder(&usb).unwrap();
    assert_eq!(files_under(&usb), [PathBuf::from(&backup.path)]);
    assert_no_teacher_data(Path::new(&backup.path));
}

#[test]
fn a_backup_of_an_encrypted_file_opens_with_the_same_key() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    let backup = Path::new(&backup.path);
    assert_eq!(file_salt(backup).unwrap(), Some(*key.salt()));
    assert_eq!(file_salt(&path).unwrap(), Some(*key.salt()));
    let mut copy = SchoolFile::open_with_key(backup, &key).unwrap();
    assert!(copy.is_encrypted());
    copy.sign_in(&clerk()).unwrap();
    assert_eq!(names(&copy), [NAME]);
}

/// Builds a file as a Taoli release with only the first six migrations
/// would have written it (no accounts), with the known teacher: encrypted
/// under `key`, or plaintext.
fn file_at_schema_6(path: &Path, key: Option<&FileKey>) {
    let conn = taoli_core::store::raw_connection(path, key).unwrap();
    for m in migrations::MIGRATIONS.iter().filter(|m| m.version <= 6) {
        conn.execute_batch(m.sql).unwrap();
        conn.execute(
            "INSERT INTO migration_log VALUES (?1, ?2, '2026-01-01T00:00:00.000Z', '0.0.1')",
            (m.version, m.name),
        )
        .unwrap();
    }
    conn.pragma_update(None, "user_version", 6).unwrap();
    conn.execute(
        "INSERT INTO school (id, code, name, school_type, created_at, updated_at)
         VALUES (1, '2151012345', '旧版学校', '211', 'x', 'x')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO teacher VALUES ('t1', '1', ?1, ?2, 1, 'x', 'x')",
        (ID_NUMBER, NAME),
    )
    .unwrap();
}

/// The copies made before a migration beside the school file.
fn migration_copies(dir: &TempDir) -> Vec<PathBuf> {
    files_under(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect()
}

#[test]
fn the_copy_made_before_a_migration_holds_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let path = school_path(&dir);
    let key = new_key();
    file_at_schema_6(&path, Some(&key));
    assert_no_teacher_data(&path);
    let file = accounts::open_older(&path).unwrap();
    assert_eq!(names(&file), [NAME]);
    let copies = migration_copies(&dir);
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_no_teacher_data(&copies[0]);
    assert_eq!(file_salt(&copies[0]).unwrap(), Some(*key.salt()));
}

#[test]
fn no_file_beside_an_encrypted_school_holds_teacher_data_after_a_days_work() {
    let dir = TempDir::new().unwrap();
    let roster_dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    file.backups().daily_if_due().unwrap();
    import_other(&mut file, &roster_dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    file.backups().to_folder(&dir.path().join("U盘")).unwrap();
    file.sign_in(&admin()).unwrap();
    file.backups().restore(Path::new(&backup.path)).unwrap();
    // Everything Taoli keeps on its own: the file, its log, its backups.
    let kept = files_under(dir.path());
    assert!(kept.len() >= 6, "{kept:?}");
    for path in &kept {
        assert_no_teacher_data(path);
    }
    file.close().unwrap();
    assert_no_teacher_data(&path);
}

#[test]
fn a_wrong_password_is_refused_and_the_file_left_unchanged() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    file.close().unwrap();
    let before = fs::read(&path).unwrap();
    let store = new_pc();
    let err = SchoolFile::open_with_password(&path, "不是这个密码123", &store).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    assert_eq!(err.code(), "file.wrong_password");
    assert!(err.to_string().contains("密码不正确"), "{err}");
    assert!(err.to_string().contains("未作任何改动"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before, "byte for byte");
    assert!(!with_suffix(&path, "-wal").exists());
    let salt = file_salt(&path).unwrap().unwrap();
    assert!(
        store.get(&file_key_account(&salt)).unwrap().is_none(),
        "a wrong key is not remembered"
    );
}

#[test]
fn a_new_pc_opens_the_file_with_the_password_then_from_its_keychain() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    file.close().unwrap();
    let new_pc = new_pc();
    let err = SchoolFile::open_with_store(&path, &new_pc).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::FileKeyNeeded(_))),
        "{err}"
    );

    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap();
    assert!(
        file.session().is_none(),
        "the file opens; nobody is signed in"
    );
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
    file.close().unwrap();
    let salt = file_salt(&path).unwrap().unwrap();
    assert!(new_pc.get(&file_key_account(&salt)).unwrap().is_some());

    let mut file = SchoolFile::open_with_store(&path, &new_pc).unwrap();
    assert!(file.is_encrypted());
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn only_the_system_admins_password_opens_the_file_on_a_new_pc() {
    let dir = TempDir::new().unwrap();
    let path = school_path(&dir);
    let clerk_password = "王老师的密码2026";
    let viewer_password = "李老师的密码2026";
    let mut file = SchoolFile::create(&path, &new_school(), &admin()).unwrap();
    for (name, role, password) in [
        (CLERK, Role::InfoManager, clerk_password),
        (accounts::VIEWER, Role::InfoViewer, viewer_password),
    ] {
        file.accounts()
            .add(&NewUser {
                name: name.to_owned(),
                role,
                password: password.to_owned(),
            })
            .unwrap();
    }
    // Another account's password, reset by the 系统管理员, is not the file's.
    file.change_password(CLERK, None, "王老师的新密码2027")
        .unwrap();
    file.sign_in(&Credentials::new(CLERK, "王老师的新密码2027"))
        .unwrap();
    file.data_entry()
        .add_teacher(&teacher(NAME, ID_NUMBER))
        .unwrap();
    file.close().unwrap();
    let before = fs::read(&path).unwrap();

    let new_pc = new_pc();
    for password in [clerk_password, "王老师的新密码2027", viewer_password] {
        let err = SchoolFile::open_with_password(&path, password, &new_pc).unwrap_err();
        assert!(
            matches!(err, Error::File(FileError::WrongFilePassword(_))),
            "{err}"
        );
    }
    assert_eq!(fs::read(&path).unwrap(), before, "byte for byte");
    let salt = file_salt(&path).unwrap().unwrap();
    assert!(new_pc.get(&file_key_account(&salt)).unwrap().is_none());

    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap();
    file.sign_in(&Credentials::new(accounts::VIEWER, viewer_password))
        .unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn a_second_system_admin_makes_their_password_the_files() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    file.sign_in(&admin()).unwrap();
    file.accounts()
        .add(&NewUser {
            name: "赵主任".to_owned(),
            role: Role::SystemAdmin,
            password: NEW_PASSWORD.to_owned(),
        })
        .unwrap();
    assert!(file.audit().verify().unwrap().intact());
    file.close().unwrap();
    assert_no_teacher_data(&path);

    let new_pc = new_pc();
    let err = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    let mut file = SchoolFile::open_with_password(&path, NEW_PASSWORD, &new_pc).unwrap();
    assert_eq!(file_salt(&path).unwrap(), Some(*key.salt()), "same salt");
    // The first 系统管理员 still signs in with their own password.
    file.sign_in(&admin()).unwrap();
    assert_eq!(names(&file), [NAME]);
    file.sign_in(&Credentials::new("赵主任", NEW_PASSWORD))
        .unwrap();
}

#[test]
fn a_password_typed_in_full_width_opens_the_file() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    file.close().unwrap();
    let typed = full_width(PASSWORD);
    assert_ne!(typed, PASSWORD);
    let mut file = SchoolFile::open_with_password(&path, &typed, &new_pc()).unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn the_plaintext_only_open_says_an_encrypted_file_needs_its_key() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    file.close().unwrap();
    let before = fs::read(&path).unwrap();
    let err = SchoolFile::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::FileKeyNeeded(_))),
        "{err}"
    );
    assert_eq!(err.code(), "file.key_needed");
    assert!(err.to_string().contains("已加密"), "{err}");
    assert!(err.to_string().contains("系统管理员的密码"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_plaintext_file_still_opens_everywhere() {
    let dir = TempDir::new().unwrap();
    let (path, file) = plaintext_school(&dir);
    file.close().unwrap();
    assert_eq!(file_salt(&path).unwrap(), None);
    let store = new_pc();
    for mut file in [
        SchoolFile::open(&path).unwrap(),
        SchoolFile::open_with_store(&path, &store).unwrap(),
        SchoolFile::open_with_password(&path, "随便什么密码123", &store).unwrap(),
    ] {
        assert!(!file.is_encrypted());
        // Any account but a 系统管理员 leaves it as it is.
        file.sign_in(&clerk()).unwrap();
        assert_eq!(names(&file), [NAME]);
        file.sign_in(&accounts::viewer()).unwrap();
        assert!(!file.is_encrypted());
        file.close().unwrap();
    }
    assert_eq!(file_salt(&path).unwrap(), None);
}

#[test]
fn a_file_without_a_header_of_an_odd_size_is_not_a_school_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("杂物.taoli");
    fs::write(&path, vec![0x5Au8; 1000]).unwrap();
    let err = SchoolFile::open(&path).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::NotASchoolFile(_))),
        "{err}"
    );
    assert!(matches!(
        file_salt(&path),
        Err(Error::File(FileError::NotASchoolFile(_)))
    ));
}

#[test]
fn random_pages_are_refused_as_a_wrong_password_and_left_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("随机.taoli");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    fs::write(&path, &bytes).unwrap();
    let err = SchoolFile::open_with_password(&path, PASSWORD, &new_pc()).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn the_first_system_admin_sign_in_encrypts_a_plaintext_file_keeping_everything() {
    let dir = TempDir::new().unwrap();
    let roster_dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    import_other(&mut file, &roster_dir);
    let revisions = data_revisions(&file);
    file.sign_in(&admin()).unwrap();
    assert!(file.is_encrypted());
    assert_eq!(names(&file), both());
    assert_eq!(data_revisions(&file), revisions);
    assert!(file.audit().verify().unwrap().intact());
    file.close().unwrap();
    assert!(!with_suffix(&path, "-wal").exists());
    assert_no_teacher_data(&path);
    // Under the key of the password the 系统管理员 signed in with.
    let new_pc = new_pc();
    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap();
    assert!(file.is_encrypted());
    file.sign_in(&clerk()).unwrap();
    assert!(file.audit().verify().unwrap().intact());
    assert_eq!(data_revisions(&file), revisions);
    assert_eq!(names(&file), both());
}

#[test]
fn the_first_system_admin_of_an_older_plaintext_file_encrypts_it_and_its_copies() {
    let dir = TempDir::new().unwrap();
    let path = school_path(&dir);
    file_at_schema_6(&path, None);
    assert!(
        !found_in(&path).is_empty(),
        "the search finds it in the clear"
    );
    let mut file = SchoolFile::open(&path).unwrap();
    assert!(!file.has_users().unwrap());
    let copies = migration_copies(&dir);
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(!found_in(&copies[0]).is_empty(), "the copy is plaintext");

    file.create_first_admin(&admin()).unwrap();
    assert!(file.is_encrypted());
    assert_eq!(names(&file), [NAME]);
    let salt = file_salt(&path).unwrap().unwrap();
    assert_eq!(file_salt(&copies[0]).unwrap(), Some(salt));
    for path in files_under(dir.path()) {
        // The new write-ahead log may still be empty.
        let found = found_in(&path);
        assert!(found.is_empty(), "{} holds {found:?}", path.display());
    }
    file.close().unwrap();
    assert_no_teacher_data(&path);
    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc()).unwrap();
    file.sign_in(&admin()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn the_first_system_admin_of_an_encrypted_file_without_accounts_sets_its_password() {
    // A file encrypted before accounts existed, under the password of that
    // time: the file key follows the first 系统管理员's password.
    let dir = TempDir::new().unwrap();
    let path = school_path(&dir);
    let key = new_key();
    file_at_schema_6(&path, Some(&key));
    let mut file = SchoolFile::open_with_key(&path, &key).unwrap();
    // The key is changed first: when that fails, nobody is added.
    let elsewhere = SchoolFile::open_with_key(&path, &key).unwrap();
    let err = file
        .create_first_admin(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::RekeyFailed { .. })),
        "{err}"
    );
    assert!(!file.has_users().unwrap());
    assert!(file.session().is_none());
    drop(elsewhere);
    file.create_first_admin(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap();
    assert_eq!(names(&file), [NAME]);
    file.close().unwrap();

    let new_pc = new_pc();
    let err = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    let mut file = SchoolFile::open_with_password(&path, NEW_PASSWORD, &new_pc).unwrap();
    assert_eq!(file_salt(&path).unwrap(), Some(*key.salt()), "same salt");
    file.sign_in(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn encrypting_a_plaintext_file_encrypts_its_earlier_backups() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    let backup = PathBuf::from(&backup.path);
    assert!(!found_in(&backup).is_empty(), "a plaintext backup");
    file.sign_in(&admin()).unwrap();
    assert!(file.is_encrypted());
    for path in files_under(dir.path()) {
        assert_no_teacher_data(&path);
    }
    let salt = file_salt(&path).unwrap().unwrap();
    assert_eq!(file_salt(&backup).unwrap(), Some(salt));
    let mut copy = SchoolFile::open_with_password(&backup, PASSWORD, &new_pc()).unwrap();
    copy.sign_in(&clerk()).unwrap();
    assert_eq!(names(&copy), [NAME]);
}

#[test]
fn encrypting_takes_a_system_admin_and_an_encrypted_file_is_not_encrypted_again() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    let err = file.encrypt(new_key()).unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::NotPermitted { .. })),
        "{err}"
    );
    file.sign_in(&admin()).unwrap();
    let err = file.encrypt(new_key()).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::AlreadyEncrypted(_))),
        "{err}"
    );
    assert_eq!(names(&file), [NAME]);

    let plain_dir = TempDir::new().unwrap();
    let (path, mut plain) = plaintext_school(&plain_dir);
    let err = plain.encrypt(new_key()).unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::NotPermitted { .. })),
        "{err}"
    );
    assert!(!plain.is_encrypted());
    assert_eq!(file_salt(&path).unwrap(), None);
}

#[test]
fn a_failed_encryption_leaves_the_plaintext_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    // Where the encrypted copy would be built, a folder is in the way.
    let in_the_way = block_encryption(&path);
    let err = file.sign_in(&admin()).unwrap_err();
    assert!(!file.is_encrypted(), "{err}");
    assert_eq!(file_salt(&path).unwrap(), None);
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    file.close().unwrap();
    let mut file = SchoolFile::open(&path).unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), both());

    // The next 系统管理员 sign-in encrypts it.
    fs::remove_dir_all(&in_the_way).unwrap();
    file.sign_in(&admin()).unwrap();
    assert!(file.is_encrypted());
    assert_eq!(names(&file), both());
    file.close().unwrap();
    assert_no_teacher_data(&path);
}

#[test]
fn encrypting_a_file_open_elsewhere_is_refused_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    let mut elsewhere = accounts::open(&path).unwrap();
    let err = file.sign_in(&admin()).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::EncryptFailed { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("另一个桃李窗口"), "{err}");
    assert!(err.to_string().contains("没有加密"), "{err}");
    assert!(!file.is_encrypted());
    assert_eq!(file_salt(&path).unwrap(), None);
    elsewhere
        .data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), both());
}

#[test]
fn after_a_password_change_the_new_password_opens_the_file_and_the_old_does_not() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    change_admin_password(&mut file, NEW_PASSWORD);
    file.sign_in(&clerk()).unwrap();
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    assert!(file.audit().verify().unwrap().intact());
    file.close().unwrap();
    assert_no_teacher_data(&path);

    let store = new_pc();
    let err = SchoolFile::open_with_password(&path, PASSWORD, &store).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    let mut file = SchoolFile::open_with_password(&path, NEW_PASSWORD, &store).unwrap();
    assert_eq!(file_salt(&path).unwrap(), Some(*key.salt()), "same salt");
    file.sign_in(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap();
    assert_eq!(names(&file), both());
}

/// A password change writes the whole file anew beside it, the account's
/// new password inside, and renames it over the file: one cut short before
/// the rename (its copy left as `NAME.taoli.rekeying`) changed nothing, and
/// the next change starts afresh.
#[test]
fn a_password_change_cut_short_before_its_rename_left_the_old_key_and_password() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    let left = with_suffix(&path, ".rekeying");
    fs::write(&left, b"a copy cut short").unwrap();
    file.close().unwrap();
    let store = new_pc();
    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &store).unwrap();
    file.sign_in(&admin()).unwrap();

    change_admin_password(&mut file, NEW_PASSWORD);
    assert!(!left.exists(), "the copy cut short is gone");
    file.close().unwrap();
    let mut file = SchoolFile::open_with_password(&path, NEW_PASSWORD, &new_pc()).unwrap();
    file.sign_in(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap();
    assert!(file.audit().verify().unwrap().intact());
}

#[test]
fn a_password_change_while_the_file_is_open_elsewhere_is_refused() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let mut elsewhere = SchoolFile::open_with_key(&path, &key).unwrap();
    elsewhere.sign_in(&clerk()).unwrap();
    file.sign_in(&admin()).unwrap();
    let err = file
        .change_password(ADMIN, Some(PASSWORD), NEW_PASSWORD)
        .unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::RekeyFailed { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("仍用原来的密码"), "{err}");
    assert_eq!(names(&elsewhere), [NAME]);
    // Neither the key nor the account's password changed.
    assert!(
        file.sign_in(&Credentials::new(ADMIN, NEW_PASSWORD))
            .is_err()
    );
    file.sign_in(&clerk()).unwrap();
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    drop((file, elsewhere));
    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc()).unwrap();
    file.sign_in(&admin()).unwrap();
    assert_eq!(names(&file), both());
}

#[test]
fn a_key_with_another_salt_is_refused_for_a_password_change() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    let other_salt = || FileKey::derive(NEW_PASSWORD, FileKey::new_salt().unwrap()).unwrap();
    let err = file.rekey(other_salt()).unwrap_err();
    assert!(
        matches!(err, Error::Account(AccountError::NotPermitted { .. })),
        "{err}"
    );
    file.sign_in(&admin()).unwrap();
    assert!(file.rekey(other_salt()).is_err());
    file.close().unwrap();
    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc()).unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn a_keychain_key_from_before_a_password_change_asks_for_the_password() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    let this_pc = new_pc();
    file.remember_key(&this_pc).unwrap();
    // Changed on another PC: this PC's keychain keeps the old key.
    change_admin_password(&mut file, NEW_PASSWORD);
    file.close().unwrap();
    let err = SchoolFile::open_with_store(&path, &this_pc).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::FileKeyNeeded(_))),
        "{err}"
    );
    SchoolFile::open_with_password(&path, NEW_PASSWORD, &this_pc)
        .unwrap()
        .close()
        .unwrap();
    let mut file = SchoolFile::open_with_store(&path, &this_pc).unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn an_encrypted_backup_is_restored() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    file.sign_in(&admin()).unwrap();
    let safety = file.backups().restore(Path::new(&backup.path)).unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.audit().verify().unwrap().intact());
    assert_no_teacher_data(Path::new(&safety.path));
}

#[test]
fn a_backup_from_before_a_password_change_needs_the_password_of_that_time() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    let backup = file.backups().now(BackupReason::Manual).unwrap();
    let backup = PathBuf::from(&backup.path);
    change_admin_password(&mut file, NEW_PASSWORD);
    file.sign_in(&clerk()).unwrap();
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    file.sign_in(&Credentials::new(ADMIN, NEW_PASSWORD))
        .unwrap();
    let revisions = file.audit().revisions().unwrap().len();

    let err = file.backups().restore(&backup).unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::BackupKeyMismatch(_))),
        "{err}"
    );
    assert_eq!(err.code(), "backup.key_mismatch");
    assert!(err.to_string().contains("更改密码之前"), "{err}");
    assert_eq!(
        file.audit().revisions().unwrap().len(),
        revisions,
        "nothing done"
    );

    let err = file
        .backups()
        .restore_with_password(&backup, "不是当时的密码")
        .unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    assert_eq!(
        file.audit().revisions().unwrap().len(),
        revisions,
        "nothing done"
    );

    file.backups()
        .restore_with_password(&backup, PASSWORD)
        .unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.audit().verify().unwrap().intact());
    file.close().unwrap();
    // Restored under the file's current key, not the backup's.
    let new_pc = new_pc();
    let err = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap_err();
    assert!(
        matches!(err, Error::File(FileError::WrongFilePassword(_))),
        "{err}"
    );
    let mut file = SchoolFile::open_with_password(&path, NEW_PASSWORD, &new_pc).unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(
        files_under(dir.path())
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".restoring"))
    );
}

#[test]
fn a_plaintext_backup_restores_into_an_encrypted_file_encrypted() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    let usb = dir.path().join("U盘");
    let backup = file.backups().to_folder(&usb).unwrap();
    let backup = PathBuf::from(&backup.path);
    file.sign_in(&admin()).unwrap();
    assert!(file.is_encrypted());
    assert_eq!(
        file_salt(&backup).unwrap(),
        None,
        "the USB stick is out of reach"
    );
    file.sign_in(&clerk()).unwrap();
    file.data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    file.sign_in(&admin()).unwrap();
    file.backups().restore(&backup).unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.audit().verify().unwrap().intact());
    file.close().unwrap();
    assert_no_teacher_data(&path);
    let mut file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc()).unwrap();
    file.sign_in(&clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn an_encrypted_backup_is_not_restored_into_a_plaintext_file() {
    let dir = TempDir::new().unwrap();
    let (_, mut encrypted, _) = encrypted_school(&dir);
    let backup = encrypted
        .backups()
        .to_folder(&dir.path().join("U盘"))
        .unwrap();
    let plain_dir = TempDir::new().unwrap();
    let (path, mut plain) = plaintext_school(&plain_dir);
    plain
        .data_entry()
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID))
        .unwrap();
    // Only a 系统管理员 restores, and their sign-in encrypts the file: it
    // stays plaintext only when that encryption failed.
    block_encryption(&path);
    plain.sign_in(&admin()).unwrap_err();
    assert!(!plain.is_encrypted());
    let err = plain
        .backups()
        .restore_with_password(Path::new(&backup.path), PASSWORD)
        .unwrap_err();
    assert!(
        matches!(err, Error::Backup(BackupError::BackupUnusable { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("学校文件没有加密"), "{err}");
    assert_eq!(names(&plain), both());
    assert!(plain.backups().list().unwrap().is_empty(), "nothing done");
}

#[test]
fn the_key_never_shows_in_debug_output() {
    let dir = TempDir::new().unwrap();
    let (_, file, key) = encrypted_school(&dir);
    let hex: String = key.key().as_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for shown in [format!("{file:?}"), format!("{key:?}")] {
        assert!(!shown.to_lowercase().contains(&hex), "{shown}");
    }
}

/// Set in the child process of the test below.
const CHILD: &str = "TAOLI_AT_REST_CHILD";

#[test]
fn a_wrong_password_writes_nothing_to_standard_error() {
    if std::env::var_os(CHILD).is_some() {
        // In the child: what the parent watches.
        let dir = TempDir::new().unwrap();
        let (path, file, _) = encrypted_school(&dir);
        file.close().unwrap();
        let store = new_pc();
        SchoolFile::open_with_password(&path, "不是这个密码123", &store).unwrap_err();
        SchoolFile::open_with_store(&path, &store).unwrap_err();
        return;
    }
    // SQLCipher logs a wrong key to standard error from C, which the test
    // harness does not capture: run this test again in a child process and
    // read what it wrote there.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_wrong_password_writes_nothing_to_standard_error",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.trim().is_empty(), "standard error: {stderr}");
}

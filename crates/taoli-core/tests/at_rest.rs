//! Encryption at rest (加密): an encrypted school file, its write-ahead log,
//! its backups and the copies made before a migration hold no teacher's data
//! in the clear; the 系统管理员 password opens it on any PC, the keychain on
//! its own; a password change, encrypting a plaintext file and restoring keep
//! every teacher and the audit chain (docs/encryption.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use taoli_core::error::Error;
use taoli_core::import::{ImportOptions, open};
use taoli_core::secrets::{MemorySecretStore, SecretStore};
use taoli_core::store::{BackupReason, FileKey, file_key_account, file_salt, migrations};
use taoli_core::{Actor, NewSchool, NewTeacher, SchoolFile};
use tempfile::TempDir;

/// The teacher whose data must never be found in the clear.
const NAME: &str = "欧阳秀英";
const ID_NUMBER: &str = "511321198503040983";
/// A second teacher, added by an import.
const OTHER_NAME: &str = "司马建国";
const OTHER_ID: &str = "511321198503040916";

const PASSWORD: &str = "桃李满天下2026";
const NEW_PASSWORD: &str = "春风化雨2027!";

fn clerk() -> Actor {
    Actor::new("王老师")
}

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

fn new_key() -> FileKey {
    FileKey::derive(PASSWORD, FileKey::new_salt().unwrap()).unwrap()
}

/// An encrypted school file with the known teacher in it, still open.
fn encrypted_school(dir: &TempDir) -> (PathBuf, SchoolFile, FileKey) {
    let path = school_path(dir);
    let key = new_key();
    let mut file = SchoolFile::create_encrypted(&path, &new_school(), &clerk(), &key).unwrap();
    file.add_teacher(&teacher(NAME, ID_NUMBER), &clerk())
        .unwrap();
    (path, file, key)
}

fn plaintext_school(dir: &TempDir) -> (PathBuf, SchoolFile) {
    let path = school_path(dir);
    let mut file = SchoolFile::create(&path, &new_school(), &clerk()).unwrap();
    file.add_teacher(&teacher(NAME, ID_NUMBER), &clerk())
        .unwrap();
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
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    names.sort();
    names
}

/// Imports the second teacher from a roster kept outside `dir`'s school
/// folder (the roster is the clerk's own plaintext file).
fn import_other(file: &mut SchoolFile, roster_dir: &TempDir) {
    let roster = roster_dir.path().join("花名册.csv");
    fs::write(
        &roster,
        format!("姓名,身份证件号\n{OTHER_NAME},{OTHER_ID}\n"),
    )
    .unwrap();
    let plan = file
        .plan_import(&mut open(&roster).unwrap(), &ImportOptions::default())
        .unwrap();
    file.commit_import(&plan, &clerk(), &mut |_, _| {}).unwrap();
}

#[test]
fn the_encrypted_file_and_its_write_ahead_log_hold_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
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
    file.daily_backup_if_due(&clerk()).unwrap().unwrap();
    file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    import_other(&mut file, &roster_dir);
    file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    let backups = file.backups().unwrap();
    assert_eq!(backups.len(), 4, "{backups:?}");
    for backup in files_under(&file.backup_folder()) {
        assert_no_teacher_data(&backup);
    }
}

#[test]
fn a_backup_to_a_chosen_folder_holds_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    let usb = dir.path().join("U盘");
    let backup = file.backup_to(&usb, &clerk()).unwrap();
    assert_eq!(files_under(&usb), [PathBuf::from(&backup.path)]);
    assert_no_teacher_data(Path::new(&backup.path));
}

#[test]
fn a_backup_of_an_encrypted_file_opens_with_the_same_key() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let backup = file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    let backup = Path::new(&backup.path);
    assert_eq!(file_salt(backup).unwrap(), Some(*key.salt()));
    assert_eq!(file_salt(&path).unwrap(), Some(*key.salt()));
    let copy = SchoolFile::open_with_key(backup, &key).unwrap();
    assert_eq!(names(&copy), [NAME]);
}

/// Builds an encrypted file as a Taoli release with only the first six
/// migrations would have written it, with the known teacher.
fn encrypted_file_at_schema_6(path: &Path, key: &FileKey) {
    let conn = Connection::open(path).unwrap();
    let hex: String = key
        .key()
        .as_bytes()
        .iter()
        .chain(key.salt().iter())
        .map(|b| format!("{b:02x}"))
        .collect();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))
        .unwrap();
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

#[test]
fn the_copy_made_before_a_migration_holds_no_teacher_data() {
    let dir = TempDir::new().unwrap();
    let path = school_path(&dir);
    let key = new_key();
    encrypted_file_at_schema_6(&path, &key);
    assert_no_teacher_data(&path);
    let file = SchoolFile::open_with_key(&path, &key).unwrap();
    assert_eq!(names(&file), [NAME]);
    let copies: Vec<PathBuf> = files_under(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_no_teacher_data(&copies[0]);
    assert_eq!(file_salt(&copies[0]).unwrap(), Some(*key.salt()));
}

#[test]
fn no_file_beside_an_encrypted_school_holds_teacher_data_after_a_days_work() {
    let dir = TempDir::new().unwrap();
    let roster_dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    file.daily_backup_if_due(&clerk()).unwrap();
    import_other(&mut file, &roster_dir);
    let backup = file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    file.backup_to(&dir.path().join("U盘"), &clerk()).unwrap();
    file.restore(Path::new(&backup.path), &clerk()).unwrap();
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
    let store = MemorySecretStore::new();
    let err = SchoolFile::open_with_password(&path, "不是这个密码123", &store).unwrap_err();
    assert!(matches!(err, Error::WrongFilePassword(_)), "{err}");
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
    let new_pc = MemorySecretStore::new();
    let err = SchoolFile::open_with_store(&path, &new_pc).unwrap_err();
    assert!(matches!(err, Error::FileKeyNeeded(_)), "{err}");

    let file = SchoolFile::open_with_password(&path, PASSWORD, &new_pc).unwrap();
    assert_eq!(names(&file), [NAME]);
    file.close().unwrap();
    let salt = file_salt(&path).unwrap().unwrap();
    assert!(new_pc.get(&file_key_account(&salt)).unwrap().is_some());

    let file = SchoolFile::open_with_store(&path, &new_pc).unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.is_encrypted());
}

#[test]
fn a_password_typed_in_full_width_opens_the_file() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    file.close().unwrap();
    let full_width = "桃李满天下２０２６";
    let file =
        SchoolFile::open_with_password(&path, full_width, &MemorySecretStore::new()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn the_plaintext_only_open_says_an_encrypted_file_needs_its_key() {
    let dir = TempDir::new().unwrap();
    let (path, file, _) = encrypted_school(&dir);
    file.close().unwrap();
    let before = fs::read(&path).unwrap();
    let err = SchoolFile::open(&path).unwrap_err();
    assert!(matches!(err, Error::FileKeyNeeded(_)), "{err}");
    assert_eq!(err.code(), "file.key_needed");
    assert!(err.to_string().contains("已加密"), "{err}");
    assert!(err.to_string().contains("系统管理员的密码"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_plaintext_file_still_opens_everywhere() {
    let dir = TempDir::new().unwrap();
    let (path, file) = plaintext_school(&dir);
    assert!(!file.is_encrypted());
    file.close().unwrap();
    assert_eq!(file_salt(&path).unwrap(), None);
    let store = MemorySecretStore::new();
    assert_eq!(names(&SchoolFile::open(&path).unwrap()), [NAME]);
    assert_eq!(
        names(&SchoolFile::open_with_store(&path, &store).unwrap()),
        [NAME]
    );
}

#[test]
fn a_file_without_a_header_of_an_odd_size_is_not_a_school_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("杂物.taoli");
    fs::write(&path, vec![0x5Au8; 1000]).unwrap();
    let err = SchoolFile::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotASchoolFile(_)), "{err}");
    assert!(matches!(file_salt(&path), Err(Error::NotASchoolFile(_))));
}

#[test]
fn random_pages_are_refused_as_a_wrong_password_and_left_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("随机.taoli");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    fs::write(&path, &bytes).unwrap();
    let err =
        SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap_err();
    assert!(matches!(err, Error::WrongFilePassword(_)), "{err}");
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn encrypting_a_plaintext_file_keeps_every_teacher_and_the_audit_chain() {
    let dir = TempDir::new().unwrap();
    let roster_dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    import_other(&mut file, &roster_dir);
    let revisions = file.revisions().unwrap().len();
    file.encrypt(new_key()).unwrap();
    assert!(file.is_encrypted());
    assert_eq!(names(&file), both());
    assert_eq!(file.revisions().unwrap().len(), revisions);
    assert!(file.verify_audit().unwrap().intact());
    file.close().unwrap();
    assert!(!with_suffix(&path, "-wal").exists());
    assert_no_teacher_data(&path);
    let file = SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap();
    assert!(file.verify_audit().unwrap().intact());
    assert_eq!(file.revisions().unwrap().len(), revisions);
}

#[test]
fn encrypting_a_plaintext_file_encrypts_its_earlier_backups() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    let backup = file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    assert!(!found_in(Path::new(&backup.path)).is_empty());
    let key = new_key();
    let copies = file.encrypt(key).unwrap();
    assert_eq!(copies.encrypted, [PathBuf::from(&backup.path)]);
    assert!(copies.left_plaintext.is_empty(), "{copies:?}");
    for path in files_under(dir.path()) {
        assert_no_teacher_data(&path);
    }
    let salt = file_salt(&path).unwrap().unwrap();
    assert_eq!(file_salt(Path::new(&backup.path)).unwrap(), Some(salt));
    let store = MemorySecretStore::new();
    let copy = SchoolFile::open_with_password(Path::new(&backup.path), PASSWORD, &store).unwrap();
    assert_eq!(names(&copy), [NAME]);
}

#[test]
fn encrypting_an_encrypted_file_is_refused() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    let err = file.encrypt(new_key()).unwrap_err();
    assert!(matches!(err, Error::AlreadyEncrypted(_)), "{err}");
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn a_failed_encryption_leaves_the_plaintext_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    // Where the encrypted copy would be built, a folder is in the way.
    let in_the_way = with_suffix(&path, ".encrypting");
    fs::create_dir(&in_the_way).unwrap();
    fs::write(in_the_way.join("x"), b"x").unwrap();
    let err = file.encrypt(new_key()).unwrap_err();
    assert!(!file.is_encrypted(), "{err}");
    assert_eq!(file_salt(&path).unwrap(), None);
    assert_eq!(names(&file), [NAME]);
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    file.close().unwrap();
    assert_eq!(names(&SchoolFile::open(&path).unwrap()), both());
}

#[test]
fn encrypting_a_file_open_elsewhere_is_refused_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let (path, mut file) = plaintext_school(&dir);
    let mut elsewhere = SchoolFile::open(&path).unwrap();
    let err = file.encrypt(new_key()).unwrap_err();
    assert!(matches!(err, Error::EncryptFailed { .. }), "{err}");
    assert!(err.to_string().contains("另一个桃李窗口"), "{err}");
    assert!(err.to_string().contains("没有加密"), "{err}");
    assert_eq!(file_salt(&path).unwrap(), None);
    elsewhere
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    assert_eq!(names(&file), both());
}

#[test]
fn after_a_password_change_the_new_password_opens_the_file_and_the_old_does_not() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let new = FileKey::derive(NEW_PASSWORD, *key.salt()).unwrap();
    file.rekey(new).unwrap();
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    assert!(file.verify_audit().unwrap().intact());
    file.close().unwrap();
    assert_no_teacher_data(&path);

    let store = MemorySecretStore::new();
    let err = SchoolFile::open_with_password(&path, PASSWORD, &store).unwrap_err();
    assert!(matches!(err, Error::WrongFilePassword(_)), "{err}");
    let file = SchoolFile::open_with_password(&path, NEW_PASSWORD, &store).unwrap();
    assert_eq!(names(&file), both());
    assert_eq!(file_salt(&path).unwrap(), Some(*key.salt()), "same salt");
}

#[test]
fn a_password_change_while_the_file_is_open_elsewhere_is_refused() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let elsewhere = SchoolFile::open_with_key(&path, &key).unwrap();
    let err = file
        .rekey(FileKey::derive(NEW_PASSWORD, *key.salt()).unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::RekeyFailed { .. }), "{err}");
    assert!(err.to_string().contains("仍用原来的密码"), "{err}");
    assert_eq!(names(&elsewhere), [NAME]);
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    drop((file, elsewhere));
    let file = SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap();
    assert_eq!(names(&file), both());
}

#[test]
fn a_key_with_another_salt_is_refused_for_a_password_change() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, _) = encrypted_school(&dir);
    assert!(
        file.rekey(FileKey::derive(NEW_PASSWORD, FileKey::new_salt().unwrap()).unwrap())
            .is_err()
    );
    file.close().unwrap();
    let file = SchoolFile::open_with_password(&path, PASSWORD, &MemorySecretStore::new()).unwrap();
    assert_eq!(names(&file), [NAME]);
}

#[test]
fn a_keychain_key_from_before_a_password_change_asks_for_the_password() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let this_pc = MemorySecretStore::new();
    file.remember_key(&this_pc).unwrap();
    // Changed on another PC: this PC's keychain keeps the old key.
    file.rekey(FileKey::derive(NEW_PASSWORD, *key.salt()).unwrap())
        .unwrap();
    file.close().unwrap();
    let err = SchoolFile::open_with_store(&path, &this_pc).unwrap_err();
    assert!(matches!(err, Error::FileKeyNeeded(_)), "{err}");
    SchoolFile::open_with_password(&path, NEW_PASSWORD, &this_pc)
        .unwrap()
        .close()
        .unwrap();
    assert_eq!(
        names(&SchoolFile::open_with_store(&path, &this_pc).unwrap()),
        [NAME]
    );
}

#[test]
fn an_encrypted_backup_is_restored() {
    let dir = TempDir::new().unwrap();
    let (_, mut file, _) = encrypted_school(&dir);
    let backup = file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    let safety = file.restore(Path::new(&backup.path), &clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.verify_audit().unwrap().intact());
    assert_no_teacher_data(Path::new(&safety.path));
}

#[test]
fn a_backup_from_before_a_password_change_needs_the_password_of_that_time() {
    let dir = TempDir::new().unwrap();
    let (path, mut file, key) = encrypted_school(&dir);
    let backup = file.backup_now(BackupReason::Manual, &clerk()).unwrap();
    let backup = PathBuf::from(&backup.path);
    file.rekey(FileKey::derive(NEW_PASSWORD, *key.salt()).unwrap())
        .unwrap();
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    let revisions = file.revisions().unwrap().len();

    let err = file.restore(&backup, &clerk()).unwrap_err();
    assert!(matches!(err, Error::BackupKeyMismatch(_)), "{err}");
    assert_eq!(err.code(), "backup.key_mismatch");
    assert!(err.to_string().contains("更改密码之前"), "{err}");
    assert_eq!(file.revisions().unwrap().len(), revisions, "nothing done");

    let err = file
        .restore_with_password(&backup, "不是当时的密码", &clerk())
        .unwrap_err();
    assert!(matches!(err, Error::WrongFilePassword(_)), "{err}");
    assert_eq!(file.revisions().unwrap().len(), revisions, "nothing done");

    file.restore_with_password(&backup, PASSWORD, &clerk())
        .unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.verify_audit().unwrap().intact());
    file.close().unwrap();
    // Restored under the file's current key, not the backup's.
    let file =
        SchoolFile::open_with_password(&path, NEW_PASSWORD, &MemorySecretStore::new()).unwrap();
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
    let backup = file.backup_to(&usb, &clerk()).unwrap();
    let copies = file.encrypt(new_key()).unwrap();
    assert!(copies.encrypted.is_empty(), "the USB stick is out of reach");
    file.add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    file.restore(Path::new(&backup.path), &clerk()).unwrap();
    assert_eq!(names(&file), [NAME]);
    assert!(file.verify_audit().unwrap().intact());
    file.close().unwrap();
    assert_no_teacher_data(&path);
}

#[test]
fn an_encrypted_backup_is_not_restored_into_a_plaintext_file() {
    let dir = TempDir::new().unwrap();
    let (_, mut encrypted, _) = encrypted_school(&dir);
    let backup = encrypted
        .backup_to(&dir.path().join("U盘"), &clerk())
        .unwrap();
    let plain_dir = TempDir::new().unwrap();
    let (_, mut plain) = plaintext_school(&plain_dir);
    plain
        .add_teacher(&teacher(OTHER_NAME, OTHER_ID), &clerk())
        .unwrap();
    let err = plain
        .restore_with_password(Path::new(&backup.path), PASSWORD, &clerk())
        .unwrap_err();
    assert!(matches!(err, Error::BackupUnusable { .. }), "{err}");
    assert!(err.to_string().contains("学校文件没有加密"), "{err}");
    assert_eq!(names(&plain), both());
    assert!(plain.backups().unwrap().is_empty(), "nothing done");
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
        let store = MemorySecretStore::new();
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

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! Crash safety: every write the `taoli` command can make is started as a
//! child process and killed with SIGKILL, 200 times in all, at a point drawn
//! from a seeded ChaCha RNG: half the time after a delay anywhere in the
//! command's run (before it opens the file, while it reads, after it is
//! done), half the time once its write-ahead log has grown to a random size
//! (a school file is in WAL mode, so that is inside its commit: frames of the
//! transaction written, the commit frame perhaps not; or inside the
//! checkpoint on close). After each kill the school file must:
//!
//! - pass SQLite's `integrity_check` and `foreign_key_check`, and open with
//!   the core's own checks (`SchoolFile::open`);
//! - hold exactly the data from before the command or exactly the data from
//!   after it ran to the end: never part of an import, an undo, a print run…;
//! - be consistent in itself ([`assert_consistent`]): every teacher and record
//!   has the revisions that wrote it, each import's revision range is whole.
//!
//! Each run starts from a copy of a file prepared once. The writes covered:
//! init, teacher add, teacher set, record add, warning explain, province use,
//! province clear, import, import-undo, sheets (the prints it records),
//! signoff, opening a file of an older schema version (backup and
//! migration), backup (beside the file and `--to` a folder), restore of a
//! backup, encrypting a plaintext file (a 系统管理员's sign-in, and the first
//! 系统管理员 of a plaintext file without accounts), and the two writes that
//! give the file a new key with an account: a 系统管理员's password change
//! and a new 系统管理员. For those the file must open with the key of before
//! or the key of after, and the 系统管理员 password that derives that key
//! must sign in: never a file under the new key whose 系统管理员 still has
//! the old password, or the other way round. Backups left beside the file
//! must be whole.
//!
//! `TAOLI_CRASH_ROUNDS=N` runs every write N times as often (a longer
//! campaign; the default is one round); `TAOLI_CRASH_ONLY=NAME,NAME` kills
//! only the writes named (as the tally names them).
//!
//! The reporting commands get their own test: `taoli enroll` (the signing key
//! made and kept, registered upstream), `taoli submit` (build, sign,
//! upload, receipt) and `taoli sync` of a batch in flight, against the
//! reference upstream on 127.0.0.1 (in this process, a fresh one per run
//! from the same enrolled database), killed at seeded moments of their run.
//! The file must then be consistent, a restarted `taoli sync` (`taoli enroll`
//! with the same code, for an enrollment) must finish,
//! and the upstream must hold every batch of the file exactly once (each
//! change once, the payloads byte for byte, every receipt kept); a
//! `taoli submit` then reports whatever had not been sent.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use taoli_core::revision::{Action, Entity};
use taoli_core::secrets::{MemorySecretStore, verify_password};
use taoli_core::store::{FileKey, file_salt, raw_connection};
use taoli_core::{Credentials, SchoolFile};
use tempfile::TempDir;

const SEED: u64 = 0x7A011;

fn taoli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taoli"));
    cmd.env_remove("TAOLI_LANG")
        .env_remove("TAOLI_FONT")
        .env_remove("TAOLI_SHEET_TEMPLATE")
        .env("TAOLI_USER", "测试员")
        .env("TAOLI_PASSWORD", PASSWORD)
        .env("TAOLI_NEW_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs `taoli` to the end; panics unless it succeeds.
fn run(args: &[OsString]) {
    run_with(taoli(), args);
}

/// [`run`] signed in as the 系统管理员.
fn run_as_admin(args: &[OsString]) {
    let mut cmd = taoli();
    cmd.env("TAOLI_USER", "管理员");
    run_with(cmd, args);
}

fn run_with(mut cmd: Command, args: &[OsString]) {
    let out = cmd
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "taoli {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The file beside a school file that a write grows: its write-ahead log
/// (`-wal`), or the copy a rewrite builds (`.rekeying`, `.encrypting`,
/// `.restoring`).
fn beside(school: &Path, suffix: &str) -> PathBuf {
    let mut name = school.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// How far the watched files beside a school file have grown (the largest).
fn grown(school: &Path, watch: &[&str]) -> u64 {
    watch
        .iter()
        .map(|suffix| std::fs::metadata(beside(school, suffix)).map_or(0, |m| m.len()))
        .max()
        .unwrap_or(0)
}

/// The write-ahead log alone.
const WAL: &[&str] = &["-wal"];

/// Runs a write to the end, watching its write-ahead log: how long it took
/// and the largest the log grew.
fn measure(
    command: fn() -> Command,
    args: &[OsString],
    school: &Path,
    watch: &[&str],
) -> (Duration, u64) {
    let started = Instant::now();
    let mut child = command().args(args).spawn().unwrap();
    let mut largest = 0;
    let status = loop {
        largest = largest.max(grown(school, watch));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    assert!(status.success(), "taoli {args:?} failed");
    (started.elapsed(), largest)
}

/// When a run is killed.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    After(Duration),
    /// Once the watched file beside the school file (its write-ahead log,
    /// or the copy a rewrite builds) holds this many bytes.
    WalAt(u64),
}

impl Trigger {
    /// Half the time once the log reaches a random size (when the command
    /// writes one), else after a random part of its run: anywhere from
    /// before the file is opened to after the command is done.
    fn draw(rng: &mut ChaCha8Rng, took: Duration, largest_wal: u64) -> Trigger {
        if largest_wal > 0 && rng.random_bool(0.5) {
            Trigger::WalAt(rng.random_range(1..=largest_wal))
        } else {
            Trigger::After(took.mul_f64(rng.random_range(0.0..1.15)))
        }
    }
}

/// How the kill found the command: still running, and writing its log.
struct Kill {
    running: bool,
    writing: bool,
}

fn kill(
    command: fn() -> Command,
    args: &[OsString],
    school: &Path,
    trigger: Trigger,
    took: Duration,
    watch: &[&str],
) -> Kill {
    let started = Instant::now();
    let mut child = command().args(args).spawn().unwrap();
    match trigger {
        Trigger::After(delay) => std::thread::sleep(delay),
        Trigger::WalAt(bytes) => {
            // Polled closely; gives up when the command is done or long overdue.
            let give_up = took * 3 + Duration::from_secs(1);
            while grown(school, watch) < bytes
                && started.elapsed() < give_up
                && child.try_wait().unwrap().is_none()
            {
                std::thread::sleep(Duration::from_micros(100));
            }
        }
    }
    let running = child.try_wait().unwrap().is_none();
    let writing = running && grown(school, watch) > 0;
    child.kill().unwrap();
    child.wait().unwrap();
    Kill { running, writing }
}

fn args(items: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    items.iter().map(|a| a.as_ref().to_owned()).collect()
}

/// A valid resident ID number.
fn id(region: &str, born: chrono::NaiveDate, seq: u32) -> String {
    let first17 = format!("{region}{}{:03}", born.format("%Y%m%d"), seq % 1000);
    let check = taoli_core::id_number::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

/// A roster of `n` teachers (ID numbers from `region`) with 基本信息 and
/// 联系方式 values, so an import writes a teacher and two records per row.
fn roster(path: &Path, region: &str, n: u32) -> Vec<String> {
    let start = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).unwrap();
    let mut text = String::from("姓名,身份证件号,民族,政治面貌,参加工作年月,手机号码\n");
    let mut ids = Vec::new();
    for i in 0..n {
        let born = start + chrono::Duration::days(i64::from(i) * 7);
        let id = id(region, born, i);
        text.push_str(&format!("教师{i},{id},汉族,群众,2005-09,138{i:08}\n"));
        ids.push(id);
    }
    std::fs::write(path, text).unwrap();
    ids
}

/// Which password's key opens a school file: None for a plaintext file,
/// else [`PASSWORD`] or [`NEW_PASSWORD`] (an error when neither does).
fn opening_password(path: &Path) -> Result<Option<&'static str>, String> {
    let Some(salt) = file_salt(path).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    for password in [PASSWORD, NEW_PASSWORD] {
        let key = derive(password, salt)?;
        let conn = raw_connection(path, Some(&key)).map_err(|e| e.to_string())?;
        if conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .is_ok()
        {
            return Ok(Some(password));
        }
    }
    Err("neither the old nor the new 系统管理员 password opens the file".into())
}

/// A plain SQLite connection to a (possibly encrypted) school file, keyed
/// with the key of the test 系统管理员's password (old or new, whichever
/// opens it). Opening it replays a write-ahead log left by a killed process.
fn raw(path: &Path) -> Result<Connection, String> {
    let key = match (
        opening_password(path)?,
        file_salt(path).map_err(|e| e.to_string())?,
    ) {
        (Some(password), Some(salt)) => Some(derive(password, salt)?),
        _ => None,
    };
    raw_connection(path, key.as_ref()).map_err(|e| e.to_string())
}

/// Key bytes by password and salt.
type KeyCache = HashMap<(String, [u8; 16]), Vec<u8>>;

/// The key a test password derives with `salt`. Every copy of a file
/// has its salt, so each is derived once (Argon2id is slow on purpose).
fn derive(password: &str, salt: [u8; 16]) -> Result<FileKey, String> {
    thread_local! {
        static KEYS: std::cell::RefCell<KeyCache> = std::cell::RefCell::new(HashMap::new());
    }
    let cached = KEYS.with(|k| k.borrow().get(&(password.to_owned(), salt)).cloned());
    let bytes = match cached {
        Some(bytes) => bytes,
        None => {
            let key = FileKey::derive(password, salt).map_err(|e| e.to_string())?;
            let bytes = key.key().as_bytes().to_vec();
            KEYS.with(|k| {
                k.borrow_mut()
                    .insert((password.to_owned(), salt), bytes.clone())
            });
            bytes
        }
    };
    let key = taoli_core::secrets::SecretKey::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok(FileKey::from_parts(key, salt))
}

/// Which of the test passwords an account's stored hash verifies (each
/// hash checked once).
fn password_of(hash: &str) -> &'static str {
    thread_local! {
        static SEEN: std::cell::RefCell<HashMap<String, &'static str>> =
            std::cell::RefCell::new(HashMap::new());
    }
    if let Some(known) = SEEN.with(|s| s.borrow().get(hash).copied()) {
        return known;
    }
    let verifies = |p| verify_password(hash, p).unwrap_or(false);
    let which = if verifies(PASSWORD) {
        "old password"
    } else if verifies(NEW_PASSWORD) {
        "new password"
    } else {
        "another password"
    };
    SEEN.with(|s| s.borrow_mut().insert(hash.to_owned(), which));
    which
}

/// A school file's data as a comparable text: everything a write changes,
/// without ids and timestamps (which differ between runs). `None` when there
/// is no file. Opening it replays a write-ahead log left by a killed process.
fn logical_dump(path: &Path) -> Result<Option<String>, String> {
    if !path.exists() {
        return Ok(None);
    }
    let conn = raw(path)?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if integrity != "ok" {
        return Err(format!("integrity_check: {integrity}"));
    }
    let rows = |sql: &str| -> Result<Vec<String>, String> {
        let mut stmt = conn.prepare(sql).map_err(|e| format!("{sql}: {e}"))?;
        let n = stmt.column_count();
        let got = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        let v: rusqlite::types::Value = r.get(i)?;
                        Ok(format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|cells| cells.join("|"))
            })
            .map_err(|e| e.to_string())?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| e.to_string())?;
        Ok(got)
    };
    let has = |table: &str| -> Result<bool, String> {
        Ok(!rows(&format!(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        ))?
        .is_empty())
    };
    let mut dump = Vec::new();
    let mut add = |title: &str, lines: Vec<String>| {
        dump.push(format!("## {title}"));
        dump.extend(lines);
    };
    add(
        "key",
        vec![match opening_password(path)? {
            None => "plaintext".to_owned(),
            Some(PASSWORD) => "the old password's".to_owned(),
            Some(_) => "the new password's".to_owned(),
        }],
    );
    add("user_version", rows("PRAGMA user_version")?);
    add(
        "migrations",
        rows("SELECT version, name FROM migration_log ORDER BY version")?,
    );
    add(
        "school",
        rows("SELECT code, name, school_type FROM school")?,
    );
    if has("account")? {
        add(
            "accounts",
            rows("SELECT name, role, disabled_at IS NULL FROM account ORDER BY name")?,
        );
        let mut stmt = conn
            .prepare("SELECT name, password_hash FROM account ORDER BY name")
            .map_err(|e| e.to_string())?;
        let passwords = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|(name, hash)| format!("{name}: {}", password_of(&hash)))
            .collect();
        add("account passwords", passwords);
    }
    for table in ["enrollment", "enrollment_pending"] {
        if has(table)? {
            add(table, rows(&format!("SELECT COUNT(*) FROM {table}"))?);
        }
    }
    add(
        "teachers",
        rows("SELECT id_type, id_number, name, version FROM teacher ORDER BY id_type, id_number")?,
    );
    add(
        "records",
        rows(
            "SELECT t.id_number, r.group_code, r.row_order, r.fields, r.version
             FROM record r JOIN teacher t ON t.id = r.teacher_id
             ORDER BY t.id_number, r.group_code, r.row_order",
        )?,
    );
    add(
        "revisions",
        rows(
            // Each command signs in first, a transaction of its own: the
            // sign-in entries are left out, so a kill between the sign-in and
            // the write reads as before the write.
            "SELECT entity, action, COUNT(*) FROM revision WHERE action <> 'sign_in'
             GROUP BY entity, action ORDER BY 1, 2",
        )?,
    );
    add(
        "province pack",
        rows("SELECT pack_id, version FROM province_pack")?,
    );
    add(
        "warning reasons",
        rows(
            "SELECT t.id_number, w.rule, w.record_key, w.field, w.reason
             FROM warning_reason w JOIN teacher t ON t.id = w.teacher_id ORDER BY 1, 2, 3, 4",
        )?,
    );
    add(
        "imports",
        rows(
            "SELECT file_name, counts, teachers_created, records_written, undone_at IS NOT NULL
             FROM import_run ORDER BY at, id",
        )?,
    );
    add(
        "import mappings",
        rows("SELECT layout, header, target FROM import_mapping ORDER BY 1, 2")?,
    );
    for table in ["sheet_print", "signoff"] {
        if has(table)? {
            add(table, rows(&format!("SELECT COUNT(*) FROM {table}"))?);
        }
    }
    Ok(Some(dump.join("\n")))
}

/// Everything a school file must satisfy however the last write to it ended.
/// Each check lives here once; the verification of the audit chain (issue
/// #6, once the chain exists) is to be added here too, so that it runs after
/// every kill of the crash test.
fn assert_consistent(path: &Path) -> Result<(), String> {
    // SQLite's own view: the pages and the foreign keys.
    {
        let conn = raw(path)?;
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if integrity != "ok" {
            return Err(format!("integrity_check: {integrity}"));
        }
        let broken: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(|e| e.to_string())?;
        if broken > 0 {
            return Err(format!("{broken} rows break a foreign key"));
        }
        // Each import's revisions are one whole range that matches its counts.
        let mut stmt = conn
            .prepare("SELECT id, first_revision, last_revision, teachers_created, records_written FROM import_run")
            .map_err(|e| e.to_string())?;
        type Run = (String, Option<i64>, Option<i64>, i64, i64);
        let runs: Vec<Run> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(Iterator::collect)
            .map_err(|e| e.to_string())?;
        for (run, first, last, teachers, records) in runs {
            let (Some(first), Some(last)) = (first, last) else {
                continue;
            };
            let count = |sql: &str| -> Result<i64, String> {
                conn.query_row(sql, (first, last), |r| r.get(0))
                    .map_err(|e| e.to_string())
            };
            let all = count("SELECT COUNT(*) FROM revision WHERE id BETWEEN ?1 AND ?2")?;
            let created = count(
                "SELECT COUNT(*) FROM revision WHERE id BETWEEN ?1 AND ?2 AND entity = 'teacher' AND action = 'create'",
            )?;
            let written = count(
                "SELECT COUNT(*) FROM revision WHERE id BETWEEN ?1 AND ?2 AND entity = 'record' AND action IN ('create', 'update')",
            )?;
            if all != last - first + 1 || created != teachers || written != records {
                return Err(format!(
                    "import {run}: revisions {first}..={last} hold {all}, {created} teachers, {written} records; the import recorded {teachers} teachers, {records} records"
                ));
            }
        }
    }
    // The core's view: it opens the file with the password whose key it is
    // under, and every row has its revisions.
    let opening = opening_password(path)?;
    let password = opening.unwrap_or(PASSWORD);
    let mut file = match (opening, file_salt(path).map_err(|e| e.to_string())?) {
        (Some(password), Some(salt)) => SchoolFile::open_with_key(path, &derive(password, salt)?),
        _ => SchoolFile::open(path),
    }
    .map_err(|e| format!("SchoolFile::open: {e}"))?;
    // A 系统管理员 is in every file, even one whose init was the write
    // killed, and the password that opens the file signs one in: the file
    // key and the 系统管理员 password never part. An older file killed
    // before its first account gets it now.
    if file.has_users().map_err(|e| e.to_string())? {
        let signed_in = ADMINS
            .iter()
            .any(|admin| file.sign_in(&Credentials::new(*admin, password)).is_ok());
        if !signed_in {
            return Err(format!(
                "the file opens with the {} password, which signs no 系统管理员 in",
                if password == PASSWORD { "old" } else { "new" }
            ));
        }
    } else {
        file.create_first_admin(&Credentials::new("管理员", password))
            .map_err(|e| format!("create the first 系统管理员: {e}"))?;
    }
    file.school().map_err(|e| e.to_string())?;
    // The audit trail: every entry chained, none lost to the kill.
    let check = file.audit().verify().map_err(|e| e.to_string())?;
    if let Some(broken) = check.broken {
        return Err(format!(
            "audit chain broken at {}: {}",
            broken.id, broken.reason
        ));
    }
    let revisions = file.audit().revisions().map_err(|e| e.to_string())?;
    if !revisions
        .iter()
        .any(|r| r.entity == Entity::School && r.action == Action::Create)
    {
        return Err("no revision created the school".into());
    }
    let mut latest = HashMap::new();
    let mut created = std::collections::HashSet::new();
    let entity = |e: Entity| match e {
        Entity::School => "school",
        Entity::Teacher => "teacher",
        Entity::Record => "record",
        Entity::Export => "export",
        Entity::Backup => "backup",
        Entity::Account => "account",
        Entity::Upstream => "upstream",
        Entity::Import => "import",
    };
    for r in &revisions {
        let key = (entity(r.entity), r.entity_id.as_str());
        if r.action == Action::Create {
            created.insert(key);
        }
        latest.insert(key, r);
    }
    let teachers = file.teachers().all().map_err(|e| e.to_string())?;
    for t in &teachers {
        if !created.contains(&("teacher", t.id.as_str())) {
            return Err(format!("teacher {} has no create revision", t.name));
        }
        let named = revisions
            .iter()
            .rev()
            .filter(|r| r.entity == Entity::Teacher && r.entity_id == t.id)
            .find_map(|r| r.new_value.as_ref()?.get("name").cloned());
        if named.as_ref().and_then(|n| n.as_str()) != Some(t.name.as_str()) {
            return Err(format!("teacher {}: last revision names {named:?}", t.name));
        }
    }
    let records = file.teachers().all_records().map_err(|e| e.to_string())?;
    for record in &records {
        let Some(last) = latest.get(&("record", record.id.as_str())) else {
            return Err(format!("record {} has no revision", record.id));
        };
        let new = last.new_value.as_ref();
        let fields = new.and_then(|v| v.get("fields"));
        let version = new.and_then(|v| v.get("version")).and_then(|v| v.as_i64());
        if last.action == Action::Delete
            || fields != Some(&serde_json::Value::Object(record.fields.clone()))
            || version != Some(record.version)
        {
            return Err(format!(
                "record {}: the last revision ({:?}) does not hold its fields and version",
                record.id, last.action
            ));
        }
    }
    // What the revisions say was deleted is gone; what they say exists is there.
    let teacher_ids: std::collections::HashSet<&str> =
        teachers.iter().map(|t| t.id.as_str()).collect();
    let record_ids: std::collections::HashSet<&str> =
        records.iter().map(|r| r.id.as_str()).collect();
    for ((entity, entity_id), last) in &latest {
        let stored = match *entity {
            "teacher" if entity_id.contains(':') => continue, // sheet:…, signoff:…
            "teacher" => teacher_ids.contains(entity_id),
            "record" => record_ids.contains(entity_id),
            _ => continue,
        };
        if stored == (last.action == Action::Delete) {
            return Err(format!(
                "{entity} {entity_id}: last revision {:?}, {}",
                last.action,
                if stored { "still stored" } else { "not stored" }
            ));
        }
    }
    file.close().map_err(|e| e.to_string())?;
    Ok(())
}

/// The 系统管理员 accounts of these files: the first, and the one the
/// "add a 系统管理员" write adds.
const ADMINS: [&str; 2] = ["管理员", "管理员2"];

/// Every backup beside a killed run's school file (its automatic backups,
/// a chosen folder) is whole: none is ever half written under its name.
fn assert_backups_whole(run: &Path, school: &Path) -> Result<(), String> {
    let mut folders = vec![run.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path != school && path.extension().is_some_and(|e| e == "taoli") {
                let conn = raw(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let integrity: String = conn
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if integrity != "ok" {
                    return Err(format!("{}: {integrity}", path.display()));
                }
            }
        }
    }
    Ok(())
}

/// The arguments of a write, given the school file's path.
type Args = Box<dyn Fn(&Path) -> Vec<OsString>>;

/// One write to crash: the file it starts from (none for `init`), its
/// arguments, and how many runs it gets.
struct Op {
    name: &'static str,
    runs: u32,
    start: Option<PathBuf>,
    args: Args,
    /// The command with its environment (who signs in, the new password).
    command: fn() -> Command,
    /// The files beside the school file whose growth a kill may wait for.
    watch: &'static [&'static str],
    /// For a command of two transactions by design: makes, from the start
    /// file, the state between them, which a kill may also leave.
    middle: Option<fn(&Path)>,
}

/// The prepared files and the writes to crash.
struct Setup {
    _dir: TempDir,
    ops: Vec<Op>,
}

const SCHOOL: [&str; 8] = [
    "--code",
    "2151072201",
    "--name",
    "XX县第一小学",
    "--type",
    "211",
    "--admin",
    "管理员",
];

/// Every account's password in these files.
const PASSWORD: &str = "taoli-test-pass";

/// The 系统管理员 password the password change and the new 系统管理员 set.
const NEW_PASSWORD: &str = "taoli-new-pass-2026";

/// `taoli` as the 系统管理员, setting [`NEW_PASSWORD`].
fn admin_setting_new_password() -> Command {
    let mut cmd = taoli();
    cmd.env("TAOLI_USER", "管理员")
        .env("TAOLI_NEW_PASSWORD", NEW_PASSWORD);
    cmd
}

/// How many times as often as by default each write is killed.
fn rounds() -> u32 {
    std::env::var("TAOLI_CRASH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1)
}

/// Copies `from` (and nothing beside it: the prepared files are closed, so
/// their write-ahead logs are empty) to `to`.
fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

/// Writes a plaintext copy of the encrypted school file at `encrypted` to
/// `plaintext`, as a school file from before encryption.
fn plaintext_copy(encrypted: &Path, plaintext: &Path) {
    let conn = raw(encrypted).unwrap();
    conn.execute(
        "ATTACH DATABASE ?1 AS plaintext KEY ''",
        [plaintext.to_str().unwrap()],
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
    assert_eq!(file_salt(plaintext).unwrap(), None);
}

/// Creates the school at `path` with the clerk the writes sign in as
/// (TAOLI_USER), added by the 系统管理员.
fn new_school(path: &Path) {
    run(&args(&[
        &"init", &path, &SCHOOL[0], &SCHOOL[1], &SCHOOL[2], &SCHOOL[3], &SCHOOL[4], &SCHOOL[5],
        &SCHOOL[6], &SCHOOL[7],
    ]));
    run_as_admin(&args(&[
        &"user",
        &"add",
        &path,
        &"测试员",
        &"--role",
        &"信息管理员",
    ]));
}

fn setup() -> Setup {
    let dir = TempDir::new().unwrap();
    let p = |name: &str| dir.path().join(name);
    let base = p("base.taoli");
    new_school(&base);
    let staff = roster(&p("staff.csv"), "510722", 200);
    run(&args(&[&"import", &base, &p("staff.csv")]));
    let big = p("big.csv");
    roster(&big, "510723", 2000);
    let first = staff[0].clone();
    let second = staff[1].clone();

    // 教师0 (female by the ID) entered as male: a warning to explain.
    let warned = p("warned.taoli");
    copy(&base, &warned);
    run(&args(&[
        &"teacher",
        &"set",
        &warned,
        &"--id-number",
        &first,
        &"性别=男",
    ]));

    let pack =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/province/example-pack.toml");
    let packed = p("packed.taoli");
    copy(&base, &packed);
    run_as_admin(&args(&[&"province", &"use", &packed, &pack]));

    let imported = p("imported.taoli");
    copy(&base, &imported);
    run(&args(&[&"import", &imported, &big]));

    // A sheet printed for 教师0, to sign off.
    let printed = p("printed.taoli");
    copy(&base, &printed);
    let out = taoli()
        .arg("sheets")
        .arg(&printed)
        .arg("-o")
        .arg(p("printed.pdf"))
        .args(["--teacher", &first, "--json"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    let sheets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fingerprint = sheets["sheets"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();

    // The base file as the previous schema version left it.
    let older = p("older.taoli");
    copy(&base, &older);
    {
        let conn = raw(&older).unwrap();
        conn.execute_batch(
            // Every table a migration after version 5 made goes, so that
            // opening the file runs those migrations again; but the base's
            // import is recorded as a change set, which migration 13 keeps
            // (it creates only what is missing), so that stays.
            "DROP TABLE signoff; DROP TABLE sheet_print; DROP TABLE account;
             DROP TABLE review_result; DROP TABLE batch_item; DROP TABLE batch;
             DROP TABLE enrollment_pending; DROP TABLE enrollment;
             DROP TABLE recovery_code; DROP TABLE file_key_history; DROP TABLE pending_value;
             DROP TABLE status_event;
             DELETE FROM migration_log WHERE version > 5; PRAGMA user_version = 5;",
        )
        .unwrap();
    }

    // A plaintext file, as Taoli wrote them before encryption; and one
    // without accounts yet (made before accounts existed).
    let plain = p("plain.taoli");
    plaintext_copy(&base, &plain);
    let plain_no_accounts = p("plain-no-accounts.taoli");
    plaintext_copy(&base, &plain_no_accounts);
    raw(&plain_no_accounts)
        .unwrap()
        .execute("DELETE FROM account", [])
        .unwrap();

    // A file backed up to a folder, then changed: the backup to restore.
    let restorable = p("restorable.taoli");
    copy(&base, &restorable);
    let out = taoli()
        .env("TAOLI_USER", "管理员")
        .arg("backup")
        .arg(&restorable)
        .arg("--to")
        .arg(p("saved"))
        .arg("--json")
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(out.status.success());
    let saved: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let saved = PathBuf::from(saved["path"].as_str().unwrap());
    let later_id = id(
        "510725",
        chrono::NaiveDate::from_ymd_opt(1986, 5, 6).unwrap(),
        12,
    );
    run(&args(&[
        &"teacher",
        &"add",
        &restorable,
        &"--name",
        &"后来的教师",
        &"--id-number",
        &later_id,
    ]));

    let new_id = id(
        "510724",
        chrono::NaiveDate::from_ymd_opt(1985, 3, 4).unwrap(),
        11,
    );
    let pdf = p("crash.pdf");
    let op = |name, runs, start: Option<&PathBuf>, args: Args| Op {
        name,
        runs,
        start: start.cloned(),
        args,
        command: taoli,
        watch: WAL,
        middle: None,
    };
    let (f1, f2, f3, f4, f5) = (
        first.clone(),
        first.clone(),
        first.clone(),
        first.clone(),
        first.clone(),
    );
    let ops = vec![
        op(
            "init",
            10,
            None,
            Box::new(|s| {
                args(&[
                    &"init", &s, &SCHOOL[0], &SCHOOL[1], &SCHOOL[2], &SCHOOL[3], &SCHOOL[4],
                    &SCHOOL[5], &SCHOOL[6], &SCHOOL[7],
                ])
            }),
        ),
        op(
            "user passwd",
            8,
            Some(&base),
            Box::new(|s| args(&[&"user", &"passwd", &s])),
        ),
        op(
            "teacher add",
            8,
            Some(&base),
            Box::new(move |s| {
                args(&[
                    &"teacher",
                    &"add",
                    &s,
                    &"--name",
                    &"新教师",
                    &"--id-number",
                    &new_id,
                ])
            }),
        ),
        op(
            "teacher set",
            12,
            Some(&base),
            Box::new(move |s| {
                args(&[
                    &"teacher",
                    &"set",
                    &s,
                    &"--id-number",
                    &f1,
                    &"民族=回族",
                    &"婚姻状况=已婚",
                ])
            }),
        ),
        op(
            "record add",
            12,
            Some(&base),
            Box::new(move |s| {
                args(&[
                    &"record",
                    &"add",
                    &s,
                    &"--id-number",
                    &f2,
                    &"--group",
                    &"学习经历",
                    &"获得学历=大学本科",
                    &"入学年月=2001-09",
                ])
            }),
        ),
        op(
            "warning explain",
            12,
            Some(&warned),
            Box::new(move |s| {
                args(&[
                    &"warning",
                    &"explain",
                    &s,
                    &"--id-number",
                    &f3,
                    &"--rule",
                    &"gender_matches_id",
                    &"--reason",
                    &"以人事档案为准",
                ])
            }),
        ),
        op(
            "province use",
            12,
            Some(&base),
            Box::new(move |s| args(&[&"--user", &"管理员", &"province", &"use", &s, &pack])),
        ),
        op(
            "province clear",
            12,
            Some(&packed),
            Box::new(|s| args(&[&"--user", &"管理员", &"province", &"clear", &s])),
        ),
        op(
            "import",
            28,
            Some(&base),
            Box::new(move |s| args(&[&"import", &s, &big])),
        ),
        op(
            "import-undo",
            18,
            Some(&imported),
            Box::new(|s| args(&[&"import-undo", &s])),
        ),
        op(
            "sheets",
            10,
            Some(&base),
            Box::new(move |s| {
                args(&[
                    &"sheets",
                    &s,
                    &"-o",
                    &pdf,
                    &"--teacher",
                    &f4,
                    &"--teacher",
                    &second,
                ])
            }),
        ),
        op(
            "signoff",
            12,
            Some(&printed),
            Box::new(move |s| {
                args(&[
                    &"signoff",
                    &s,
                    &"--id-number",
                    &f5,
                    &"--fingerprint",
                    &fingerprint,
                ])
            }),
        ),
        Op {
            // An older file has no accounts: opening it to create its first
            // 系统管理员 migrates it (one transaction), then writes the
            // account (another).
            middle: Some(|s| {
                SchoolFile::open_with_password(s, PASSWORD, &MemorySecretStore::new())
                    .unwrap()
                    .close()
                    .unwrap()
            }),
            ..op(
                "open an older file",
                12,
                Some(&older),
                Box::new(|s| args(&[&"user", &"add", &s, &"管理员", &"--role", &"系统管理员"])),
            )
        },
        op(
            "backup",
            10,
            Some(&base),
            Box::new(|s| args(&[&"backup", &s])),
        ),
        op(
            "backup --to",
            8,
            Some(&base),
            Box::new(|s| {
                let folder = s.with_file_name("U盘");
                args(&[&"backup", &s, &"--to", &folder])
            }),
        ),
        Op {
            // The file as it was is backed up (恢复前) and that recorded,
            // one transaction; then the restore, another.
            watch: &["-wal", ".restoring"],
            middle: Some(|s| {
                let mut file =
                    SchoolFile::open_with_password(s, PASSWORD, &MemorySecretStore::new()).unwrap();
                file.sign_in(&Credentials::new("管理员", PASSWORD)).unwrap();
                file.backups()
                    .now(taoli_core::store::BackupReason::BeforeRestore)
                    .unwrap();
                file.close().unwrap();
            }),
            ..op(
                "restore",
                16,
                Some(&restorable),
                Box::new(move |s| args(&[&"--user", &"管理员", &"restore", &s, &saved])),
            )
        },
        // The rewrites under a new key build a copy beside the file: half
        // the kills wait for it to grow.
        Op {
            watch: &[".encrypting"],
            ..op(
                "encrypt (sign-in)",
                12,
                Some(&plain),
                Box::new(|s| args(&[&"--user", &"管理员", &"user", &"list", &s])),
            )
        },
        Op {
            watch: &[".encrypting"],
            ..op(
                "encrypt (first admin)",
                12,
                Some(&plain_no_accounts),
                Box::new(|s| args(&[&"user", &"add", &s, &"管理员", &"--role", &"系统管理员"])),
            )
        },
        Op {
            command: admin_setting_new_password,
            watch: &[".rekeying"],
            ..op(
                "admin password",
                16,
                Some(&base),
                Box::new(|s| args(&[&"user", &"passwd", &s])),
            )
        },
        Op {
            command: admin_setting_new_password,
            watch: &[".rekeying"],
            ..op(
                "add an admin",
                14,
                Some(&base),
                Box::new(|s| args(&[&"user", &"add", &s, &"管理员2", &"--role", &"系统管理员"])),
            )
        },
    ];
    Setup { _dir: dir, ops }
}

/// How one killed run ended.
#[derive(Debug, Default)]
struct Tally {
    runs: u32,
    before: u32,
    after: u32,
    /// Left between a two-transaction command's transactions.
    middle: u32,
    /// Kills that found the command still running.
    killed_running: u32,
    /// Kills that found it running with its write-ahead log written to.
    killed_writing: u32,
}

#[test]
fn over_two_hundred_kills_across_every_write_leave_each_file_whole_and_all_or_nothing() {
    let mut setup = setup();
    let rounds = rounds();
    // TAOLI_CRASH_ONLY=NAME,NAME kills only those writes (while working on them).
    let only = std::env::var("TAOLI_CRASH_ONLY").ok();
    if let Some(only) = &only {
        let names: Vec<&str> = only.split(',').collect();
        setup.ops.retain(|op| names.contains(&op.name));
    }
    let kills: u32 = setup.ops.iter().map(|o| o.runs * rounds).sum();
    assert!(only.is_some() || kills >= 200, "{kills} kills");
    let work = TempDir::new().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut tallies: Vec<(&str, Tally)> = Vec::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for op in &setup.ops {
        // The states before and after the write, and how long it takes.
        let dir = work.path().join(format!("{}-whole", op.name));
        std::fs::create_dir_all(&dir).unwrap();
        let school = dir.join("school.taoli");
        if let Some(start) = &op.start {
            copy(start, &school);
        }
        let before = logical_dump(&school).unwrap();
        let (took, largest_wal) = measure(op.command, &(op.args)(&school), &school, op.watch);
        let after = logical_dump(&school).unwrap();
        assert_ne!(before, after, "{} changed nothing", op.name);
        let middle = op.middle.map(|make| {
            let school = dir.join("middle.taoli");
            copy(op.start.as_ref().unwrap(), &school);
            make(&school);
            logical_dump(&school).unwrap()
        });
        let mut tally = Tally::default();
        for _ in 0..op.runs * rounds {
            n += 1;
            let dir = work.path().join(format!("run-{n}"));
            std::fs::create_dir_all(&dir).unwrap();
            let school = dir.join("school.taoli");
            if let Some(start) = &op.start {
                copy(start, &school);
            }
            let trigger = Trigger::draw(&mut rng, took, largest_wal);
            let killed = kill(
                op.command,
                &(op.args)(&school),
                &school,
                trigger,
                took,
                op.watch,
            );
            tally.runs += 1;
            tally.killed_running += u32::from(killed.running);
            tally.killed_writing += u32::from(killed.writing);
            let context = format!(
                "run {n} ({}, killed at {trigger:?}; the whole run took {took:?})",
                op.name
            );
            let state = match logical_dump(&school) {
                Ok(state) => state,
                Err(e) => {
                    failures.push(format!("{context}: {e}"));
                    continue;
                }
            };
            if state == before {
                tally.before += 1;
            } else if state == after {
                tally.after += 1;
            } else if middle.as_ref() == Some(&state) {
                tally.middle += 1;
            } else {
                failures.push(format!(
                    "{context}: neither before nor after:\n{}",
                    state.unwrap_or_default()
                ));
                continue;
            }
            if let Err(e) = assert_backups_whole(&dir, &school) {
                failures.push(format!("{context}: {e}"));
            }
            if state.is_some()
                && let Err(e) = assert_consistent(&school)
            {
                failures.push(format!("{context}: {e}"));
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
        tallies.push((op.name, tally));
    }
    eprintln!("{kills} kills");
    for (name, t) in &tallies {
        eprintln!(
            "{name:>20}: {:>3} runs, {:>3} killed running, {:>3} of them writing; {:>3} left as before, {:>3} between, {:>3} as after",
            t.runs, t.killed_running, t.killed_writing, t.before, t.middle, t.after
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The kills did land where they matter (counts depend on timing, so the
    // bounds are loose).
    let running: u32 = tallies.iter().map(|(_, t)| t.killed_running).sum();
    let writing: u32 = tallies.iter().map(|(_, t)| t.killed_writing).sum();
    if only.is_some() {
        return;
    }
    assert!(
        running >= 100,
        "only {running} kills found the command running"
    );
    assert!(
        writing >= 20,
        "only {writing} kills found the command writing"
    );
}

// ------------------------------------------------- reporting to the upstream

#[path = "../../taoli-core/tests/support/upstream.rs"]
mod upstream;

use taoli_upstream::Faults;
use upstream::Upstream;

/// The school of [`SCHOOL`].
const SCHOOL_CODE: &str = "2151072201";

/// `taoli` for the reporting commands: a computer without a keychain (the
/// signing key is kept in the school file under the 系统管理员 password),
/// and the payload sent in small pieces, so that an upload lasts long
/// enough to be killed in the middle of it.
fn reporting() -> Command {
    let mut cmd = taoli();
    cmd.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/taoli-test-bus",
    )
    .env("TAOLI_ADMIN_PASSWORD", PASSWORD)
    .env("TAOLI_UPLOAD_CHUNK_BYTES", "200");
    cmd
}

/// Every request a little slow: an upload of a few teachers takes about a second.
fn slow() -> Faults {
    Faults {
        delay_ms: 40,
        ..Faults::default()
    }
}

/// Points a school file's enrollment at the upstream at `url`.
fn point_at(school: &Path, url: &str) {
    raw(school)
        .unwrap()
        .execute("UPDATE enrollment SET upstream = ?1", [url])
        .unwrap();
}

/// Runs a reporting command to the end: whether it succeeded, and what it printed.
fn report(args: &[&str], school: &Path) -> (bool, String) {
    let out = reporting()
        .args(args)
        .arg(school)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

/// What `taoli ARGS SCHOOL --json` prints.
fn json_of(args: &[&str], school: &Path) -> Result<serde_json::Value, String> {
    let mut all = args.to_vec();
    all.push("--json");
    let out = reporting()
        .args(&all[..1])
        .arg(school)
        .args(&all[1..])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    if !out.status.success() {
        return Err(format!(
            "taoli {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// Once a sync has run to the end: every batch of the school file is
/// received, numbered 1, 2, 3 … and its receipt kept; the upstream holds
/// exactly those batches, received, each payload the file's byte for byte,
/// and no change in two of them.
fn assert_each_batch_once(school: &Path, upstream: &Upstream) -> Result<(), String> {
    let status = json_of(&["status"], school)?;
    let receipts = json_of(&["receipts"], school)?;
    let batches = status["batches"].as_array().cloned().unwrap_or_default();
    let mut sequences = Vec::new();
    for batch in &batches {
        if batch["state"] != "received" {
            return Err(format!("batch {} is {}", batch["id"], batch["state"]));
        }
        let id = batch["id"].as_str().unwrap_or_default();
        let held = upstream
            .payload(id)
            .ok_or_else(|| format!("the upstream does not hold batch {id}"))?;
        if taoli_core::protocol::sha256_hex(&held) != batch["payload_sha256"] {
            return Err(format!("batch {id}: the upstream holds other bytes"));
        }
        sequences.push(batch["sequence"].as_i64().unwrap_or_default());
    }
    sequences.sort_unstable();
    if sequences != (1..=sequences.len() as i64).collect::<Vec<_>>() {
        return Err(format!("sequences {sequences:?}"));
    }
    let mut kept: Vec<&str> = receipts
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["batch_id"].as_str()).collect())
        .unwrap_or_default();
    let mut ours: Vec<&str> = batches.iter().filter_map(|b| b["id"].as_str()).collect();
    kept.sort_unstable();
    ours.sort_unstable();
    if kept != ours {
        return Err(format!("receipts kept for {kept:?}, batches {ours:?}"));
    }
    let mut theirs: Vec<(String, String)> = upstream.batches();
    theirs.sort();
    let received: Vec<&str> = theirs
        .iter()
        .filter(|(_, state)| state == "received")
        .map(|(id, _)| id.as_str())
        .collect();
    if received != ours || theirs.len() != ours.len() {
        return Err(format!("the upstream holds {theirs:?}, the file {ours:?}"));
    }
    let mut changes = std::collections::HashSet::new();
    for id in &ours {
        for record in upstream.records(id) {
            if !changes.insert(record.clone()) {
                return Err(format!("change {record} was received twice"));
            }
        }
    }
    Ok(())
}

/// One reporting command to kill, and the file it starts from.
struct ReportingOp {
    name: &'static str,
    runs: u32,
    start: PathBuf,
    args: &'static [&'static str],
    /// For `taoli enroll`: the 报送码 (the upstream's database holds it
    /// issued); the file starts not enrolled.
    enroll_code: Option<String>,
}

#[test]
fn submit_and_sync_killed_anywhere_leave_every_batch_received_exactly_once() {
    let dir = TempDir::new().unwrap();
    let p = |name: &str| dir.path().join(name);
    // The school: six complete teachers, enrolled with the upstream.
    let base = p("base.taoli");
    new_school(&base);
    {
        let mut file =
            SchoolFile::open_with_password(&base, PASSWORD, &MemorySecretStore::new()).unwrap();
        file.sign_in(&Credentials::new("测试员", PASSWORD)).unwrap();
        for n in 0..6 {
            upstream::add_complete_teacher(&mut file, &format!("教师{n}"), n);
        }
        file.close().unwrap();
    }
    let unenrolled = p("unenrolled.taoli");
    copy(&base, &unenrolled);
    let enrolled_upstream = p("upstream.db");
    let coded_upstream = p("coded-upstream.db");
    let spare = {
        let upstream = Upstream::start();
        let spare = upstream.code(SCHOOL_CODE);
        upstream.snapshot(&coded_upstream);
        let code = upstream.code(SCHOOL_CODE);
        let (ok, printed) = report(
            &["enroll", "--upstream", &upstream.url(), "--code", &code],
            &base,
        );
        assert!(ok, "{printed}");
        upstream.snapshot(&enrolled_upstream);
        spare
    };
    // The same school with its batch built and left in flight: the link was down.
    let in_flight = p("in-flight.taoli");
    copy(&base, &in_flight);
    point_at(&in_flight, "http://127.0.0.1:9");
    let (ok, printed) = report(&["submit", "--retries", "1"], &in_flight);
    assert!(!ok && printed.contains("已生成第 1 批"), "{printed}");

    let ops = [
        ReportingOp {
            name: "enroll",
            runs: 8,
            start: unenrolled,
            args: &["enroll"],
            enroll_code: Some(spare),
        },
        ReportingOp {
            name: "submit",
            runs: 10,
            start: base,
            args: &["submit"],
            enroll_code: None,
        },
        ReportingOp {
            name: "sync",
            runs: 8,
            start: in_flight,
            args: &["sync"],
            enroll_code: None,
        },
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
    let mut failures = Vec::new();
    let mut running = 0;
    let mut mid_upload = 0;
    for op in &ops {
        let args_of = |school: &Path, url: &str| {
            let mut all: Vec<OsString> = vec![op.args[0].into(), school.into()];
            all.extend(op.args[1..].iter().map(OsString::from));
            if let Some(code) = &op.enroll_code {
                all.extend(args(&[&"--upstream", &url, &"--code", code]));
            }
            all
        };
        let upstream_db = if op.enroll_code.is_some() {
            &coded_upstream
        } else {
            &enrolled_upstream
        };
        let (took, largest_wal) = {
            let school = p(&format!("{}-whole.taoli", op.name));
            copy(&op.start, &school);
            let upstream = Upstream::start_from(upstream_db, slow());
            point_at(&school, &upstream.url());
            measure(reporting, &args_of(&school, &upstream.url()), &school, WAL)
        };
        for n in 0..op.runs * rounds() {
            let run = p(&format!("{}-{n}", op.name));
            std::fs::create_dir_all(&run).unwrap();
            let school = run.join("school.taoli");
            copy(&op.start, &school);
            let upstream = Upstream::start_from(upstream_db, slow());
            point_at(&school, &upstream.url());
            let trigger = Trigger::draw(&mut rng, took, largest_wal);
            let killed = kill(
                reporting,
                &args_of(&school, &upstream.url()),
                &school,
                trigger,
                took,
                WAL,
            );
            running += u32::from(killed.running);
            let context = format!("{} run {n} (killed at {trigger:?} of {took:?})", op.name);
            if upstream
                .batches()
                .iter()
                .any(|(id, state)| state == "receiving" && upstream.held(id) > 0)
            {
                mid_upload += 1;
            }
            if let Err(e) = assert_consistent(&school) {
                failures.push(format!("{context}: {e}"));
                continue;
            }
            upstream.set_faults(Faults::default());
            // An enrollment killed anywhere is finished by enrolling again
            // with the same 报送码 (the key kept before the request is sent
            // again).
            // Killed after the enrollment was complete, the file is enrolled
            // (and the code used): nothing to do again.
            let enrolled = json_of(&["status"], &school)
                .map(|s| !s["enrollment"].is_null())
                .unwrap_or(false);
            if let (Some(code), false) = (&op.enroll_code, enrolled) {
                let (ok, printed) = report(
                    &["enroll", "--upstream", &upstream.url(), "--code", code],
                    &school,
                );
                if !ok {
                    failures.push(format!("{context}: enrolling again failed: {printed}"));
                    continue;
                }
            }
            // Restarted: the sync finishes what was started …
            let (ok, printed) = report(&["sync"], &school);
            if !ok {
                failures.push(format!("{context}: the restarted sync failed: {printed}"));
                continue;
            }
            if let Err(e) = assert_each_batch_once(&school, &upstream) {
                failures.push(format!("{context}, after the sync: {e}"));
                continue;
            }
            // … and nothing is lost: a submit reports whatever was not sent.
            let (ok, printed) = report(&["submit"], &school);
            let unsent = json_of(&["status"], &school)
                .map(|s| s["missing"]["unsent_changes"].as_u64().unwrap_or(u64::MAX));
            match (ok, unsent) {
                (true, Ok(0)) => {}
                other => {
                    failures.push(format!("{context}: then submit: {other:?} {printed}"));
                    continue;
                }
            }
            if let Err(e) = assert_each_batch_once(&school, &upstream) {
                failures.push(format!("{context}, after the submit: {e}"));
                continue;
            }
            std::fs::remove_dir_all(&run).unwrap();
        }
    }
    eprintln!(
        "{} runs: {running} kills found the command running, {mid_upload} in the middle of an upload",
        ops.iter().map(|o| o.runs).sum::<u32>()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // The kills did land in the middle of uploads (timing decides how
    // many, so the bound is loose).
    assert!(mid_upload >= 1, "no kill found an upload half done");
}

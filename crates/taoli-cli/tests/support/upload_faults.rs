//! The upload fault campaign (docs/reliability.md, "Upload fault campaign"):
//! seeded, randomized runs of a school reporting to the reference upstream
//! through a link that fails in every way the campaign knows, each run
//! checked to end with every batch held upstream exactly once and nothing
//! lost. Shared by the short run in the test suite (`tests/upload_faults.rs`)
//! and the long one (`benches/upload_faults.rs`).
//!
//! Everything is real: the school file (SQLCipher, on disk), the core's
//! client (`Reporting::submit`, reqwest over TCP), the `taoli` binary for
//! the runs whose client is killed, and the reference upstream
//! (`taoli-upstream`, axum + SQLite) on 127.0.0.1 in this process. Between
//! the client and the upstream sits [`Link`], a TCP proxy on 127.0.0.1
//! that reads each HTTP request whole and injects the run's faults by the
//! request's number:
//!
//! | fault | what happens |
//! |---|---|
//! | `cut request` | only the first bytes of the request (a random count) reach the upstream, then both connections close |
//! | `cut response` | the upstream answers (and has committed); only a random part of the answer reaches the client |
//! | `500 before commit` | the upstream answers 500 `server_error` without doing anything (`Faults::fail_before_commit`) |
//! | `500 after commit` | the upstream commits the write, then answers 500 (`Faults::fail_after_commit`) |
//! | `duplicate` | the request reaches the upstream twice: a copy goes on a second connection at the same moment |
//! | `late` | the request is held, the client's connection closed without an answer (it retries and goes on), and the held request delivered afterwards: an older request arriving after newer ones |
//! | `delay` | the request waits 10–150 ms before it goes on |
//! | `upstream restart` | the upstream is stopped (its runtime dropped, connections and all) while the request is in it, and started again on the same database |
//! | `client kill` | the round's first submit is `taoli submit` in a child process, killed with SIGKILL at a random moment of its run; the school file is then opened again and the client goes on |
//!
//! A run: a copy of an enrolled school (three complete teachers) and of the
//! upstream's database; one to three rounds of edits (each teacher's mobile
//! number set to a value unique in the campaign) each followed by submits
//! until the client reports everything sent (no batch in flight, nothing
//! refused, no change unsent). Then [`check`]: every batch of the school
//! file is received and its receipt kept and verified (the pinned upstream
//! key, the batch's own manifest); the upstream holds each exactly once,
//! received, its payload the file's byte for byte; no change is in two
//! batches; the last value of every edit is in a batch the upstream holds.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use taoli_core::account::{NewUser, Role};
use taoli_core::batches::{Backoff, BatchState, KeyAccess, SubmitOptions, SyncOptions};
use taoli_core::protocol::{PublicKey, SignedManifest, SignedReceipt};
use taoli_core::store::{FileKey, file_salt, raw_connection};
use taoli_core::{Credentials, SchoolFile};
use taoli_upstream::{Db, Faults, Server};
use tempfile::TempDir;

use crate::upstream::{add_complete_teacher, new_school};

const ADMIN: &str = "管理员";
const CLERK: &str = "报送员";
const PASSWORD: &str = "taoli-test-pass";
/// Teachers in the school.
const TEACHERS: u32 = 3;
/// The faults are drawn for the first this-many requests of a run.
const FAULT_WINDOW: u64 = 14;
/// Submit passes a run may take before it counts as stuck.
const MAX_PASSES: u32 = 60;

/// The kinds of fault, as the campaign counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    CutRequest,
    CutResponse,
    FailBeforeCommit,
    FailAfterCommit,
    Duplicate,
    Late,
    Delay,
    Restart,
    ClientKill,
}

impl Kind {
    const ON_THE_LINK: [Kind; 8] = [
        Kind::CutRequest,
        Kind::CutResponse,
        Kind::FailBeforeCommit,
        Kind::FailAfterCommit,
        Kind::Duplicate,
        Kind::Late,
        Kind::Delay,
        Kind::Restart,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::CutRequest => "cut request",
            Kind::CutResponse => "cut response",
            Kind::FailBeforeCommit => "500 before commit",
            Kind::FailAfterCommit => "500 after commit",
            Kind::Duplicate => "duplicate",
            Kind::Late => "late (reordered)",
            Kind::Delay => "delay",
            Kind::Restart => "upstream restart",
            Kind::ClientKill => "client kill",
        }
    }
}

/// One fault planned for one request: its kind and a random fraction
/// (where a cut falls, how long a delay is).
#[derive(Debug, Clone, Copy)]
struct Fault {
    kind: Kind,
    at: f64,
}

/// What the campaign counted.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    pub runs: u64,
    /// Batches the school files made (each must be held exactly once).
    pub batches: u64,
    pub held_exactly_once: u64,
    /// Edits whose last value the upstream does not hold, and batches of
    /// the school file the upstream does not hold.
    pub lost: u64,
    /// Batches or changes the upstream holds more than once.
    pub duplicated: u64,
    /// Faults injected, by kind.
    pub faults: BTreeMap<Kind, u64>,
    /// Submit passes in all, and requests through the link.
    pub passes: u64,
    pub requests: u64,
    /// What failed, one line a run.
    pub failures: Vec<String>,
}

impl Totals {
    pub fn print(&self, took: Duration) {
        println!("upload fault campaign: {} runs in {:.1?}", self.runs, took);
        println!("faults injected, by kind:");
        for (kind, n) in &self.faults {
            println!("  {:<20} {n:>6}", kind.name());
        }
        println!(
            "  {:<20} {:>6}",
            "all",
            self.faults.values().copied().sum::<u64>()
        );
        println!(
            "requests {}, submit passes {}; batches {}, held exactly once {}, lost {}, duplicated {}, runs failed {}",
            self.requests,
            self.passes,
            self.batches,
            self.held_exactly_once,
            self.lost,
            self.duplicated,
            self.failures.len()
        );
        for failure in &self.failures {
            println!("FAILED {failure}");
        }
    }
}

// ------------------------------------------------------------------ upstream

/// The reference upstream on 127.0.0.1 over one database file, which can
/// be stopped and started again on it.
struct Station {
    db: PathBuf,
    running: Option<(tokio::runtime::Runtime, Server)>,
}

impl Station {
    fn start(db: &Path) -> Station {
        let mut station = Station {
            db: db.to_owned(),
            running: None,
        };
        station.boot();
        station
    }

    fn boot(&mut self) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let db = Db::open(&self.db).unwrap();
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = runtime
            .block_on(Server::start(db, listen, false, Faults::default()))
            .unwrap();
        self.running = Some((runtime, server));
    }

    fn server(&self) -> &Server {
        &self.running.as_ref().unwrap().1
    }

    fn addr(&self) -> SocketAddr {
        self.server().addr()
    }

    /// Stops the server, dropping every connection and request in it
    /// (a database transaction under way finishes or does not start), and
    /// starts it again on the same database: the address changes.
    fn restart(&mut self) {
        if let Some((runtime, server)) = self.running.take() {
            runtime.block_on(server.stop());
            drop(runtime);
        }
        self.boot();
    }

    fn set_faults(&self, faults: Faults) {
        self.server().set_faults(faults);
    }

    fn faults(&self) -> Faults {
        self.server().faults()
    }

    fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(&self.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap()
    }
}

impl Drop for Station {
    fn drop(&mut self) {
        if let Some((runtime, server)) = self.running.take() {
            runtime.block_on(server.stop());
        }
    }
}

// ---------------------------------------------------------------------- link

/// The proxy between the client and the upstream, injecting the run's
/// faults by request number.
struct Link {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

struct Shared {
    station: Mutex<Station>,
    plan: Mutex<HashMap<u64, Fault>>,
    requests: AtomicU64,
    injected: Mutex<BTreeMap<Kind, u64>>,
    /// Threads delivering duplicates and late requests.
    stragglers: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    fn count(&self, kind: Kind) {
        *self.injected.lock().unwrap().entry(kind).or_default() += 1;
    }

    fn target(&self) -> SocketAddr {
        self.station.lock().unwrap().addr()
    }
}

impl Link {
    fn start(station: Station, plan: HashMap<u64, Fault>) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Shared {
            station: Mutex::new(station),
            plan: Mutex::new(plan),
            requests: AtomicU64::new(0),
            injected: Mutex::new(BTreeMap::new()),
            stragglers: Mutex::new(Vec::new()),
        });
        let accept = {
            let stop = stop.clone();
            let shared = shared.clone();
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    let shared = shared.clone();
                    std::thread::spawn(move || serve(client, &shared));
                }
            })
        };
        Link {
            addr,
            stop,
            shared,
            accept: Some(accept),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn station(&self) -> std::sync::MutexGuard<'_, Station> {
        self.shared.station.lock().unwrap()
    }

    /// Waits for the duplicates and late requests still on their way.
    fn settle(&self) {
        let stragglers: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.shared.stragglers.lock().unwrap());
        for straggler in stragglers {
            let _ = straggler.join();
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        self.settle();
    }
}

/// Reads one HTTP request whole (the head, then `Content-Length` bytes of
/// body); None at the end of the connection. The head is given
/// `Connection: close`, so that the upstream ends the connection after its
/// answer and the proxy relays exactly one answer per request.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => head.push(byte[0]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let length: usize = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    let mut lines: Vec<&str> = text
        .trim_end_matches("\r\n")
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("Connection: close");
    let mut request = lines.join("\r\n").into_bytes();
    request.extend_from_slice(b"\r\n\r\n");
    request.extend_from_slice(&body);
    Some(request)
}

/// Whether a request writes (the 500 faults apply to writes).
fn is_write(request: &[u8]) -> bool {
    request.starts_with(b"POST ") || request.starts_with(b"PUT ")
}

/// Sends `request` to `target` and reads the answer to its end.
fn exchange(target: SocketAddr, request: &[u8]) -> Vec<u8> {
    let Ok(mut upstream) = TcpStream::connect(target) else {
        return Vec::new();
    };
    let _ = upstream.set_read_timeout(Some(Duration::from_secs(30)));
    if upstream.write_all(request).is_err() {
        return Vec::new();
    }
    let mut answer = Vec::new();
    let _ = upstream.read_to_end(&mut answer);
    answer
}

/// The request of one client connection (one: it is forwarded with
/// `Connection: close`), with its fault.
fn serve(mut client: TcpStream, shared: &Arc<Shared>) {
    let _ = client.set_nodelay(true);
    if let Some(request) = read_request(&mut client) {
        let n = shared.requests.fetch_add(1, Ordering::SeqCst);
        let fault = shared.plan.lock().unwrap().remove(&n);
        let target = shared.target();
        let answer = match fault {
            None => exchange(target, &request),
            Some(Fault { kind, at }) => {
                shared.count(kind);
                match kind {
                    Kind::CutRequest => {
                        let cut = ((request.len() as f64 * at) as usize).min(request.len() - 1);
                        if let Ok(mut upstream) = TcpStream::connect(target) {
                            let _ = upstream.write_all(&request[..cut]);
                            let _ = upstream.shutdown(Shutdown::Both);
                        }
                        let _ = client.shutdown(Shutdown::Both);
                        return;
                    }
                    Kind::CutResponse => {
                        let answer = exchange(target, &request);
                        let cut = (answer.len() as f64 * at) as usize;
                        let _ = client.write_all(&answer[..cut.min(answer.len())]);
                        let _ = client.shutdown(Shutdown::Both);
                        return;
                    }
                    Kind::FailBeforeCommit | Kind::FailAfterCommit => {
                        let station = shared.station.lock().unwrap();
                        let mut faults = station.faults();
                        if kind == Kind::FailBeforeCommit {
                            faults.fail_before_commit += 1;
                        } else {
                            faults.fail_after_commit += 1;
                        }
                        station.set_faults(faults);
                        drop(station);
                        exchange(target, &request)
                    }
                    Kind::Duplicate => {
                        let copy = request.clone();
                        let straggler = std::thread::spawn(move || {
                            exchange(target, &copy);
                        });
                        shared.stragglers.lock().unwrap().push(straggler);
                        exchange(target, &request)
                    }
                    Kind::Late => {
                        // No answer now: the client gives up on it and goes on.
                        let _ = client.shutdown(Shutdown::Both);
                        let delay = Duration::from_millis(20 + (at * 200.0) as u64);
                        let late = std::thread::spawn({
                            let shared = shared.clone();
                            move || {
                                std::thread::sleep(delay);
                                exchange(shared.target(), &request);
                            }
                        });
                        shared.stragglers.lock().unwrap().push(late);
                        return;
                    }
                    Kind::Delay => {
                        std::thread::sleep(Duration::from_millis(10 + (at * 140.0) as u64));
                        exchange(target, &request)
                    }
                    Kind::Restart => {
                        // The request goes in; the upstream stops under it.
                        let mut upstream = TcpStream::connect(target).ok();
                        if let Some(upstream) = upstream.as_mut() {
                            let _ = upstream.write_all(&request);
                        }
                        std::thread::sleep(Duration::from_micros((at * 4000.0) as u64));
                        shared.station.lock().unwrap().restart();
                        let mut answer = Vec::new();
                        if let Some(upstream) = upstream.as_mut() {
                            let _ = upstream.set_read_timeout(Some(Duration::from_secs(5)));
                            let _ = upstream.read_to_end(&mut answer);
                        }
                        answer
                    }
                    Kind::ClientKill => exchange(target, &request),
                }
            }
        };
        if answer.is_empty() || client.write_all(&answer).is_err() {
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        // The upstream closed after its answer; so does the link.
        let _ = client.shutdown(Shutdown::Both);
    }
}

// -------------------------------------------------------------------- school

/// The school and the upstream every run starts from, made once.
pub struct Start {
    dir: TempDir,
    school: PathBuf,
    upstream_db: PathBuf,
    /// How long `taoli submit` of a round takes on a good link.
    cli_submit: Duration,
    taoli: PathBuf,
}

/// `taoli` as the campaign runs it: the clerk, a computer without a
/// keychain (the signing key is in the school file under the 系统管理员
/// password), small payload requests.
fn taoli(binary: &Path) -> Command {
    let mut cmd = Command::new(binary);
    cmd.env_remove("TAOLI_LANG")
        .env("TAOLI_USER", CLERK)
        .env("TAOLI_PASSWORD", PASSWORD)
        .env("TAOLI_ADMIN_PASSWORD", PASSWORD)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/taoli-test-bus",
        )
        .env("TAOLI_UPLOAD_CHUNK_BYTES", "300")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn key_of(school: &Path) -> FileKey {
    FileKey::derive(PASSWORD, file_salt(school).unwrap().unwrap()).unwrap()
}

fn keys() -> KeyAccess<'static> {
    KeyAccess::new(None, Some(PASSWORD))
}

/// Points the school's enrollment at `url`.
fn point_at(school: &Path, key: &FileKey, url: &str) {
    raw_connection(school, Some(key))
        .unwrap()
        .execute("UPDATE enrollment SET upstream = ?1", [url])
        .unwrap();
}

fn open(school: &Path, key: &FileKey) -> SchoolFile {
    let mut file = SchoolFile::open_with_key(school, key).unwrap();
    file.sign_in(&Credentials::new(CLERK, PASSWORD)).unwrap();
    file
}

/// Sets each teacher's mobile number to a new value; returns them by teacher.
fn edit(file: &mut SchoolFile, serial: &mut u64) -> Vec<(String, String)> {
    let mut set = Vec::new();
    for teacher in file.teachers().all().unwrap() {
        *serial += 1;
        let mobile = format!("139{:08}", *serial % 100_000_000);
        file.data_entry()
            .set_fields(
                &teacher.id,
                "contact",
                &[("mobile".to_owned(), mobile.clone())],
            )
            .unwrap();
        set.push((teacher.id, mobile));
    }
    set
}

impl Start {
    /// Makes the school (a 系统管理员, the clerk, three complete teachers)
    /// and enrolls it with a fresh upstream; `taoli` is the binary the
    /// client-kill runs start.
    pub fn new(taoli_binary: &Path) -> Start {
        let dir = TempDir::new().unwrap();
        let school = dir.path().join("school.taoli");
        let upstream_db = dir.path().join("upstream.db");
        {
            let mut file =
                SchoolFile::create(&school, &new_school(), &Credentials::new(ADMIN, PASSWORD))
                    .unwrap();
            file.accounts()
                .add(&NewUser {
                    name: CLERK.into(),
                    role: Role::InfoManager,
                    password: PASSWORD.into(),
                })
                .unwrap();
            file.sign_in(&Credentials::new(CLERK, PASSWORD)).unwrap();
            for n in 0..TEACHERS {
                add_complete_teacher(&mut file, &format!("教师{n}"), n);
            }
            let station = Station::start(&upstream_db);
            let code = station
                .server()
                .db()
                .issue_enrollment_code(crate::upstream::SCHOOL, 30)
                .unwrap();
            let url = format!("http://{}", station.addr());
            file.reporting()
                .enroll(&url, &code, &keys(), fast().backoff)
                .unwrap();
            file.close().unwrap();
        }
        // How long a round's `taoli submit` takes on a good link.
        let cli_submit = {
            let run = dir.path().join("measure");
            std::fs::create_dir_all(&run).unwrap();
            let (school_copy, db_copy) = (run.join("school.taoli"), run.join("upstream.db"));
            std::fs::copy(&school, &school_copy).unwrap();
            std::fs::copy(&upstream_db, &db_copy).unwrap();
            let key = key_of(&school_copy);
            let station = Station::start(&db_copy);
            point_at(&school_copy, &key, &format!("http://{}", station.addr()));
            let mut file = open(&school_copy, &key);
            edit(&mut file, &mut 0);
            file.close().unwrap();
            let started = Instant::now();
            let status = taoli(taoli_binary)
                .arg("submit")
                .arg(&school_copy)
                .status()
                .unwrap();
            assert!(status.success(), "taoli submit on a good link failed");
            started.elapsed()
        };
        Start {
            dir,
            school,
            upstream_db,
            cli_submit,
            taoli: taoli_binary.to_owned(),
        }
    }
}

/// Quick retries, so that a run takes well under a second.
fn fast() -> SyncOptions {
    SyncOptions {
        backoff: Backoff {
            initial: Duration::from_millis(2),
            max: Duration::from_millis(20),
            attempts: 3,
        },
        ..SyncOptions::default()
    }
}

/// Runs the campaign: `runs` runs from `seed`, added to `totals`.
pub fn campaign(start: &Start, runs: u64, seed: u64, totals: &mut Totals) {
    let mut serial = seed.wrapping_mul(1_000_003) % 50_000_000;
    let verbose = std::env::var_os("TAOLI_CAMPAIGN_VERBOSE").is_some();
    for n in 0..runs {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(n));
        let started = Instant::now();
        let passes = totals.passes;
        if let Err(failure) = one_run(start, n, &mut rng, &mut serial, totals) {
            totals
                .failures
                .push(format!("run {n} (seed {seed}): {failure}"));
        }
        if verbose {
            eprintln!(
                "run {n}: {:.2?}, {} passes",
                started.elapsed(),
                totals.passes - passes
            );
        }
        totals.runs += 1;
    }
}

/// One run; its counts go into `totals`.
fn one_run(
    start: &Start,
    n: u64,
    rng: &mut ChaCha8Rng,
    serial: &mut u64,
    totals: &mut Totals,
) -> Result<(), String> {
    let run = start.dir.path().join(format!("run-{n}"));
    std::fs::create_dir_all(&run).unwrap();
    let school = run.join("school.taoli");
    let db = run.join("upstream.db");
    std::fs::copy(&start.school, &school).unwrap();
    std::fs::copy(&start.upstream_db, &db).unwrap();
    let key = key_of(&school);

    // The faults: one to four on the link, at requests drawn from the
    // first FAULT_WINDOW; a client kill in a third of the runs.
    let mut plan = HashMap::new();
    for _ in 0..rng.random_range(1..=4) {
        let kind = Kind::ON_THE_LINK[rng.random_range(0..Kind::ON_THE_LINK.len())];
        let at = rng.random_range(0.0..1.0);
        plan.insert(rng.random_range(0..FAULT_WINDOW), Fault { kind, at });
    }
    let rounds = rng.random_range(1..=3u32);
    let kill_round = rng
        .random_bool(1.0 / 3.0)
        .then(|| rng.random_range(0..rounds));
    let mut options = SubmitOptions {
        change_reason: None,
        sync: fast(),
    };
    options.sync.chunk_bytes = rng.random_range(200..=2000);

    if std::env::var_os("TAOLI_CAMPAIGN_VERBOSE").is_some() {
        let mut planned: Vec<_> = plan.iter().map(|(k, f)| (*k, f.kind.name())).collect();
        planned.sort();
        eprintln!("run {n}: {rounds} rounds, kill in round {kill_round:?}, faults {planned:?}");
    }
    let link = Link::start(Station::start(&db), plan);
    point_at(&school, &key, &link.url());
    let mut file = Some(open(&school, &key));
    let mut last_values: HashMap<String, String> = HashMap::new();
    let outcome = (|| -> Result<(), String> {
        for round in 0..rounds {
            let f = file.as_mut().unwrap();
            for (teacher, mobile) in edit(f, serial) {
                last_values.insert(teacher, mobile);
            }
            if kill_round == Some(round) {
                file.take().unwrap().close().map_err(|e| e.to_string())?;
                let delay = start.cli_submit.mul_f64(rng.random_range(0.0..1.1));
                let mut child = taoli(&start.taoli)
                    .arg("submit")
                    .arg(&school)
                    .spawn()
                    .unwrap();
                std::thread::sleep(delay);
                child.kill().unwrap();
                child.wait().unwrap();
                *link
                    .shared
                    .injected
                    .lock()
                    .unwrap()
                    .entry(Kind::ClientKill)
                    .or_default() += 1;
                // Restarted.
                file = Some(
                    SchoolFile::open_with_key(&school, &key)
                        .map_err(|e| format!("reopening after the kill: {e}"))?,
                );
                file.as_mut()
                    .unwrap()
                    .sign_in(&Credentials::new(CLERK, PASSWORD))
                    .map_err(|e| e.to_string())?;
            }
            submit_until_sent(file.as_mut().unwrap(), &options, totals)?;
        }
        Ok(())
    })();
    link.settle();
    totals.requests += link.shared.requests.load(Ordering::SeqCst);
    {
        // 500s set for requests that never came do not count as injected.
        let station = link.station();
        let left = station.faults();
        let mut injected = link.shared.injected.lock().unwrap();
        for (kind, unused) in [
            (Kind::FailBeforeCommit, left.fail_before_commit),
            (Kind::FailAfterCommit, left.fail_after_commit),
        ] {
            if let Some(count) = injected.get_mut(&kind) {
                *count = count.saturating_sub(u64::from(unused));
            }
        }
        for (kind, count) in injected.iter() {
            *totals.faults.entry(*kind).or_default() += count;
        }
    }
    outcome?;
    let mut file = file.unwrap();
    let checked = check(
        &mut file,
        &school,
        &key,
        &link.station(),
        &last_values,
        totals,
    );
    file.close().map_err(|e| e.to_string())?;
    drop(link);
    std::fs::remove_dir_all(&run).unwrap();
    checked
}

/// Submits until the client reports everything sent.
fn submit_until_sent(
    file: &mut SchoolFile,
    options: &SubmitOptions,
    totals: &mut Totals,
) -> Result<(), String> {
    let mut last = String::new();
    for _ in 0..MAX_PASSES {
        totals.passes += 1;
        match file.reporting().submit(&keys(), options) {
            Ok(outcome) => {
                if !outcome.sync.refused.is_empty() {
                    return Err(format!("refused: {:?}", outcome.sync.refused));
                }
                let status = file
                    .reporting()
                    .outbox_status()
                    .map_err(|e| e.to_string())?;
                if outcome.sync.pending.is_none()
                    && !status.missing.batch_in_flight
                    && status.missing.unsent_changes == 0
                {
                    return Ok(());
                }
                last = format!("{:?}", outcome.sync.pending_error);
            }
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!(
        "not everything sent after {MAX_PASSES} passes: {last}"
    ))
}

/// The batches a school file holds: id, state, payload, envelope, receipt.
type FileBatch = (String, String, Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>);

/// Every check of a run that ended; the counts go into `totals`.
fn check(
    file: &mut SchoolFile,
    school: &Path,
    key: &FileKey,
    station: &Station,
    last_values: &HashMap<String, String>,
    totals: &mut Totals,
) -> Result<(), String> {
    let conn = raw_connection(school, Some(key)).map_err(|e| e.to_string())?;
    let mut stmt = conn
        .prepare("SELECT id, state, payload, envelope, receipt FROM batch ORDER BY sequence")
        .unwrap();
    let ours: Vec<FileBatch> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let pinned: PublicKey = station
        .server()
        .db()
        .server_key()
        .map_err(|e| e.to_string())?
        .public_key();
    let up = station.sql();
    let mut problems = Vec::new();
    totals.batches += ours.len() as u64;
    let kept: HashSet<String> = file
        .reporting()
        .receipts()
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|r| r.batch_id)
        .collect();
    for (id, state, payload, envelope, receipt) in &ours {
        // The outbox: received, its receipt kept and verified.
        if state != BatchState::Received.as_str() {
            problems.push(format!("batch {id} is {state}"));
        }
        if !kept.contains(id) {
            problems.push(format!("batch {id}: no receipt kept"));
        }
        let verified = envelope
            .as_deref()
            .zip(receipt.as_deref())
            .ok_or("no manifest or receipt".to_owned())
            .and_then(|(envelope, receipt)| {
                let manifest = SignedManifest::decode(envelope)
                    .and_then(|m| m.unverified_manifest())
                    .map_err(|e| e.to_string())?;
                SignedReceipt::decode(receipt)
                    .and_then(|r| r.verify_for(&pinned, &manifest))
                    .map_err(|e| e.to_string())
            });
        if let Err(e) = verified {
            problems.push(format!("batch {id}: the receipt does not verify: {e}"));
        }
        // The upstream: held once, received, the same bytes.
        let held: Vec<(String, Option<Vec<u8>>)> = up
            .prepare("SELECT state, payload FROM batch WHERE batch_id = ?1")
            .unwrap()
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        match held.as_slice() {
            [] => {
                totals.lost += 1;
                problems.push(format!("the upstream does not hold batch {id}"));
            }
            [(state, bytes)] if state == "received" && bytes.as_ref() == Some(payload) => {
                totals.held_exactly_once += 1;
            }
            [(state, _)] => problems.push(format!("upstream batch {id} is {state} or other bytes")),
            _ => {
                totals.duplicated += 1;
                problems.push(format!(
                    "the upstream holds batch {id} {} times",
                    held.len()
                ));
            }
        }
    }
    // Nothing upstream that the file does not have, no change twice.
    let theirs: Vec<String> = up
        .prepare("SELECT batch_id FROM batch")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let our_ids: HashSet<&str> = ours.iter().map(|b| b.0.as_str()).collect();
    for id in &theirs {
        if !our_ids.contains(id.as_str()) {
            problems.push(format!(
                "the upstream holds batch {id}, which the file does not"
            ));
        }
    }
    let records: Vec<(String, String, String)> = up
        .prepare("SELECT record, teacher_id, content FROM batch_record")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut seen = HashSet::new();
    for (record, _, _) in &records {
        if !seen.insert(record) {
            totals.duplicated += 1;
            problems.push(format!("change {record} is held twice"));
        }
    }
    // Nothing lost: the last value of every edit is held upstream.
    for (teacher, mobile) in last_values {
        let held = records
            .iter()
            .any(|(_, t, content)| t == teacher && content.contains(mobile.as_str()));
        if !held {
            totals.lost += 1;
            problems.push(format!(
                "teacher {teacher}: mobile {mobile} is not held upstream"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

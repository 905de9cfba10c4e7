//! One rush, start to end: the database (a throwaway cluster, or the one
//! given), `migrate`, the enrollment codes, the schools' batches made and
//! signed ahead, the upstream processes, enrollment, the rush itself (as
//! many schools at once as asked, or a fixed rate), perhaps one process
//! killed mid-way, the processes stopped, and then the checks and the
//! COPY floor.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::Rng;
use taoli_protocol::PublicKey;
use taoli_upstream::Db;
use taoli_upstream::db::Location;
use tokio::sync::Semaphore;

use crate::check::{self, Sent};
use crate::client::{self, Balancer, Failure, Retry, Uploaded};
use crate::error::{Error, Result};
use crate::floor;
use crate::pgcluster::{self, Cluster};
use crate::report::{Counters, Cpu, Floor, Latency, Report};
use crate::roster::{self, Batch, School};
use crate::upstreams::{self, Upstream};

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Schools that enroll and report.
    pub schools: usize,
    /// Batches each school sends, one after the other.
    pub batches_per_school: usize,
    /// New teachers in a batch (two records each).
    pub teachers: usize,
    /// Batches in flight at once (schools uploading at once).
    pub concurrency: usize,
    /// A fixed rate instead: a new batch every `1/rate` seconds, school
    /// after school (each school's batches in order).
    pub rate: Option<f64>,
    /// `taoli-upstream serve` processes behind the round-robin.
    pub processes: usize,
    /// Each process's `--pool`.
    pub pool: u32,
    /// Kill one process (SIGKILL) this long after the rush starts.
    pub kill_one_after: Option<Duration>,
    /// More arguments for every `serve` (rate limits, TLS …).
    pub upstream_args: Vec<String>,
    /// The upstream binary; found beside this program when None.
    pub upstream_bin: Option<PathBuf>,
    /// A PostgreSQL database to use (connection string); a throwaway
    /// cluster is started when None.
    pub database: Option<String>,
    /// Settings of the throwaway cluster.
    pub cluster: pgcluster::Options,
    /// Measure the COPY floor after the rush.
    pub floor: bool,
    /// Seeds the teachers' content.
    pub seed: u64,
    /// Each school waits up to this long (uniformly) before each batch,
    /// so the schools do not move in lockstep.
    pub jitter: Duration,
    pub retry: Retry,
    /// Where the upstreams' logs go; a temporary folder when None.
    pub log_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            schools: 200,
            batches_per_school: 1,
            teachers: 300,
            concurrency: 200,
            rate: None,
            processes: 1,
            pool: taoli_upstream::db::DEFAULT_POOL_SIZE,
            kill_one_after: None,
            upstream_args: Vec::new(),
            upstream_bin: None,
            database: None,
            cluster: pgcluster::Options::for_measurement(),
            floor: true,
            seed: 20260331,
            jitter: Duration::from_millis(50),
            retry: Retry::default(),
            log_dir: None,
        }
    }
}

/// What the rush itself gave back, before the checks.
struct Rushed {
    enroll: Duration,
    wall: Duration,
    /// By school, its batches' outcomes in order (a school stops at its
    /// first failure: its next batch cannot follow).
    outcomes: Vec<Vec<Result<Uploaded, Failure>>>,
    pinned: Vec<Option<PublicKey>>,
    killed_at: Option<Duration>,
    client_connections_left: Option<u64>,
    counters: Arc<Counters>,
    cpu: Cpu,
}

/// Runs the rush `config` describes; the report, whether or not its
/// checks passed (`Report::is_clean`).
pub fn run(config: &Config) -> Result<Report> {
    if config.kill_one_after.is_some() && config.processes < 2 {
        return Err(Error::Settings(
            "强行结束一个上游进程至少要有两个进程（--processes 2）/ killing one upstream needs at least two".into(),
        ));
    }
    let bin = upstreams::locate(config.upstream_bin.as_deref())?;
    let logs = match &config.log_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            (None, dir.clone())
        }
        None => {
            let dir = tempfile::Builder::new().prefix("taoli-rush-").tempdir()?;
            let path = dir.path().to_owned();
            (Some(dir), path)
        }
    };
    let (cluster, database) = match &config.database {
        Some(database) => (None, database.clone()),
        None => {
            let cluster = Cluster::start(&config.cluster)?;
            let database = cluster.create_database("rush")?;
            (Some(cluster), database)
        }
    };
    upstreams::migrate(&bin, &database)?;
    {
        let mut checker = check::connect(&database)?;
        check::reset_statements(&mut checker);
    }

    let schools = make_schools(config.schools)?;
    let codes = issue_codes(&database, &schools)?;
    let batches = make_batches(&schools, config)?;

    let mut processes = Vec::with_capacity(config.processes);
    for i in 0..config.processes.max(1) {
        processes.push(Upstream::start(
            &bin,
            &database,
            config.pool,
            &config.upstream_args,
            logs.1.join(format!("upstream-{i}.log")),
        )?);
    }
    let urls: Vec<String> = processes.iter().map(|p| p.url.clone()).collect();
    let pids: Vec<u32> = processes.iter().map(Upstream::pid).collect();
    let postmaster = cluster.as_ref().and_then(Cluster::postmaster_pid);
    let ports: Vec<u16> = processes.iter().map(|p| p.port).collect();
    // The one to kill is the last; the others serve on.
    let victim = match config.kill_one_after {
        Some(_) => processes.pop(),
        None => None,
    };

    let schools = Arc::new(schools);
    let batches = Arc::new(batches);
    let rushed = rush(
        config,
        Fleet {
            urls,
            ports: &ports,
            pids: &pids,
            postmaster,
            victim,
        },
        schools.clone(),
        codes,
        batches.clone(),
    );
    let mut stopped_badly = 0u64;
    for p in &mut processes {
        if !p.stop(Duration::from_secs(15))? {
            stopped_badly = stopped_badly.saturating_add(1);
        }
    }
    let rushed = rushed?;
    let client_left = check::client_connections_to(&ports).or(rushed.client_connections_left);

    let mut checker = check::connect(&database)?;
    let mut sent = Vec::new();
    let mut latencies = Vec::new();
    let mut accepted = 0u64;
    let mut gave_up = 0u64;
    let mut payload_bytes = 0u64;
    for (i, school_batches) in batches.iter().enumerate() {
        let outcomes = rushed.outcomes.get(i);
        let pinned = rushed.pinned.get(i).and_then(Option::as_ref);
        for (k, batch) in school_batches.iter().enumerate() {
            payload_bytes = payload_bytes.saturating_add(batch.payload.len() as u64);
            let outcome = outcomes.and_then(|o| o.get(k));
            let receipt = match outcome {
                Some(Ok(up)) => {
                    accepted = accepted.saturating_add(1);
                    latencies.push(up.latency);
                    Some(up.receipt.as_slice())
                }
                Some(Err(Failure::GaveUp)) => {
                    gave_up = gave_up.saturating_add(1);
                    None
                }
                _ => None,
            };
            if let Some(pinned) = pinned {
                sent.push(Sent {
                    batch,
                    pinned,
                    receipt,
                });
            }
        }
    }
    let planned: usize = batches.iter().map(Vec::len).sum();
    // Before the checks' own queries.
    let top_statements = check::top_statements(&mut checker, 8);
    let mut verification = check::verify(&mut checker, &sent)?;
    // A school that never enrolled sent nothing, and lost it all.
    verification.sent = planned as u64;
    verification.lost = verification
        .lost
        .saturating_add(planned.saturating_sub(sent.len()) as u64);
    verification.database_connections_left =
        check::connections_left(&mut checker, Duration::from_secs(10))?;
    verification.client_connections_left = client_left;
    verification.upstreams_killed_at_stop = stopped_badly;

    let storage = check::storage(&mut checker, accepted)?;
    let wall = rushed.wall.as_secs_f64();
    let floor = if config.floor {
        let received: Vec<(&Batch, Option<&[u8]>)> =
            sent.iter().map(|s| (s.batch, s.receipt)).collect();
        let rows = floor::rows(&received)?;
        let took = floor::copy(&mut checker, &rows)?.as_secs_f64();
        Some(Floor {
            batch_rows: rows.batch_rows,
            record_rows: rows.record_rows,
            copy_seconds: took,
            ratio: if took > 0.0 { wall / took } else { 0.0 },
        })
    } else {
        None
    };
    drop(checker);
    drop(cluster);
    drop(logs);

    let counters_errors = rushed_errors(&rushed);
    Ok(Report {
        schools: config.schools as u64,
        batches_per_school: config.batches_per_school as u64,
        teachers_per_batch: config.teachers as u64,
        records_per_batch: (config.teachers as u64).saturating_mul(2),
        payload_bytes_mean: payload_bytes.checked_div(planned as u64).unwrap_or(0),
        concurrency: config.concurrency as u64,
        processes: config.processes as u64,
        pool_per_process: u64::from(config.pool),
        rate_per_second: config.rate,
        killed_after_seconds: rushed.killed_at.map(|d| d.as_secs_f64()),
        durable: config.database.is_none() && config.cluster.durable,
        enroll_seconds: rushed.enroll.as_secs_f64(),
        rush_seconds: wall,
        batches_accepted: accepted,
        batches_per_minute: if wall > 0.0 {
            accepted as f64 * 60.0 / wall
        } else {
            0.0
        },
        latency: Latency::of(&mut latencies),
        errors: counters_errors.0,
        retries: counters_errors.1,
        gave_up,
        verification,
        storage,
        cpu: rushed.cpu.clone(),
        floor,
        top_statements,
    })
}

fn rushed_errors(rushed: &Rushed) -> (crate::report::Errors, u64) {
    (
        rushed.counters.errors(),
        rushed
            .counters
            .retries
            .load(std::sync::atomic::Ordering::Relaxed),
    )
}

fn make_schools(n: usize) -> Result<Vec<School>> {
    (0..n).map(School::new).collect()
}

/// One enrollment code a school, issued in this process over the same
/// database (`Db::issue_enrollment_code`, what `enroll-code` does, without
/// a process a school).
fn issue_codes(database: &str, schools: &[School]) -> Result<Vec<String>> {
    let db = Db::connect(&Location {
        database: database.to_owned(),
        pool_size: 1,
    })?;
    let codes = schools
        .iter()
        .map(|s| db.issue_enrollment_code(&s.code, 30))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    drop(db);
    Ok(codes)
}

/// Every school's batches, made and signed on every core before the clock
/// starts (the schools made them before the deadline day, too).
fn make_batches(schools: &[School], config: &Config) -> Result<Vec<Vec<Batch>>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = schools.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<Vec<Batch>>>> = std::thread::scope(|s| {
        let handles: Vec<_> = schools
            .chunks(chunk)
            .enumerate()
            .map(|(part, slice)| {
                s.spawn(move || {
                    slice
                        .iter()
                        .enumerate()
                        .map(|(j, school)| {
                            let index = part.saturating_mul(chunk).saturating_add(j);
                            roster::batches_of(
                                index,
                                school,
                                config.batches_per_school,
                                config.teachers,
                                config.seed,
                            )
                        })
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(Error::Check(
                        "生成批次的线程崩溃 / a batch maker panicked".into(),
                    ))
                })
            })
            .collect()
    });
    let mut all = Vec::with_capacity(schools.len());
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// The upstream processes as the rush sees them: their addresses, ports and
/// process ids (the victim's last), the database server's postmaster, and
/// the one to kill.
struct Fleet<'a> {
    urls: Vec<String>,
    ports: &'a [u16],
    pids: &'a [u32],
    postmaster: Option<u32>,
    victim: Option<Upstream>,
}

/// Enrollment, then the rush, on a runtime of their own; the victim (if
/// any) killed on time by a thread of its own. The client is gone when
/// this returns.
fn rush(
    config: &Config,
    fleet: Fleet<'_>,
    schools: Arc<Vec<School>>,
    codes: Vec<String>,
    batches: Arc<Vec<Vec<Batch>>>,
) -> Result<Rushed> {
    let Fleet {
        urls,
        ports,
        pids,
        postmaster,
        victim,
    } = fleet;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let counters = Arc::new(Counters::default());
    let balancer = Arc::new(Balancer::new(urls));
    let http = client::http_client()?;
    let retry = config.retry;
    let permits = config.concurrency.clamp(1, Semaphore::MAX_PERMITS);

    // Enrollment, as many at once as the rush will upload.
    let enroll_started = Instant::now();
    let pinned: Vec<Option<PublicKey>> = runtime.block_on(async {
        let gate = Arc::new(Semaphore::new(permits));
        let mut tasks = Vec::with_capacity(schools.len());
        for (i, code) in codes.into_iter().enumerate() {
            let (http, balancer, counters, schools, gate) = (
                http.clone(),
                balancer.clone(),
                counters.clone(),
                schools.clone(),
                gate.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.ok()?;
                let school = schools.get(i)?;
                client::enroll(&http, &balancer, &retry, &counters, school, &code)
                    .await
                    .ok()
            }));
        }
        let mut pinned = Vec::with_capacity(tasks.len());
        for task in tasks {
            pinned.push(task.await.ok().flatten());
        }
        pinned
    });
    let enroll = enroll_started.elapsed();

    // The victim's timer: killed `after` the start, unless the rush ends first.
    let (done, finished) = mpsc::channel::<()>();
    // CPU used so far, to count only the rush's.
    let cpu_of = |pid: u32| check::cpu_seconds(pid, false);
    let upstreams_before: Option<f64> = pids.iter().map(|p| cpu_of(*p)).sum();
    let postgres_before = postmaster.and_then(check::server_cpu_seconds);
    let generator_before = cpu_of(std::process::id());
    let killer = match (victim, config.kill_one_after) {
        (Some(mut victim), Some(after)) => Some(std::thread::spawn(move || {
            let started = Instant::now();
            let (killed, cpu) = match finished.recv_timeout(after) {
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let cpu = check::cpu_seconds(victim.pid(), false);
                    let _ = victim.kill();
                    (Some(started.elapsed()), cpu)
                }
                _ => (None, check::cpu_seconds(victim.pid(), false)),
            };
            // Not killed (the rush ended first): stopped as the others.
            let _ = victim.stop(Duration::from_secs(15));
            (killed, cpu)
        })),
        _ => None,
    };

    let rush_started = Instant::now();
    let schools_n = schools.len();
    let outcomes: Vec<Vec<std::result::Result<Uploaded, Failure>>> = runtime.block_on(async {
        let gate = Arc::new(Semaphore::new(permits));
        let pinned = Arc::new(pinned.clone());
        let mut tasks = Vec::with_capacity(schools_n);
        for i in 0..schools_n {
            let (http, balancer, counters, batches, gate, pinned) = (
                http.clone(),
                balancer.clone(),
                counters.clone(),
                batches.clone(),
                gate.clone(),
                pinned.clone(),
            );
            let rate = config.rate;
            let jitter = config.jitter;
            tasks.push(tokio::spawn(async move {
                let mut out = Vec::new();
                let Some(Some(key)) = pinned.get(i) else {
                    return out;
                };
                let Some(mine) = batches.get(i) else {
                    return out;
                };
                for (k, batch) in mine.iter().enumerate() {
                    match rate {
                        Some(rate) if rate > 0.0 => {
                            let index = k.saturating_mul(schools_n).saturating_add(i);
                            let at = Duration::from_secs_f64(index as f64 / rate);
                            tokio::time::sleep_until(
                                (rush_started.checked_add(at).unwrap_or(rush_started)).into(),
                            )
                            .await;
                        }
                        _ => {
                            let micros = u64::try_from(jitter.as_micros()).unwrap_or(0);
                            let wait = rand::rng().random_range(0..=micros);
                            tokio::time::sleep(Duration::from_micros(wait)).await;
                        }
                    }
                    let Ok(_permit) = gate.acquire().await else {
                        break;
                    };
                    let outcome =
                        client::upload(&http, &balancer, &retry, &counters, key, batch).await;
                    let failed = outcome.is_err();
                    out.push(outcome);
                    if failed {
                        break;
                    }
                }
                out
            }));
        }
        let mut outcomes = Vec::with_capacity(tasks.len());
        for task in tasks {
            outcomes.push(task.await.unwrap_or_default());
        }
        outcomes
    });
    let wall = rush_started.elapsed();
    let _ = done.send(());
    let (killed_at, victim_cpu) = killer
        .and_then(|k| k.join().ok())
        .map_or((None, Some(0.0)), |(killed, cpu)| (killed, cpu));
    let survivors = pids
        .len()
        .saturating_sub(usize::from(config.kill_one_after.is_some()));
    let upstreams_after: Option<f64> = pids
        .iter()
        .take(survivors)
        .map(|p| cpu_of(*p))
        .chain(std::iter::once(victim_cpu))
        .sum();
    let cpu = Cpu {
        upstreams_seconds: upstreams_after.zip(upstreams_before).map(|(a, b)| a - b),
        postgres_seconds: postmaster
            .and_then(check::server_cpu_seconds)
            .zip(postgres_before)
            .map(|(a, b)| a - b),
        generator_seconds: cpu_of(std::process::id())
            .zip(generator_before)
            .map(|(a, b)| a - b),
    };
    drop(http);
    runtime.shutdown_timeout(Duration::from_secs(5));
    let client_connections_left = check::client_connections_to(ports);
    Ok(Rushed {
        enroll,
        wall,
        outcomes,
        pinned,
        killed_at,
        client_connections_left,
        counters,
        cpu,
    })
}

//! Benchmark: a 300-teacher school's full upload through a 256 kbit/s line
//! (issue #7). No goal figure: it says what a clerk on such a line waits.
//!
//!     cargo bench -p taoli-core --bench batches_slow_link
//!
//! The school (`tests/support/bulk.rs`, shared with the `batches` bench):
//! 300 teachers, each complete (基本信息 and a row of 学习经历, 工作经历,
//! 岗位聘任, 专业技术职务 and 年度考核; with the teacher's identity, 2,100
//! changes), none reported yet.
//! Between the school and the reference upstream (in this process, on
//! 127.0.0.1) stands a throttling TCP proxy (`tests/support/throttle.rs`):
//! 32,000 bytes a second each way. The school enrolls through it, then
//! `submit` is timed whole, as the clerk runs it: the backup made before
//! the batch (报送前), validation, the plan, the payload, signing, the upload
//! (manifest, payload), the verified receipt kept, and the review results
//! asked for. Each run starts from a copy of the same unenrolled school,
//! with an upstream and a proxy of its own. Prints each run, the best, the
//! bytes each way and the requests.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

#[path = "../tests/support/accounts.rs"]
mod accounts;
#[path = "../tests/support/bulk.rs"]
mod bulk;
#[path = "../tests/support/throttle.rs"]
mod throttle;
#[path = "../tests/support/upstream.rs"]
mod upstream;

use std::time::Instant;

use taoli_core::NewSchool;
use taoli_core::batches::{Backoff, BatchState, KeyAccess, SubmitOptions};
use taoli_core::secrets::MemorySecretStore;

/// As in the `taoli` binary and the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TEACHERS: u32 = 300;
const RUNS: usize = 3;
const SCHOOL: &str = "5107220001";

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let school_file = dir.path().join("school.taoli");
    let school = NewSchool {
        code: SCHOOL.into(),
        name: "基准测试小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    accounts::create(&school_file, &school)
        .unwrap()
        .close()
        .unwrap();
    bulk::fill(
        &mut accounts::raw_connection(&school_file),
        TEACHERS,
        bulk::COMPLETE,
    );

    let mut best = f64::MAX;
    for run in 0..RUNS {
        let path = dir.path().join(format!("run-{run}.taoli"));
        std::fs::copy(&school_file, &path).unwrap();
        let server = upstream::Upstream::start();
        let addr = server.url().trim_start_matches("http://").parse().unwrap();
        let line = throttle::Throttle::start(addr, throttle::KBIT_256);
        let keychain = MemorySecretStore::new();
        let keys = KeyAccess::new(Some(&keychain), None);
        let mut file = accounts::open(&path).unwrap();
        file.reporting()
            .enroll(&line.url(), &server.code(SCHOOL), &keys, Backoff::default())
            .unwrap();
        if run == 0 {
            let problems = file.validation().report().unwrap();
            assert_eq!(
                problems.errors + problems.warnings,
                0,
                "{:?}",
                problems.problems.first()
            );
            let enrolled = line.traffic();
            println!(
                "enrollment through the line: {} bytes up, {} down, {} requests",
                enrolled.up,
                enrolled.down,
                enrolled.requests.len()
            );
        }
        line.reset();
        let start = Instant::now();
        let outcome = file
            .reporting()
            .submit(&keys, &SubmitOptions::default())
            .unwrap();
        let took = start.elapsed().as_secs_f64();
        let traffic = line.traffic();
        let built = outcome.built.unwrap();
        assert_eq!(built.state, BatchState::Received, "{:?}", outcome.sync);
        assert_eq!(server.received(SCHOOL), 1);
        best = best.min(took);
        println!(
            "run {}: submit {took:.2} s; {} bytes up, {} bytes down, {} requests on {} connection(s): {}",
            run + 1,
            traffic.up,
            traffic.down,
            traffic.requests.len(),
            traffic.connections,
            summary(&traffic.requests)
        );
        if run == 0 {
            let receipt = file.reporting().receipts().unwrap().remove(0).receipt.len();
            println!(
                "batch: {} changes, payload {} bytes (gzip), receipt envelope {receipt} bytes",
                built.record_count, built.payload_bytes
            );
            let up = traffic.up as f64 / throttle::KBIT_256 as f64;
            let down = traffic.down as f64 / throttle::KBIT_256 as f64;
            println!(
                "the line alone: {up:.2} s up, {down:.2} s down at {} bytes/s",
                throttle::KBIT_256
            );
        }
    }
    println!("best of {RUNS}: {best:.2} s for {TEACHERS} teachers' full upload at 256 kbit/s");
}

/// The requests counted by kind, e.g. `1 × POST /v1/batches`.
fn summary(requests: &[String]) -> String {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for request in requests {
        // Batch ids and school codes are not kinds.
        let kind: Vec<&str> = request
            .split('/')
            .map(|part| {
                if part.len() > 30 || part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
                    "…"
                } else {
                    part
                }
            })
            .collect();
        let kind = kind.join("/");
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds
        .iter()
        .map(|(kind, n)| format!("{n} × {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
}

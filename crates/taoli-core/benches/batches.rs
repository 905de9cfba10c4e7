//! Benchmark: building and signing a batch of 5,000 changed teachers, each
//! complete (基本信息 and a row of 学习经历, 工作经历 and 岗位聘任: 25,000
//! changes), and the compressed bytes per teacher. Goal (issue #7): build +
//! sign ≤ 1 s.
//!
//!     cargo bench -p taoli-core --bench batches
//!
//! The school is written straight into the file with SQL in one
//! transaction (`tests/support/bulk.rs`; the setup is not timed, and the
//! audit trail does not matter here); the school enrolls with the reference
//! upstream in this process.
//! Each run removes the previous run's batch first. `build_batch` includes
//! the automatic backup made before every batch (报送前), so a backup's time
//! is measured on its own too.

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
#[path = "../tests/support/upstream.rs"]
mod upstream;

use std::time::Instant;

use taoli_core::NewSchool;
use taoli_core::batches::{Backoff, KeyAccess};
use taoli_core::secrets::MemorySecretStore;
use taoli_core::store::BackupReason;

/// As in the `taoli` binary and the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TEACHERS: u32 = 5_000;
const RUNS: usize = 5;
const SCHOOL: &str = "5107220001";

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.taoli");
    let school = NewSchool {
        code: SCHOOL.into(),
        name: "基准测试小学".into(),
        school_type: "211".into(),
        region_code: None,
    };
    accounts::create(&path, &school).unwrap().close().unwrap();
    bulk::fill(
        &mut accounts::raw_connection(&path),
        TEACHERS,
        bulk::REPORTED,
    );

    let server = upstream::Upstream::start();
    let keychain = MemorySecretStore::new();
    let keys = KeyAccess::new(Some(&keychain), None);
    let mut file = accounts::open(&path).unwrap();
    file.reporting()
        .enroll(
            &server.url(),
            &server.code(SCHOOL),
            &keys,
            Backoff::default(),
        )
        .unwrap();
    let problems = file.validation().report().unwrap();
    assert_eq!(
        problems.errors + problems.warnings,
        0,
        "{:?}",
        problems.problems.first()
    );

    let mut build_best = f64::MAX;
    let mut sign_best = f64::MAX;
    let mut total_best = f64::MAX;
    let mut bytes = 0;
    let mut records = 0;
    for _ in 0..RUNS {
        let conn = accounts::raw_connection(&path);
        conn.execute_batch("DELETE FROM batch_item; DELETE FROM batch;")
            .unwrap();
        drop(conn);
        let start = Instant::now();
        let built = file.reporting().build_batch(None).unwrap().unwrap();
        let built_at = start.elapsed().as_secs_f64();
        let signed = file.reporting().sign_batch(&keys).unwrap().unwrap();
        let total = start.elapsed().as_secs_f64();
        assert!(signed.key_id.is_some());
        build_best = build_best.min(built_at);
        sign_best = sign_best.min(total - built_at);
        total_best = total_best.min(total);
        bytes = built.payload_bytes;
        records = built.record_count;
    }
    let mut backup_best = f64::MAX;
    for _ in 0..RUNS {
        let start = Instant::now();
        file.backups().now(BackupReason::BeforeBatch).unwrap();
        backup_best = backup_best.min(start.elapsed().as_secs_f64());
    }
    println!("batch: {TEACHERS} changed teachers, {records} changes (best of {RUNS})");
    println!(
        "build (backup 报送前 + validate + plan + gzip + write): {build_best:.3} s; of which a backup alone takes {backup_best:.3} s"
    );
    println!("sign: {sign_best:.4} s");
    println!("build + sign: {total_best:.3} s (goal ≤ 1 s)");
    println!(
        "compressed payload: {bytes} bytes, {:.0} bytes per teacher",
        bytes as f64 / f64::from(TEACHERS)
    );
}

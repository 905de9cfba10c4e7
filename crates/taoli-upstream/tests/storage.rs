#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
//! The store under the protocol, on both engines: migrations and what two
//! upstream processes over one database must never do (take a batch twice).

mod support;

use std::process::{Command, Output};

use futures_util::future::join_all;
use reqwest::StatusCode;
use support::{Harness, SCHOOL, Store, off_runtime};
use taoli_protocol::{self as protocol, normalize_enrollment_code};
use taoli_upstream::Error;
use taoli_upstream::db::{Db, Location};

fn upstream(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taoli-upstream"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------- migrations

async fn migrate_applies_each_migration_once(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let location = store.fresh_location(dir.path());
    let db = location.database.as_str();

    let first = upstream(&["migrate", "--db", db]);
    assert!(first.status.success(), "{first:?}");
    assert!(
        text(&first.stdout).contains("已执行 0001_batches"),
        "{first:?}"
    );

    let again = upstream(&["migrate", "--db", db]);
    assert!(again.status.success(), "{again:?}");
    assert!(text(&again.stdout).contains("无需升级"), "{again:?}");

    let check = upstream(&["migrate", "--db", db, "--check"]);
    assert!(text(&check.stdout).contains("已是最新"), "{check:?}");
}

async fn a_database_migrated_by_a_newer_upstream_is_refused(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    let (_db, location) = store.fresh(dir.path());
    let database = location.database.clone();
    off_runtime(move || match store {
        Store::Sqlite => {
            let conn = rusqlite::Connection::open(&database).unwrap();
            conn.execute(
                "INSERT INTO schema_migration VALUES (999, '0999_future', '2027-01-01T00:00:00Z')",
                [],
            )
            .unwrap();
        }
        Store::Postgres => {
            let mut client = ::postgres::Client::connect(&database, ::postgres::NoTls).unwrap();
            client
                .batch_execute(
                    "INSERT INTO schema_migration VALUES (999, '0999_future', '2027-01-01T00:00:00Z')",
                )
                .unwrap();
        }
    });
    let opened = off_runtime(move || Db::connect(&location).map(|_| ()));
    assert!(
        matches!(opened, Err(Error::DatabaseNewer { version: 999 })),
        "{opened:?}"
    );
}

#[test]
fn serve_refuses_an_unmigrated_postgres_database_and_names_the_command() {
    let database = support::postgres::fresh_database();
    let served = upstream(&["serve", "--listen", "127.0.0.1:0", "--db", &database]);
    assert_eq!(served.status.code(), Some(1), "{served:?}");
    let said = text(&served.stderr);
    assert!(said.contains("taoli-upstream migrate"), "{said}");
    assert!(said.contains("0001_batches"), "{said}");
}

#[test]
fn a_postgres_database_that_cannot_be_reached_is_said_plainly() {
    // Port 9 (discard) on loopback: nothing listens there.
    let opened = Db::connect_unmigrated(&Location::new(
        "host=127.0.0.1 port=9 user=postgres dbname=none connect_timeout=2",
    ));
    let Err(error) = opened else {
        panic!("connected to nothing");
    };
    assert!(matches!(error, Error::ConnectDatabase { .. }), "{error:?}");
    assert!(error.to_string().contains("连不上数据库"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_database_from_before_migrations_were_recorded_keeps_its_codes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upstream.db");
    // As the upstream made it before schema_migration existed: the tables,
    // its application id, and a code a school has not used yet.
    let code = "ABCD-EFGH-JKMN-PQRS";
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/sqlite/0001_batches.sql"))
            .unwrap();
        conn.pragma_update(None, "application_id", 0x544c_5550)
            .unwrap();
        conn.execute(
            "INSERT INTO enrollment_code (code_hash, school, created_at, expires_at)
             VALUES (?1, ?2, '2026-09-01T00:00:00Z', '2099-01-01T00:00:00Z')",
            [
                protocol::sha256_hex(normalize_enrollment_code(code).as_bytes()),
                SCHOOL.to_owned(),
            ],
        )
        .unwrap();
    }
    let db = off_runtime(|| Db::open(&path).unwrap());
    assert!(off_runtime(|| db.pending_migrations().unwrap()).is_empty());
    let server = taoli_upstream::Server::start(
        db,
        "127.0.0.1:0".parse().unwrap(),
        false,
        taoli_upstream::Faults::default(),
    )
    .await
    .unwrap();
    let key = protocol::SigningKey::generate().unwrap();
    let request = protocol::EnrollmentRequest::new(SCHOOL, code, &key);
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/v1/enroll", server.url()))
        .body(request.to_json())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
}

// ---------------------------------------------------------- two processes

async fn two_upstreams_over_one_database_take_a_batch_exactly_once(store: Store) {
    let a = Harness::start(store).await;
    let b = a.beside().await;
    let mut school = a.enroll(SCHOOL).await;
    let batch = school.next_batch(300);

    // The same batch, eight times at once, half to each process, as a
    // school retrying through a round-robin proxy would send it.
    let sends = (0..8).map(|i| {
        let h = if i % 2 == 0 { &a } else { &b };
        let batch = &batch;
        async move {
            let response = h.upload(batch).await;
            (i, response.status())
        }
    });
    let answers = join_all(sends).await;
    assert!(
        answers.iter().any(|(_, status)| *status == StatusCode::OK),
        "{answers:?}"
    );

    // Whatever each was answered, both now hold one receipt, the same bytes.
    let receipt_a = receipt_bytes(&a, &batch.id).await;
    let receipt_b = receipt_bytes(&b, &batch.id).await;
    assert_eq!(receipt_a, receipt_b);
    assert_eq!(a.received_batches(SCHOOL), 1);
    let records = a.with_db(|db| db.pending_records().unwrap().len());
    assert_eq!(records, batch.manifest.record_count as usize);

    // And the next batch follows it on either process.
    school.last = Some((batch.manifest.sequence, batch.id.clone()));
    let next = school.next_batch(1);
    b.upload_ok(&mut school, &next).await;
    assert_eq!(a.received_batches(SCHOOL), 2);
}

async fn receipt_bytes(h: &Harness, batch: &str) -> Vec<u8> {
    let response = h
        .client
        .get(h.url(&format!("/v1/batches/{batch}/receipt")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}

on_both_stores!(
    migrate_applies_each_migration_once,
    a_database_migrated_by_a_newer_upstream_is_refused,
    two_upstreams_over_one_database_take_a_batch_exactly_once,
);

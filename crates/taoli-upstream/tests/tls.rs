#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]
//! The upstream's own HTTPS (`serve --tls-cert --tls-key`, `src/tls.rs`),
//! against a real server on 127.0.0.1 with a self-signed certificate made
//! in the test: a client that trusts the certificate talks the protocol over
//! it; one that does not, or speaks plain HTTP to the port, gets nothing.

mod support;

use std::path::Path;

use reqwest::{Certificate, Client, StatusCode};
use support::{Harness, SCHOOL, Store};
use taoli_upstream::{Error, ServeOptions, TlsFiles};

/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM
/// into `dir`: the files, and the certificate for a client to trust.
fn self_signed(dir: &Path) -> (TlsFiles, Certificate) {
    let made =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let files = TlsFiles {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&files.cert, made.cert.pem()).unwrap();
    std::fs::write(&files.key, made.signing_key.serialize_pem()).unwrap();
    let trusted = Certificate::from_pem(made.cert.pem().as_bytes()).unwrap();
    (files, trusted)
}

async fn tls_harness() -> (Harness, Certificate, tempfile::TempDir) {
    let certs = tempfile::tempdir().unwrap();
    let (files, trusted) = self_signed(certs.path());
    let options = ServeOptions {
        tls: Some(files),
        ..ServeOptions::default()
    };
    let h = Harness::start_with_options(Store::Sqlite, false, options).await;
    (h, trusted, certs)
}

fn trusting(certificate: Certificate) -> Client {
    Client::builder()
        .no_proxy()
        .tls_certs_merge([certificate])
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_a_certificate_serves_https() {
    let (h, _, _certs) = tls_harness().await;
    assert!(
        h.server.url().starts_with("https://127.0.0.1:"),
        "{}",
        h.server.url()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_trusts_the_certificate_enrolls_and_uploads_over_https() {
    let (mut h, trusted, _certs) = tls_harness().await;
    h.client = trusting(trusted);
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(2);
    h.upload_ok(&mut school, &batch).await;
    assert_eq!(h.received_batches(SCHOOL), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_trust_the_certificate_gets_no_answer() {
    let (h, _, _certs) = tls_harness().await;
    let error = Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(h.url("/v1/upstream-key"))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_the_tls_port_gets_no_answer() {
    let (h, _, _certs) = tls_harness().await;
    let plain = format!("http://{}/v1/upstream-key", h.server.addr());
    let answer = Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(plain)
        .send()
        .await;
    assert!(answer.is_err(), "{answer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstream_key_read_over_https_has_the_fingerprint_the_upstream_prints() {
    let (h, trusted, _certs) = tls_harness().await;
    let response = trusting(trusted)
        .get(h.url("/v1/upstream-key"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let wire: taoli_protocol::PublicKeyWire = response.json().await.unwrap();
    let key =
        taoli_protocol::PublicKey::from_wire(&wire, taoli_protocol::RefusalCode::MalformedResponse)
            .unwrap();
    let printed = std::process::Command::new(env!("CARGO_BIN_EXE_taoli-upstream"))
        .args(["fingerprint", "--db"])
        .arg(h.database())
        .output()
        .unwrap();
    assert!(printed.status.success());
    assert_eq!(
        String::from_utf8(printed.stdout).unwrap().trim(),
        key.fingerprint()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_file_without_a_certificate_is_refused_at_start() {
    let certs = tempfile::tempdir().unwrap();
    let (files, _) = self_signed(certs.path());
    std::fs::write(&files.cert, "not a certificate\n").unwrap();
    let db = taoli_upstream::Db::open(&certs.path().join("upstream.db")).unwrap();
    let started = taoli_upstream::Server::start_with(
        db,
        "127.0.0.1:0".parse().unwrap(),
        false,
        taoli_upstream::Faults::default(),
        ServeOptions {
            tls: Some(files),
            ..ServeOptions::default()
        },
    )
    .await;
    let error = started.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert!(error.to_string().contains("证书"), "{error}");
}

#[test]
fn serve_with_a_certificate_says_https_and_prints_the_fingerprint_at_start() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = self_signed(dir.path());
    let db = dir.path().join("served.db");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_taoli-upstream"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .arg("--tls-cert")
        .arg(&files.cert)
        .arg("--tls-key")
        .arg(&files.key)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut listening = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut listening)
        .unwrap();
    let mut fingerprint = String::new();
    std::io::BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut fingerprint)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        listening.contains("listening on https://127.0.0.1:"),
        "{listening}"
    );
    let printed = taoli_upstream::Db::open(&db)
        .unwrap()
        .server_key()
        .unwrap()
        .public_key()
        .fingerprint();
    assert!(fingerprint.contains(&printed), "{fingerprint}");
}

//! A real server on 127.0.0.1 (port 0, in-process) and a school that talks
//! to it over HTTP with reqwest, as the client will.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Map, Value, json};
use taoli_protocol::{
    self as protocol, BatchHistory, BatchStatus, Change, ChangeOp, EnrollmentRequest,
    EnrollmentResponse, HEADER_UPLOAD_OFFSET, Manifest, ManifestFields, Payload, PublicKey,
    Receipt, Refusal, RefusalCode, ReviewPage, SignedManifest, SignedReceipt, SigningKey,
};
use taoli_upstream::db::Location;
use taoli_upstream::{Db, Faults, ServeOptions, Server};
use tempfile::TempDir;
use uuid::Uuid;

pub mod console;
pub mod postgres;

/// The engine a test's upstream stores in: every protocol test runs on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

impl Store {
    /// Where a new, empty database of this engine is: a file in `dir`, or
    /// a new database on the test cluster.
    pub fn fresh_location(self, dir: &std::path::Path) -> Location {
        match self {
            Store::Sqlite => Location::new(dir.join("upstream.db").display().to_string()),
            Store::Postgres => Location::new(postgres::fresh_database()),
        }
    }

    /// A new, empty, migrated database of this engine, and where it is.
    pub fn fresh(self, dir: &std::path::Path) -> (Db, Location) {
        let location = self.fresh_location(dir);
        let opened = location.clone();
        let db = off_runtime(move || {
            let db = Db::connect_unmigrated(&opened).unwrap();
            db.migrate().unwrap();
            db
        });
        (db, location)
    }
}

/// Runs blocking store work (the PostgreSQL client runs a runtime of its
/// own) on a thread of its own, as the server does with `spawn_blocking`.
pub fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(work).join().unwrap())
}

/// Declares each named `async fn name(store: Store)` as two tests,
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Store::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::Store::Postgres).await
                }
            )*
        }
    };
}

pub const SCHOOL: &str = "2151072201";
pub const OTHER_SCHOOL: &str = "2151072202";

pub struct Harness {
    pub server: Server,
    pub client: Client,
    pub dir: TempDir,
    pub location: Location,
}

impl Harness {
    pub async fn start(store: Store) -> Harness {
        Harness::start_with(store, false).await
    }

    pub async fn start_with(store: Store, admin: bool) -> Harness {
        Harness::start_with_options(store, admin, ServeOptions::default()).await
    }

    /// A server with these limits (and TLS, when given).
    pub async fn start_with_options(store: Store, admin: bool, options: ServeOptions) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let (db, location) = store.fresh(dir.path());
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = Server::start_with(db, listen, admin, Faults::default(), options)
            .await
            .unwrap();
        let client = Client::builder().no_proxy().build().unwrap();
        Harness {
            server,
            client,
            dir,
            location,
        }
    }

    /// A second upstream over the same database, as a second server process
    /// behind a load balancer would be: its own server, its own pool.
    pub async fn beside(&self) -> Harness {
        let location = self.location.clone();
        let opened = location.clone();
        let db = off_runtime(move || Db::connect(&opened).unwrap());
        let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = Server::start(db, listen, false, Faults::default())
            .await
            .unwrap();
        Harness {
            server,
            client: Client::builder().no_proxy().build().unwrap(),
            dir: tempfile::tempdir().unwrap(),
            location,
        }
    }

    /// The server's database as `--db` names it: a file or a connection
    /// string.
    pub fn database(&self) -> &str {
        &self.location.database
    }

    /// Runs `work` on the server's store, off the async threads.
    pub fn with_db<T: Send>(&self, work: impl FnOnce(&Db) -> T + Send) -> T {
        let db = self.server.db();
        off_runtime(move || work(db))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub fn issue_code(&self, school: &str) -> String {
        self.with_db(|db| db.issue_enrollment_code(school, 30).unwrap())
    }

    pub async fn post_enroll(&self, request: &EnrollmentRequest) -> Response {
        self.client
            .post(self.url("/v1/enroll"))
            .body(request.to_json())
            .send()
            .await
            .unwrap()
    }

    /// Enrolls a new school key with a fresh code.
    pub async fn enroll(&self, school: &str) -> School {
        let code = self.issue_code(school);
        self.enroll_with_code(school, &code).await
    }

    pub async fn enroll_with_code(&self, school: &str, code: &str) -> School {
        let key = SigningKey::generate().unwrap();
        let request = EnrollmentRequest::new(school, code, &key);
        let response = self.post_enroll(&request).await;
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.unwrap();
        let (answer, pinned) = EnrollmentResponse::decode(&bytes, &request).unwrap();
        assert_eq!(answer.key_id, key.key_id());
        School {
            code: school.to_owned(),
            key,
            pinned,
            last: None,
        }
    }

    pub async fn post_manifest(&self, envelope: &[u8]) -> Response {
        self.client
            .post(self.url("/v1/batches"))
            .body(envelope.to_vec())
            .send()
            .await
            .unwrap()
    }

    pub async fn put_payload(
        &self,
        batch_id: &str,
        offset: u64,
        bytes: &[u8],
    ) -> reqwest::Result<Response> {
        self.client
            .put(self.url(&format!("/v1/batches/{batch_id}/payload")))
            .header(HEADER_UPLOAD_OFFSET, offset)
            .body(bytes.to_vec())
            .send()
            .await
    }

    pub async fn held(&self, batch_id: &str) -> u64 {
        let response = self
            .client
            .head(self.url(&format!("/v1/batches/{batch_id}/payload")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.headers()[HEADER_UPLOAD_OFFSET]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Sends the manifest and the whole payload; the final answer.
    pub async fn upload(&self, batch: &Batch) -> Response {
        let response = self.post_manifest(&batch.envelope).await;
        if !response.status().is_success() {
            return response;
        }
        self.put_payload(&batch.id, 0, &batch.payload)
            .await
            .unwrap()
    }

    /// Uploads `batch`, checks its receipt with the pinned key, and makes it
    /// the school's last accepted batch.
    pub async fn upload_ok(&self, school: &mut School, batch: &Batch) -> Receipt {
        let response = self.upload(batch).await;
        assert_eq!(response.status(), StatusCode::OK);
        let receipt = receipt_of(response, school, batch).await;
        school.last = Some((batch.manifest.sequence, batch.id.clone()));
        receipt
    }

    pub fn set_faults(&self, faults: Faults) {
        self.server.set_faults(faults);
    }

    /// A `GET` of `path` signed with `key`, now.
    pub async fn signed_get(&self, key: &SigningKey, path: &str) -> Response {
        let signature = key.sign_request("GET", path, &protocol::now());
        self.client
            .get(self.url(path))
            .header(protocol::HEADER_KEY_ID, signature.key_id)
            .header(protocol::HEADER_DATE, signature.date)
            .header(protocol::HEADER_SIGNATURE, signature.signature)
            .send()
            .await
            .unwrap()
    }

    pub async fn reviews(&self, school: &School, after: u64) -> Response {
        let path = format!("/v1/schools/{}/reviews?after={after}", school.code);
        self.signed_get(&school.key, &path).await
    }

    /// `GET /v1/schools/{school}/batches?after=N`, signed by the school.
    pub async fn held_batches(&self, school: &School, after: u64) -> BatchHistory {
        let path = format!("/v1/schools/{}/batches?after={after}", school.code);
        let response = self.signed_get(&school.key, &path).await;
        assert_eq!(response.status(), StatusCode::OK);
        BatchHistory::decode(&response.bytes().await.unwrap(), &school.code, after).unwrap()
    }

    pub async fn review_page(&self, school: &School, after: u64) -> ReviewPage {
        let response = self.reviews(school, after).await;
        assert_eq!(response.status(), StatusCode::OK);
        ReviewPage::decode(&response.bytes().await.unwrap(), &school.code, after).unwrap()
    }

    pub fn received_batches(&self, school: &str) -> u64 {
        self.with_db(|db| db.received_batches(school).unwrap())
    }
}

/// The receipt in an upload's answer, verified with the pinned key against
/// the batch's manifest.
pub async fn receipt_of(response: Response, school: &School, batch: &Batch) -> Receipt {
    let status = BatchStatus::decode(&response.bytes().await.unwrap()).unwrap();
    let signed: SignedReceipt = status.signed_receipt().unwrap().expect("a receipt");
    signed.verify_for(&school.pinned, &batch.manifest).unwrap()
}

/// A refusal answer: its status and decoded body.
pub async fn refusal_of(response: Response) -> (StatusCode, Refusal) {
    let status = response.status();
    let refusal = Refusal::decode(&response.bytes().await.unwrap()).unwrap();
    (status, refusal)
}

/// A refusal answer with `code`: its status, a Chinese message, and in
/// English no Chinese at all (the particulars came in English too).
pub async fn assert_refused(response: Response, code: RefusalCode) -> Refusal {
    let (status, refusal) = refusal_of(response).await;
    assert_eq!(refusal.code, code, "{}", refusal.message);
    assert_eq!(status.as_u16(), code.http_status());
    assert!(
        refusal
            .message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        refusal.message
    );
    let english = refusal.message_in_english();
    assert!(!has_chinese(&english), "{english}");
    refusal
}

/// Chinese characters and the full-width punctuation around them.
pub fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

pub struct School {
    pub code: String,
    pub key: SigningKey,
    pub pinned: PublicKey,
    /// The last accepted batch: (sequence, id).
    pub last: Option<(u64, String)>,
}

pub struct Batch {
    pub id: String,
    pub manifest: Manifest,
    pub envelope: Vec<u8>,
    pub payload: Vec<u8>,
}

impl School {
    /// The next batch after the last accepted one, with `teachers` new teachers.
    pub fn next_batch(&self, teachers: usize) -> Batch {
        let (sequence, previous) = match &self.last {
            Some((s, id)) => (s + 1, Some(id.clone())),
            None => (1, None),
        };
        self.batch(&self.code, sequence, previous.as_deref(), teachers)
    }

    pub fn batch(
        &self,
        school: &str,
        sequence: u64,
        previous: Option<&str>,
        teachers: usize,
    ) -> Batch {
        let id = Uuid::now_v7().hyphenated().to_string();
        let payload = sample_payload(school, &id, teachers);
        self.batch_of(payload, sequence, previous)
    }

    /// The next batch after the last accepted one, carrying `changes`.
    pub fn next_batch_of(&self, changes: Vec<Change>) -> Batch {
        let (sequence, previous) = match &self.last {
            Some((s, id)) => (s + 1, Some(id.clone())),
            None => (1, None),
        };
        let id = Uuid::now_v7().hyphenated().to_string();
        let mut payload = Payload::new(&self.code, &id);
        payload.changes = changes;
        self.batch_of(payload, sequence, previous.as_deref())
    }

    fn batch_of(&self, payload: Payload, sequence: u64, previous: Option<&str>) -> Batch {
        let school = payload.school.as_str();
        let id = payload.batch_id.as_str();
        let bytes = payload.encode().unwrap();
        let created_at = protocol::now();
        let manifest = Manifest::new(
            &self.key,
            ManifestFields {
                school,
                batch_id: id,
                sequence,
                previous_batch: previous,
                created_at: &created_at,
                record_count: payload.record_count(),
                payload: &bytes,
            },
        )
        .unwrap();
        Batch::signed(manifest, bytes, &self.key)
    }
}

impl Batch {
    pub fn signed(manifest: Manifest, payload: Vec<u8>, key: &SigningKey) -> Batch {
        let envelope = SignedManifest::sign(&manifest, key).encode();
        Batch {
            id: manifest.batch_id.clone(),
            manifest,
            envelope,
            payload,
        }
    }
}

/// A payload of `teachers` new teachers, each with a 学习经历 record.
pub fn sample_payload(school: &str, batch_id: &str, teachers: usize) -> Payload {
    let mut payload = Payload::new(school, batch_id);
    for n in 0..teachers {
        let teacher_id = format!("t-{n:04}");
        let mut fields = Map::new();
        fields.insert("name".into(), json!(format!("教师{n}")));
        fields.insert("id_type".into(), json!("1"));
        fields.insert("id_number".into(), json!(format!("11010519491231{:04}", n)));
        fields.insert("birth_date".into(), json!("1949-12-31"));
        payload.changes.push(Change {
            id: format!("teacher:{teacher_id}"),
            op: ChangeOp::NewTeacher,
            teacher_id: teacher_id.clone(),
            record_id: None,
            group: None,
            base_version: None,
            version: Some(1),
            fields,
            reason: None,
            status: None,
            signoff: None,
        });
        let mut education = Map::new();
        education.insert("education".into(), Value::from("21"));
        education.insert("major".into(), json!(format!("汉语言文学 {n}")));
        payload.changes.push(Change {
            id: format!("record:r-{n:04}@1"),
            op: ChangeOp::NewRecord,
            teacher_id,
            record_id: Some(format!("r-{n:04}")),
            group: Some("education".into()),
            base_version: None,
            version: Some(1),
            fields: education,
            reason: None,
            status: None,
            signoff: None,
        });
    }
    payload
}

/// The changes of a payload in `fixtures/protocol/` (`docs/protocol.md`).
pub fn fixture_changes(name: &str) -> Vec<Change> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/protocol")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let payload = Payload::decode(&protocol::compress(&bytes).unwrap()).unwrap();
    payload.changes
}

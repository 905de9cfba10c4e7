//! A school talking to a running upstream over HTTP, for the console's
//! browser tests (tests/console-e2e): enrolls a fresh Ed25519 key with a
//! 报送码 and uploads one real signed batch of new teachers, each with a
//! 学习经历 record. With `--db` and `--correct`, the first teacher's
//! records are then accepted in that database (as the county's CLI would)
//! and a second batch asks to correct the teacher's 姓名, so the review
//! queue has a value in effect before and after.
//!
//! cargo run -p taoli-upstream --example console_school -- \
//!   --url http://127.0.0.1:8750 --school 2151072201 --code XXXX --teachers 3

#![allow(clippy::print_stdout)]

use clap::Parser;
use serde_json::{Map, Value, json};
use taoli_protocol::{
    self as protocol, BatchStatus, Change, ChangeOp, Decision, EnrollmentRequest,
    EnrollmentResponse, HEADER_UPLOAD_OFFSET, Manifest, ManifestFields, Payload, SignedManifest,
    SigningKey,
};
use taoli_upstream::Db;
use taoli_upstream::db::Location;

#[derive(Parser)]
struct Args {
    /// The upstream's base URL.
    #[arg(long)]
    url: String,
    #[arg(long)]
    school: String,
    /// A 报送码 the county issued the school.
    #[arg(long)]
    code: String,
    /// New teachers in the first batch (1–8).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=8))]
    teachers: u8,
    /// The upstream's database (for `--correct`).
    #[arg(long)]
    db: Option<String>,
    /// Accept the first teacher and send a correction of their 姓名.
    #[arg(long, requires = "db")]
    correct: bool,
}

type Failure = Box<dyn std::error::Error>;

const NAMES: [&str; 8] = [
    "王芳", "李强", "张丽", "刘洋", "陈静", "杨勇", "赵敏", "黄磊",
];

fn teacher_changes(teachers: usize) -> Vec<Change> {
    let mut changes = Vec::new();
    for n in 0..teachers {
        let teacher_id = format!("t-{n:04}");
        let name = NAMES.get(n).copied().unwrap_or("教师");
        let mut fields = Map::new();
        fields.insert("name".into(), json!(name));
        fields.insert("id_type".into(), json!("1"));
        fields.insert("id_number".into(), json!(format!("51072219850312{n:04}")));
        fields.insert("birth_date".into(), json!("1985-03-12"));
        changes.push(change(
            &teacher_id,
            ChangeOp::NewTeacher,
            None,
            fields,
            None,
        ));
        let mut education = Map::new();
        education.insert("education".into(), Value::from("21"));
        education.insert("major".into(), json!("汉语言文学"));
        changes.push(change(
            &teacher_id,
            ChangeOp::NewRecord,
            Some(format!("r-{n:04}")),
            education,
            None,
        ));
    }
    changes
}

fn change(
    teacher_id: &str,
    op: ChangeOp,
    record_id: Option<String>,
    fields: Map<String, Value>,
    reason: Option<String>,
) -> Change {
    let (id, group, base, version) = match (&op, &record_id) {
        (ChangeOp::ChangeRequest, _) => (format!("correction:{teacher_id}"), None, Some(1), 2),
        (_, Some(record)) => (
            format!("record:{record}@1"),
            Some("education".into()),
            None,
            1,
        ),
        (_, None) => (format!("teacher:{teacher_id}"), None, None, 1),
    };
    Change {
        id,
        op,
        teacher_id: teacher_id.to_owned(),
        record_id,
        group,
        base_version: base,
        version: Some(version),
        fields,
        reason,
        status: None,
        signoff: None,
    }
}

struct School {
    code: String,
    key: SigningKey,
    last: Option<(u64, String)>,
}

async fn enroll(client: &reqwest::Client, args: &Args) -> Result<School, Failure> {
    let key = SigningKey::generate()?;
    let request = EnrollmentRequest::new(&args.school, &args.code, &key);
    let response = client
        .post(format!("{}/v1/enroll", args.url))
        .body(request.to_json())
        .send()
        .await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("enroll: {status} {}", String::from_utf8_lossy(&bytes)).into());
    }
    EnrollmentResponse::decode(&bytes, &request).map_err(|r| r.message.clone())?;
    Ok(School {
        code: args.school.clone(),
        key,
        last: None,
    })
}

/// Uploads a signed batch of `changes`; its id.
async fn upload(
    client: &reqwest::Client,
    url: &str,
    school: &mut School,
    changes: Vec<Change>,
) -> Result<String, Failure> {
    let (sequence, previous) = match &school.last {
        Some((s, id)) => (s.saturating_add(1), Some(id.clone())),
        None => (1, None),
    };
    let id = uuid::Uuid::now_v7().hyphenated().to_string();
    let mut payload = Payload::new(&school.code, &id);
    payload.changes = changes;
    let bytes = payload.encode().map_err(|r| r.message.clone())?;
    let created_at = protocol::now();
    let manifest = Manifest::new(
        &school.key,
        ManifestFields {
            school: &school.code,
            batch_id: &id,
            sequence,
            previous_batch: previous.as_deref(),
            created_at: &created_at,
            record_count: payload.record_count(),
            payload: &bytes,
        },
    )
    .map_err(|r| r.message.clone())?;
    let envelope = SignedManifest::sign(&manifest, &school.key).encode();
    let posted = client
        .post(format!("{url}/v1/batches"))
        .body(envelope)
        .send()
        .await?;
    if !posted.status().is_success() {
        return Err(format!("manifest: {} {}", posted.status(), posted.text().await?).into());
    }
    let put = client
        .put(format!("{url}/v1/batches/{id}/payload"))
        .header(HEADER_UPLOAD_OFFSET, 0)
        .body(bytes)
        .send()
        .await?;
    let status = put.status();
    let answer = put.bytes().await?;
    if !status.is_success() {
        return Err(format!("payload: {status} {}", String::from_utf8_lossy(&answer)).into());
    }
    BatchStatus::decode(&answer).map_err(|r| r.message.clone())?;
    school.last = Some((sequence, id.clone()));
    Ok(id)
}

async fn run(args: Args) -> Result<Value, Failure> {
    let client = reqwest::Client::new();
    let mut school = enroll(&client, &args).await?;
    let first = upload(
        &client,
        &args.url,
        &mut school,
        teacher_changes(usize::from(args.teachers)),
    )
    .await?;
    let mut batches = vec![first.clone()];
    if args.correct {
        let location = Location {
            database: args.db.clone().unwrap_or_default(),
            pool_size: 1,
        };
        let accepted = tokio::task::spawn_blocking(move || -> Result<(), String> {
            let db = Db::connect(&location).map_err(|e| e.to_string())?;
            for record in ["teacher:t-0000", "record:r-0000@1"] {
                db.review(&first, record, Decision::Accepted, None, 1)
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .await?;
        accepted?;
        let mut fields = Map::new();
        fields.insert("name".into(), json!("王芳芳"));
        let correction = change(
            "t-0000",
            ChangeOp::ChangeRequest,
            None,
            fields,
            Some("姓名录入时少了一个字".into()),
        );
        batches.push(upload(&client, &args.url, &mut school, vec![correction]).await?);
    }
    Ok(json!({ "school": args.school, "key_id": school.key.key_id(), "batches": batches }))
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("console_school: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(summary) => {
            println!("{summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("console_school: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

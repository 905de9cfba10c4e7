//! The reporting commands (docs/batches.md): `enroll`, `submit`, `sync`,
//! `batch export`, `batch upload`, `receipts`, `status`. Each is a core call
//! and what it printed; the signing key comes from the keychain, or from the
//! school file with the 系统管理员 password (`TAOLI_ADMIN_PASSWORD`, or
//! asked at the terminal).

use std::process::ExitCode;

use taoli_core::batches::{
    Backoff, BatchExport, BatchSummary, KeyAccess, OutboxStatus, ReceiptImport, ReceiptInfo,
    SyncOptions, SyncReport, UploadedFile, UpstreamNotice,
};
use taoli_core::error::BatchError;
use taoli_core::secrets::{KeychainSecretStore, SecretStore};
use taoli_core::{Error, ErrorPayload};

use crate::error::Result;
use crate::lang::Lang;
use crate::login::{ADMIN_PASSWORD_VARIABLE, Login};

/// Bytes per payload request, for a link so poor that the default 256 KiB
/// seldom gets through (docs/batches.md).
pub const CHUNK_VARIABLE: &str = "TAOLI_UPLOAD_CHUNK_BYTES";

/// The sync options of a command: `--retries` attempts, the chunk size
/// from `TAOLI_UPLOAD_CHUNK_BYTES`.
pub fn sync_options(retries: Option<u32>) -> SyncOptions {
    let mut options = SyncOptions::default();
    if let Some(attempts) = retries {
        options.backoff.attempts = attempts.max(1);
    }
    if let Some(chunk) = std::env::var(CHUNK_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        options.chunk_bytes = chunk;
    }
    options
}

pub fn backoff(retries: Option<u32>) -> Backoff {
    sync_options(retries).backoff
}

/// Runs `f` with the signing key's ways: the keychain, if this computer has
/// one, and the 系统管理员 password from `TAOLI_ADMIN_PASSWORD`. When the
/// key is kept in the school file and the password is not in the
/// environment, asks for it at the terminal and runs `f` again (nothing was
/// done the first time: the key is reached before anything else).
pub fn with_keys<T>(
    login: &Login,
    mut f: impl FnMut(&KeyAccess<'_>) -> taoli_core::Result<T>,
) -> Result<T> {
    let keychain = KeychainSecretStore::new().ok();
    let store = keychain.as_ref().map(|k| k as &dyn SecretStore);
    let from_env = std::env::var(ADMIN_PASSWORD_VARIABLE).ok();
    match f(&KeyAccess::new(store, from_env.as_deref())) {
        Err(Error::Batch(BatchError::AdminPasswordNeeded)) if from_env.is_none() => {
            let prompt = login.lang.pick(
                "系统管理员的密码：",
                "The system administrator's password: ",
            );
            match rpassword::prompt_password(prompt) {
                Ok(password) => Ok(f(&KeyAccess::new(store, Some(&password)))?),
                Err(_) => Err(Error::Batch(BatchError::AdminPasswordNeeded).into()),
            }
        }
        other => Ok(other?),
    }
}

pub fn enrolled(info: &taoli_core::batches::EnrollmentInfo, lang: Lang) {
    match lang {
        Lang::Zh => {
            println!(
                "已登记上报：上级系统 {}，学校标识码 {}。",
                info.upstream, info.school
            );
            println!(
                "本校签名密钥 {} 保存在{}；上级系统的回执密钥 {} 已记下，回执都要用它核验。",
                info.key_id,
                info.key_place.label(),
                info.upstream_key_id
            );
            println!("上级系统回执密钥的指纹：{}", info.upstream_fingerprint);
            println!(
                "请与县教育局打印给本校的指纹逐组核对；如果不一致，请不要上报，并联系县教育局。"
            );
        }
        Lang::En => {
            println!("Enrolled with {} as school {}.", info.upstream, info.school);
            println!(
                "Signing key {} kept in {}; the upstream's receipt key {} is pinned.",
                info.key_id,
                info.key_place.as_str(),
                info.upstream_key_id
            );
            println!(
                "The upstream's receipt key fingerprint: {}",
                info.upstream_fingerprint
            );
            println!(
                "Compare it group by group with the one the county education bureau printed for the school; if they differ, do not report, and contact the county education bureau."
            );
        }
    }
}

fn batch_line(batch: &BatchSummary, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "第 {} 批\t{}\t{}\t{} 条记录\t{}",
            batch.sequence,
            batch.id,
            batch.state_label,
            batch.record_count,
            batch
                .received_at
                .as_deref()
                .map_or_else(String::new, |at| format!("上级系统收到于 {at}"))
                + if batch.recovered_at.is_some() {
                    "（恢复备份后从上级系统取回）"
                } else {
                    ""
                }
        ),
        Lang::En => format!(
            "batch {}\t{}\t{}\t{} records\t{}",
            batch.sequence,
            batch.id,
            batch.state.as_str(),
            batch.record_count,
            batch
                .received_at
                .as_deref()
                .map_or_else(String::new, |at| format!("received {at}"))
                + if batch.recovered_at.is_some() {
                    " (taken back from the upstream after a restore)"
                } else {
                    ""
                }
        ),
    }
}

/// Prints what a sync pass did; the exit code is 1 when something waits or failed.
pub fn sync_report(report: &SyncReport, lang: Lang) -> ExitCode {
    for batch in &report.replayed {
        let first = report.recovered.first().map_or(0, |b| b.sequence);
        let last = report.recovered.last().map_or(0, |b| b.sequence);
        match lang {
            Lang::Zh => println!(
                "第 {} 批的序号上级系统已经收到过：这个学校文件是从较早的备份恢复的。已从上级系统取回第 {first}–{last} 批（{} 个批次）的回执，核验后重新保存；这一批的改动放入新的批次，接在第 {last} 批之后上报。",
                batch.sequence,
                report.recovered.len()
            ),
            Lang::En => println!(
                "The upstream already had a batch {}: this school file was restored from an older backup. Took back batches {first}–{last} ({} batches) with their receipts, verified and kept; this batch's changes go in a new batch after batch {last}.",
                batch.sequence,
                report.recovered.len()
            ),
        }
    }
    for batch in &report.received {
        match lang {
            Lang::Zh => println!(
                "第 {} 批已上传，上级系统已接收（回执已核验并保存，{} 条记录待审核）。",
                batch.sequence, batch.record_count
            ),
            Lang::En => println!(
                "Batch {} uploaded; the upstream received it (receipt verified and kept, {} records to review).",
                batch.sequence, batch.record_count
            ),
        }
    }
    for batch in &report.refused {
        let why = match (lang, &batch.refusal) {
            (_, None) => String::new(),
            (Lang::Zh, Some(refusal)) => refusal.message.clone(),
            (Lang::En, Some(refusal)) => refusal.message_in_english(),
        };
        match lang {
            Lang::Zh => eprintln!(
                "第 {} 批被上级系统拒收：{why}\n这一批的记录会在下一次报送时重新生成批次上报。",
                batch.sequence
            ),
            Lang::En => eprintln!(
                "Batch {} was refused: {why}\nIts records go in a new batch at the next submit.",
                batch.sequence
            ),
        }
    }
    let reviews = &report.reviews;
    if reviews.accepted.saturating_add(reviews.returned) > 0 {
        match lang {
            Lang::Zh => println!(
                "取回审核结果：生效 {} 条，退回 {} 条（taoli status 查看退回理由）。",
                reviews.accepted, reviews.returned
            ),
            Lang::En => println!(
                "Review results: {} accepted, {} returned (see taoli status for the reasons).",
                reviews.accepted, reviews.returned
            ),
        }
    }
    if report.notices > 0 {
        match lang {
            Lang::Zh => println!(
                "收到上级的督促提醒 {} 条（taoli notices 查看）。",
                report.notices
            ),
            Lang::En => println!(
                "{} new notices from the county (see taoli notices).",
                report.notices
            ),
        }
    }
    let mut failed = !report.refused.is_empty();
    if let Some(error) = &report.recovery_error {
        failed = true;
        print_error(
            lang,
            "没有从上级系统取回已收到的批次",
            "Could not take back the batches the upstream received",
            error,
        );
    }
    if let (Some(batch), Some(error)) = (&report.pending, &report.pending_error) {
        failed = true;
        match lang {
            Lang::Zh => eprintln!(
                "错误：第 {} 批还没有上传完成（已试 {} 次）：{}",
                batch.sequence, batch.attempts, error.message
            ),
            Lang::En => eprintln!(
                "Error: batch {} is not uploaded yet ({} attempts): {}",
                batch.sequence, batch.attempts, error.message
            ),
        }
    }
    if let Some(error) = &report.review_error {
        failed = true;
        print_error(
            lang,
            "没有取回审核结果",
            "Could not read the review results",
            error,
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_error(lang: Lang, zh: &str, en: &str, error: &ErrorPayload) {
    match lang {
        Lang::Zh => eprintln!("错误：{zh}：{}", error.message),
        Lang::En => eprintln!("Error: {en}: {}", error.message),
    }
}

pub fn submitted(built: Option<&BatchSummary>, lang: Lang) {
    match (built, lang) {
        (Some(batch), Lang::Zh) => println!(
            "已生成第 {} 批：{} 条记录，已签名（批次编号 {}）。",
            batch.sequence, batch.record_count, batch.id
        ),
        (Some(batch), Lang::En) => println!(
            "Built batch {}: {} records, signed (batch id {}).",
            batch.sequence, batch.record_count, batch.id
        ),
        (None, Lang::Zh) => println!("没有新的改动要上报。"),
        (None, Lang::En) => println!("No new changes to report."),
    }
}

/// A batch built and held for the school's review (学校负责人审核).
pub fn submitted_for_review(batch: &BatchSummary, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已生成第 {} 批：{} 条记录，已提交审核（待审核）：系统管理员批准后才签名上传（taoli review list|approve|return）。",
            batch.sequence, batch.record_count
        ),
        Lang::En => println!(
            "Built batch {}: {} records, submitted for review: it is signed and uploaded once the system administrator approves it (taoli review list|approve|return).",
            batch.sequence, batch.record_count
        ),
    }
}

pub fn exported(export: Option<&BatchExport>, lang: Lang) {
    match (export, lang) {
        (Some(e), Lang::Zh) => {
            println!(
                "已把第 {} 批（{} 条记录，已签名）写入 {}（{} 字节）。",
                e.batch.sequence, e.batch.record_count, e.path, e.bytes
            );
            println!(
                "在能上网的电脑上运行 taoli batch upload {} 上传，再把得到的回执文件用 taoli receipts 学校文件 --import 回执文件 导入。",
                e.path
            );
        }
        (Some(e), Lang::En) => {
            println!(
                "Wrote batch {} ({} records, signed) to {} ({} bytes).",
                e.batch.sequence, e.batch.record_count, e.path, e.bytes
            );
            println!(
                "On a computer with a link: taoli batch upload {}; then import the receipt with taoli receipts SCHOOL_FILE --import RECEIPT.",
                e.path
            );
        }
        (None, Lang::Zh) => println!("没有要上报的改动，没有写出批次文件。"),
        (None, Lang::En) => println!("Nothing to report; no batch file written."),
    }
}

pub fn uploaded(file: &UploadedFile, lang: Lang) {
    match lang {
        Lang::Zh => {
            println!(
                "已上传学校 {} 的第 {} 批（{} 条记录）到 {}，上级系统收到于 {}。",
                file.school, file.sequence, file.record_count, file.upstream, file.received_at
            );
            println!(
                "回执已写入 {}：请把它带回学校，用 taoli receipts 学校文件 --import {} 导入。",
                file.receipt_path, file.receipt_path
            );
        }
        Lang::En => {
            println!(
                "Uploaded batch {} of school {} ({} records) to {}; received at {}.",
                file.sequence, file.school, file.record_count, file.upstream, file.received_at
            );
            println!(
                "The receipt is in {}: take it back and import it with taoli receipts SCHOOL_FILE --import {}.",
                file.receipt_path, file.receipt_path
            );
        }
    }
}

pub fn receipt_imported(import: &ReceiptImport, lang: Lang) {
    match (import.newly_received, lang) {
        (true, Lang::Zh) => println!(
            "已导入第 {} 批的回执：回执已用登记时记下的上级系统密钥核验，{} 条记录待审核。",
            import.batch.sequence, import.batch.record_count
        ),
        (true, Lang::En) => println!(
            "Imported the receipt of batch {}: verified with the pinned upstream key; {} records to review.",
            import.batch.sequence, import.batch.record_count
        ),
        (false, Lang::Zh) => println!(
            "第 {} 批的回执已经保存过了，没有改动。",
            import.batch.sequence
        ),
        (false, Lang::En) => println!(
            "The receipt of batch {} was already kept; nothing changed.",
            import.batch.sequence
        ),
    }
}

pub fn receipts(receipts: &[ReceiptInfo], lang: Lang) {
    if receipts.is_empty() {
        println!("{}", lang.pick("还没有回执。", "No receipts yet."));
        return;
    }
    println!(
        "{}",
        lang.pick(
            "批次序号\t批次编号\t记录数\t上级系统收到时间\t回执校验值（SHA-256）",
            "Sequence\tBatch id\tRecords\tReceived at\tReceipt SHA-256"
        )
    );
    for r in receipts {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            r.sequence, r.batch_id, r.record_count, r.received_at, r.receipt_sha256
        );
    }
}

/// `taoli status`: where the school stands with the upstream, section by section.
pub fn status(status: &OutboxStatus, lang: Lang) {
    enrollment(status, lang);
    deadline(status, lang);
    counts(status, lang);
    teachers(status, lang);
    batches(status, lang);
    missing(status, lang);
}

fn enrollment(status: &OutboxStatus, lang: Lang) {
    match (&status.enrollment, lang) {
        (Some(e), Lang::Zh) => println!(
            "上级系统：{}（{} 登记，签名密钥保存在{}）",
            e.upstream,
            e.enrolled_at,
            e.key_place.label()
        ),
        (Some(e), Lang::En) => println!(
            "Upstream: {} (enrolled {}, key in {})",
            e.upstream,
            e.enrolled_at,
            e.key_place.as_str()
        ),
        (None, Lang::Zh) => println!(
            "还没有登记上报：请向县教育局申请报送码，再运行 taoli enroll 学校文件 --upstream 上级系统地址 --code 报送码。"
        ),
        (None, Lang::En) => println!(
            "Not enrolled yet: get an enrollment code from the county, then run taoli enroll SCHOOL_FILE --upstream URL --code CODE."
        ),
    }
}

fn deadline(status: &OutboxStatus, lang: Lang) {
    if let Some(d) = &status.deadline {
        match lang {
            Lang::Zh => println!(
                "下一个截止日期：{}（{}），还有 {} 天",
                d.date, d.label, d.days_left
            ),
            Lang::En => println!(
                "Next deadline: {} ({}), {} days left",
                d.date, d.label_en, d.days_left
            ),
        }
    }
}

fn counts(status: &OutboxStatus, lang: Lang) {
    let c = &status.counts;
    match lang {
        Lang::Zh => println!(
            "教师：已生效 {}，已接收 {}，上传中 {}，待审核 {}，待上传 {}，已退回 {}",
            c.effective, c.received, c.uploading, c.awaiting_review, c.pending, c.returned
        ),
        Lang::En => println!(
            "Teachers: {} effective, {} received, {} uploading, {} awaiting review, {} pending, {} returned",
            c.effective, c.received, c.uploading, c.awaiting_review, c.pending, c.returned
        ),
    }
}

/// One line a teacher: name, ID number, status and what is returned or waits.
fn teachers(status: &OutboxStatus, lang: Lang) {
    if !status.teachers.is_empty() {
        println!(
            "{}",
            lang.pick("姓名\t证件号\t状态\t说明", "Name\tID number\tStatus\tNote")
        );
    }
    for t in &status.teachers {
        let mut notes: Vec<String> = Vec::new();
        for r in t.returned.iter().filter(|r| !r.superseded) {
            let group = r.group_name.as_deref().unwrap_or("身份信息");
            notes.push(match lang {
                Lang::Zh => format!("{group}退回：{}", r.reason),
                Lang::En => format!("{group} returned: {}", r.reason),
            });
        }
        if let Some(held) = t.held_back {
            notes.push(held.message(lang.locale()));
        } else if t.unsent > 0 {
            notes.push(match lang {
                Lang::Zh => format!("{} 项改动待上报", t.unsent),
                Lang::En => format!("{} changes to report", t.unsent),
            });
        }
        let label = match lang {
            Lang::Zh => t.status_label.clone(),
            Lang::En => t.status.as_str().to_owned(),
        };
        println!(
            "{}\t{}\t{}\t{}",
            t.name,
            t.id_number,
            label,
            notes.join("；")
        );
    }
}

fn batches(status: &OutboxStatus, lang: Lang) {
    if !status.batches.is_empty() {
        println!("{}", lang.pick("批次：", "Batches:"));
        for batch in &status.batches {
            println!("{}", batch_line(batch, lang));
            let last_error = match lang {
                Lang::Zh => &batch.last_error,
                Lang::En => &batch.last_error_en,
            };
            if let (Some(error), true) = (last_error, batch.state.in_flight()) {
                println!("\t{}{error}", lang.pick("上次失败：", "Last failure: "));
            }
        }
    }
}

/// What is still to do before everything is reported, or that nothing is.
fn missing(status: &OutboxStatus, lang: Lang) {
    let m = &status.missing;
    if m.is_empty() {
        println!(
            "{}",
            lang.pick(
                "全部改动都已上报，没有待办。",
                "Everything is reported; nothing to do."
            )
        );
        return;
    }
    let mut todo: Vec<String> = Vec::new();
    if m.not_enrolled {
        todo.push(lang.pick("登记上报", "enroll").to_owned());
    }
    let zh = lang == Lang::Zh;
    if m.teachers_with_errors > 0 {
        todo.push(if zh {
            format!("{} 位教师有错误（taoli validate）", m.teachers_with_errors)
        } else {
            format!(
                "{} teachers with errors (taoli validate)",
                m.teachers_with_errors
            )
        });
    }
    if m.teachers_with_unexplained_warnings > 0 {
        todo.push(if zh {
            format!(
                "{} 位教师有未写理由的提醒（taoli warning explain）",
                m.teachers_with_unexplained_warnings
            )
        } else {
            format!(
                "{} teachers with warnings lacking a reason (taoli warning explain)",
                m.teachers_with_unexplained_warnings
            )
        });
    }
    if m.returned_records > 0 {
        todo.push(if zh {
            format!("{} 条退回的记录待改正", m.returned_records)
        } else {
            format!("{} returned records to correct", m.returned_records)
        });
    }
    if m.unsent_changes > 0 {
        todo.push(if zh {
            format!("{} 项改动未上报（taoli submit）", m.unsent_changes)
        } else {
            format!("{} changes not reported (taoli submit)", m.unsent_changes)
        });
    }
    if m.changes_needing_reason > 0 {
        todo.push(if zh {
            format!(
                "其中 {} 项是对已生效信息的变更，需写明理由（taoli submit --reason 理由）",
                m.changes_needing_reason
            )
        } else {
            format!(
                "{} of them change effective information and need a reason (taoli submit --reason)",
                m.changes_needing_reason
            )
        });
    }
    if m.batch_in_flight {
        todo.push(
            lang.pick(
                "有一批还没有上传完成（taoli sync）",
                "a batch is not uploaded yet (taoli sync)",
            )
            .to_owned(),
        );
    }
    println!(
        "{}{}",
        lang.pick("还缺：", "Missing: "),
        todo.join(lang.pick("；", "; "))
    );
}

/// The county's notices, newest first, unread ones marked.
pub fn notices(notices: &[UpstreamNotice], marked: Option<usize>, lang: Lang) {
    if notices.is_empty() {
        match lang {
            Lang::Zh => println!("没有上级的督促提醒。"),
            Lang::En => println!("No notices from the county."),
        }
    }
    for notice in notices {
        let unread = notice.read_at.is_none() && marked.is_none();
        match lang {
            Lang::Zh => println!(
                "{}{}  {}：{}",
                if unread { "【未读】" } else { "" },
                notice.sent_at,
                notice.from,
                notice.message
            ),
            Lang::En => println!(
                "{}{}  {}: {}",
                if unread { "[unread] " } else { "" },
                notice.sent_at,
                notice.from,
                notice.message
            ),
        }
    }
    if let Some(n) = marked {
        match lang {
            Lang::Zh => println!("已将 {n} 条未读提醒标记为已读。"),
            Lang::En => println!("Marked {n} unread notices read."),
        }
    }
}

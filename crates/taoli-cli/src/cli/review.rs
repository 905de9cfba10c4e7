//! The school's own review before upload (学校负责人审核): `taoli review
//! setting|list|approve|return` (docs/batches.md, "The review gate").

use super::*;
use taoli_core::batches::{PendingReview, ReviewStatus};

#[derive(Debug, Subcommand)]
pub(super) enum ReviewCommand {
    /// 设置：报送前是否须由系统管理员（学校负责人）审核批准；不写 on/off 时显示当前设置（系统管理员）
    Setting(ReviewSettingArgs),
    /// 列出等待审核的批次：每位教师改了什么（上次上报的值 → 现在的值）、随批上报的提醒及理由（系统管理员）
    List(ReviewListArgs),
    /// 批准等待审核的批次：用本校签名密钥签名后上传（系统管理员）
    Approve(ReviewApproveArgs),
    /// 退回等待审核的批次并写明理由：这一批作废，改动回到待上传，信息管理员在报送页看到理由（系统管理员）
    Return(ReviewReturnArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub(super) struct ReviewSettingArgs {
    /// 学校文件
    school_file: PathBuf,
    /// on 开启审核，off 关闭
    #[arg(value_enum)]
    value: Option<OnOff>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(super) struct ReviewListArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(super) struct ReviewApproveArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 连不上时最多试几次（默认 6）
    #[arg(long, value_name = "N")]
    retries: Option<u32>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(super) struct ReviewReturnArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 退回理由（必填），信息管理员会在报送页看到
    #[arg(long, value_name = "NOTE")]
    note: String,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

/// `taoli review …`.
pub(super) fn review(command: ReviewCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        ReviewCommand::Setting(args) => {
            let mut file = login.open(&args.school_file)?;
            let status = match args.value {
                Some(value) => file
                    .school_review()
                    .set_required(matches!(value, OnOff::On))?,
                None => file.school_review().status()?,
            };
            file.close()?;
            if args.json {
                output::json(&status)?;
            } else {
                print_status(&status, lang);
            }
        }
        ReviewCommand::List(args) => {
            let mut file = login.open(&args.school_file)?;
            let pending = file.school_review().pending()?;
            file.close()?;
            if args.json {
                output::json(&pending)?;
            } else {
                print_pending(pending.as_ref(), lang);
            }
        }
        ReviewCommand::Approve(args) => {
            let mut file = login.open(&args.school_file)?;
            let options = SyncOptions {
                locale: lang.locale(),
                ..batches::sync_options(args.retries)
            };
            let approval =
                batches::with_keys(login, |keys| file.school_review().approve(keys, &options))?;
            file.close()?;
            if args.json {
                output::json(&approval)?;
                return Ok(if approval.sync.complete() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                });
            }
            let batch = &approval.batch;
            match lang {
                Lang::Zh => println!(
                    "已批准第 {} 批（{} 条记录），已签名。",
                    batch.sequence, batch.record_count
                ),
                Lang::En => println!(
                    "Approved batch {} ({} records); signed.",
                    batch.sequence, batch.record_count
                ),
            }
            return Ok(batches::sync_report(&approval.sync, lang));
        }
        ReviewCommand::Return(args) => {
            let mut file = login.open(&args.school_file)?;
            let returned = file.school_review().send_back(&args.note)?;
            file.close()?;
            if args.json {
                output::json(&returned)?;
            } else {
                match lang {
                    Lang::Zh => println!(
                        "已退回第 {} 批：「{}」。这一批的改动回到待上传，改好后由信息管理员重新提交审核。",
                        returned.sequence, returned.note
                    ),
                    Lang::En => println!(
                        "Returned batch {}: “{}”. Its changes are unsent again; the information manager submits them for review once corrected.",
                        returned.sequence, returned.note
                    ),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_status(status: &ReviewStatus, lang: Lang) {
    println!(
        "{}",
        match (status.required, lang) {
            (true, Lang::Zh) => "报送前须学校负责人（系统管理员）审核：开启。",
            (false, Lang::Zh) => "报送前须学校负责人（系统管理员）审核：关闭。",
            (true, Lang::En) =>
                "Review by the school head (system administrator) before upload: on.",
            (false, Lang::En) =>
                "Review by the school head (system administrator) before upload: off.",
        }
    );
    if let Some(waiting) = &status.waiting {
        match lang {
            Lang::Zh => println!(
                "第 {} 批（{} 条记录）等待审核，{} 于 {} 提交。",
                waiting.sequence, waiting.record_count, waiting.submitted_by, waiting.submitted_at
            ),
            Lang::En => println!(
                "Batch {} ({} records) awaits review, submitted by {} at {}.",
                waiting.sequence, waiting.record_count, waiting.submitted_by, waiting.submitted_at
            ),
        }
    }
}

fn print_pending(pending: Option<&PendingReview>, lang: Lang) {
    let Some(pending) = pending else {
        println!(
            "{}",
            lang.pick("没有等待审核的批次。", "No batch is waiting for review.")
        );
        return;
    };
    let batch = &pending.batch;
    match lang {
        Lang::Zh => println!(
            "第 {} 批等待审核：{} 条记录，{} 于 {} 提交。",
            batch.sequence, batch.record_count, batch.submitted_by, batch.submitted_at
        ),
        Lang::En => println!(
            "Batch {} awaits review: {} records, submitted by {} at {}.",
            batch.sequence, batch.record_count, batch.submitted_by, batch.submitted_at
        ),
    }
    let none = lang.pick("（空）", "(empty)");
    for teacher in &pending.teachers {
        println!();
        println!("{}", teacher.name);
        for change in &teacher.changes {
            let (op, group) = match lang {
                Lang::Zh => (&change.op_label, change.group_name.as_deref()),
                Lang::En => (&change.op_label_en, change.group_name_en.as_deref()),
            };
            match group {
                Some(group) => println!("  {op} · {group}"),
                None => println!("  {op}"),
            }
            for field in &change.fields {
                let label = match lang {
                    Lang::Zh => &field.label,
                    Lang::En => &field.label_en,
                };
                println!(
                    "    {label}: {} → {}",
                    field.before.as_deref().unwrap_or(none),
                    field.after.as_deref().unwrap_or(none)
                );
            }
            if let Some(reason) = &change.reason {
                println!("    {}{reason}", lang.pick("理由：", "Reason: "));
            }
        }
        for warning in &teacher.warnings {
            let message = match lang {
                Lang::Zh => &warning.message,
                Lang::En => &warning.message_en,
            };
            println!(
                "  {}{message} — {}{}",
                lang.pick("提醒：", "Warning: "),
                lang.pick("理由：", "reason: "),
                warning.reason
            );
        }
    }
}

//! Reporting to the county (报送): `enroll`, `submit`, `sync`, `batch`, `receipts`, `status`; printing is `crate::batches`'.

use super::*;

/// `taoli enroll`.
pub(super) fn enroll(args: EnrollArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let info = batches::with_keys(login, |keys| {
        file.reporting().enroll(
            &args.upstream,
            &args.code,
            keys,
            batches::backoff(args.retries),
        )
    })?;
    file.close()?;
    batches::enrolled(&info, lang);
    Ok(ExitCode::SUCCESS)
}

/// `taoli plain-http FILE [on|off]`: the school's `allow_plain_http` setting.
pub(super) fn plain_http(args: PlainHttpArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let settings = match args.value {
        Some(value) => file
            .reporting()
            .set_allow_plain_http(matches!(value, review::OnOff::On))?,
        None => file.reporting().transport()?,
    };
    file.close()?;
    if args.json {
        output::json(&settings)?;
        return Ok(ExitCode::SUCCESS);
    }
    match (settings.allow_plain_http, lang) {
        (true, Lang::Zh) => println!(
            "允许不加密的 http 地址：开启。桃李也会向其他电脑的 http:// 地址上报，数据在网上传送时不加密。"
        ),
        (false, Lang::Zh) => println!(
            "允许不加密的 http 地址：关闭。桃李只向 https:// 地址（和本机 127.0.0.1）上报。"
        ),
        (true, Lang::En) => println!(
            "Allow unencrypted http addresses: on. Taoli also reports to http:// addresses of other computers, unencrypted on the way."
        ),
        (false, Lang::En) => println!(
            "Allow unencrypted http addresses: off. Taoli reports to https:// addresses only (and to 127.0.0.1 on this computer)."
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli submit` (exits 1 when something waits or failed).
pub(super) fn submit(args: SubmitArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let options = SubmitOptions {
        change_reason: args.reason,
        sync: SyncOptions {
            locale: lang.locale(),
            ..batches::sync_options(args.retries)
        },
    };
    let outcome = batches::with_keys(login, |keys| file.reporting().submit(keys, &options))?;
    let waiting = file.school_review().status()?.waiting;
    file.close()?;
    if args.json {
        output::json(&outcome)?;
        return Ok(exit_code(outcome.sync.complete()));
    }
    match (&outcome.built, &waiting) {
        (Some(built), Some(waiting)) if built.id == waiting.batch_id => {
            batches::submitted_for_review(built, lang)
        }
        _ => batches::submitted(outcome.built.as_ref(), lang),
    }
    Ok(batches::sync_report(&outcome.sync, lang))
}

/// `taoli sync` (exits 1 when something waits or failed).
pub(super) fn sync(args: SyncArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let options = SyncOptions {
        locale: lang.locale(),
        ..batches::sync_options(args.retries)
    };
    let report = batches::with_keys(login, |keys| file.reporting().sync(keys, &options))?;
    file.close()?;
    if args.json {
        output::json(&report)?;
        return Ok(exit_code(report.complete()));
    }
    let code = batches::sync_report(&report, lang);
    if report.received.is_empty()
        && report.refused.is_empty()
        && report.pending.is_none()
        && report
            .reviews
            .accepted
            .saturating_add(report.reviews.returned)
            == 0
        && report.review_error.is_none()
    {
        println!(
            "{}",
            lang.pick(
                "没有要上传的批次，也没有新的审核结果。",
                "Nothing to upload and no new review results."
            )
        );
    }
    Ok(code)
}

/// `taoli batch export|upload`.
pub(super) fn batch(command: BatchCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        BatchCommand::Export(args) => {
            let mut file = login.open(&args.school_file)?;
            let exported = batches::with_keys(login, |keys| {
                file.reporting()
                    .export_batch(keys, args.reason.as_deref(), &args.output)
            })?;
            file.close()?;
            if args.json {
                output::json(&exported)?;
            } else {
                batches::exported(exported.as_ref(), lang);
            }
        }
        BatchCommand::Upload(args) => {
            let uploaded = taoli_core::batches::upload_file(
                &args.file,
                args.upstream.as_deref(),
                args.output.as_deref(),
                batches::backoff(args.retries),
            )?;
            if args.json {
                output::json(&uploaded)?;
            } else {
                batches::uploaded(&uploaded, lang);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli receipts`: list them, or import a receipt file.
pub(super) fn receipts(args: ReceiptsArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    if let Some(path) = &args.import {
        let imported = file.reporting().import_receipt(path)?;
        file.close()?;
        if args.json {
            output::json(&imported)?;
        } else {
            batches::receipt_imported(&imported, lang);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let receipts = file.reporting().receipts()?;
    file.close()?;
    if args.json {
        output::json(&receipts)?;
    } else {
        batches::receipts(&receipts, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli notices`.
pub(super) fn notices(args: NoticesArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let notices = file.reporting().notices()?;
    let marked = if args.read {
        Some(file.reporting().mark_notices_read()?)
    } else {
        None
    };
    file.close()?;
    if args.json {
        output::json(&notices)?;
    } else {
        batches::notices(&notices, marked, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli status`.
pub(super) fn status(args: StatusArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let status = file.reporting().outbox_status()?;
    file.close()?;
    if args.json {
        output::json(&status)?;
    } else {
        batches::status(&status, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// 0 when everything went, 1 when something waits or failed.
fn exit_code(complete: bool) -> ExitCode {
    if complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

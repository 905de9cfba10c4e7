//! The roster import: `import` (preview, commit, the refused rows beside the roster), `import-undo`, `import-history`.

use super::*;

/// `taoli import`: the import in one pass, planning and writing at once (with
/// `--dry-run`, the preview alone); the refused rows and 待修正 cells written
/// beside the roster. Exits 1 when rows were refused.
pub(super) fn import(args: ImportArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let options = ImportOptions {
        sheets: args.sheet,
        mappings: args
            .map
            .iter()
            .map(|m| MappingOverride::parse(m))
            .collect::<taoli_core::Result<_>>()?,
        on_conflict: match args.on_conflict {
            ConflictChoice::Keep => OnConflict::Keep,
            ConflictChoice::Take => OnConflict::Take,
        },
        locale: lang.locale(),
    };
    let mut roster = taoli_core::import::open(&args.roster)?;
    let mut file = login.open(&args.school_file)?;
    let (mut plan, import) = if args.dry_run {
        (file.imports().plan(&mut roster, &options)?, None)
    } else {
        let (plan, run) = file
            .imports()
            .import(&mut roster, &options, &mut |_, _| {})?;
        (plan, Some(run))
    };
    drop(roster);
    file.close()?;
    let refused_path = match (&args.refused, args.dry_run) {
        (Some(path), _) => Some(path.clone()),
        (None, false) if plan.preview.counts.refused > 0 || !plan.pending.is_empty() => {
            Some(beside(&args.roster))
        }
        _ => None,
    };
    // The report and the workbook need only the preview and the refused rows
    // (a committed plan is settled already).
    plan.settle();
    let refused_workbook = match refused_path {
        Some(path) if plan.preview.counts.refused > 0 || !plan.pending.is_empty() => {
            taoli_core::import::refused::write_refused_rows(&plan, &path)?;
            Some(path.display().to_string())
        }
        _ => None,
    };
    let outcome = ImportOutcome {
        dry_run: args.dry_run,
        preview: plan.preview,
        import,
        refused_workbook,
    };
    if args.json {
        output::json(&outcome)?;
    } else {
        output::import_outcome(&outcome, lang);
    }
    Ok(if outcome.preview.counts.refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `taoli import-undo`.
pub(super) fn import_undo(args: ImportUndoArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let result = file.imports().undo(args.import_id.as_deref())?;
    output::import_undone(&result, lang);
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

/// `taoli import-history`.
pub(super) fn import_history(
    args: ImportHistoryArgs,
    login: &Login,
    lang: Lang,
) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let runs = file.imports().runs()?;
    file.close()?;
    if args.json {
        output::json(&runs)?;
    } else {
        output::import_history(&runs, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `花名册-未通过.xlsx` next to the roster.
fn beside(roster: &std::path::Path) -> PathBuf {
    let stem = roster
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "花名册".into());
    roster.with_file_name(format!("{stem}-未通过.xlsx"))
}

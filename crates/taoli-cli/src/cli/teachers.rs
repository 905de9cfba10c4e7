//! Teachers and their records: `teacher`, `record`, `warning`, `validate`, `stats`, the 信息确认表 (`sheets`, `signoff`).

use super::*;

/// `taoli teacher add|list|set|status|history|correct|remove|duplicates|merge`.
pub(super) fn teacher(command: TeacherCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        TeacherCommand::Add(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.data_entry().add_teacher(&NewTeacher {
                name: args.name,
                id_type: args.id_type,
                id_number: args.id_number,
            })?;
            // What add_teacher filled of 基本信息 from a resident ID number.
            let from_id = file
                .data_entry()
                .id_derived_values(&teacher.id_type, &teacher.id_number)?;
            output::teacher_added(&teacher, &from_id, lang);
            file.close()?;
        }
        TeacherCommand::List(args) => {
            let mut file = login.open(&args.school_file)?;
            let filter = match (args.departed, args.all) {
                (true, _) => RosterFilter::Departed,
                (_, true) => RosterFilter::All,
                _ => RosterFilter::OnRoster,
            };
            let listing = file.search().roster_in_status(
                args.query.as_deref().unwrap_or(""),
                filter,
                args.status.as_deref(),
            )?;
            let signoffs = file.sheets().signoff_states()?;
            if args.json {
                output::teacher_list_json(&listing.teachers, &signoffs)?;
            } else {
                output::teacher_table(&listing.teachers, listing.total, &signoffs, lang);
                if filter == RosterFilter::OnRoster && listing.departed > 0 {
                    output::departed_hint(listing.departed, lang);
                }
            }
            file.close()?;
        }
        TeacherCommand::Status(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let catalog = file.catalog()?.into_owned();
            if args.withdraw {
                let event = file.status_changes().withdraw_pending(&teacher.id)?;
                output::status_withdrawn(&teacher, &event, &catalog, lang);
            } else {
                let event = file.status_changes().change(&NewStatusChange {
                    teacher_id: teacher.id.clone(),
                    status: args.to.unwrap_or_default(),
                    effective_date: args.date.unwrap_or_default(),
                    reason: args.reason.unwrap_or_default(),
                    evidence: args.evidence,
                })?;
                output::status_changed(&teacher, &event, &catalog, lang);
            }
            file.close()?;
        }
        TeacherCommand::Correct(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let corrected = file.data_entry().correct_identity(&IdentityCorrection {
                teacher_id: teacher.id.clone(),
                name: args.name.unwrap_or_else(|| teacher.name.clone()),
                id_type: args.new_id_type.unwrap_or_else(|| teacher.id_type.clone()),
                id_number: args
                    .new_id_number
                    .unwrap_or_else(|| teacher.id_number.clone()),
                reason: args.reason,
                evidence: args.evidence,
            })?;
            file.close()?;
            if args.json {
                output::json(&corrected)?;
            } else {
                output::teacher_corrected(&teacher, &corrected, lang);
            }
        }
        TeacherCommand::WithdrawCorrection(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let withdrawn = file.data_entry().withdraw_correction(&teacher.id)?;
            file.close()?;
            output::correction_withdrawn(&teacher, &withdrawn, lang);
        }
        TeacherCommand::Remove(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let removed = file
                .data_entry()
                .remove_teacher(&teacher.id, &args.reason)?;
            output::teacher_removed(&removed, lang);
            file.close()?;
        }
        TeacherCommand::Duplicates(args) => {
            let mut file = login.open(&args.school_file)?;
            let pairs = file.duplicates().find()?;
            if args.json {
                output::json(&pairs)?;
            } else {
                output::duplicates(&pairs, lang);
            }
            file.close()?;
        }
        TeacherCommand::Merge(args) => {
            let mut file = login.open(&args.school_file)?;
            let keep = file
                .teachers()
                .by_id_number(args.keep_id_type.as_deref(), &args.keep)?;
            let merge = file
                .teachers()
                .by_id_number(args.merge_id_type.as_deref(), &args.merge)?;
            let kept = file.duplicates().merge(&keep.id, &merge.id, &args.reason)?;
            output::teachers_merged(&kept, &merge, lang);
            file.close()?;
        }
        TeacherCommand::History(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let catalog = file.catalog()?.into_owned();
            let timeline = file.status_changes().timeline(&teacher.id)?;
            if args.json {
                output::json(&timeline)?;
            } else {
                output::status_history(&teacher, &timeline, &catalog, lang);
            }
            file.close()?;
        }
        TeacherCommand::Set(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let assignments = parse_assignments(&args.assignments)?;
            let record = file
                .data_entry()
                .set_fields(&teacher.id, &args.group, &assignments)?;
            output::record_saved(&teacher.name, &record, lang);
            file.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli record add`.
pub(super) fn record(command: RecordCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        RecordCommand::Add(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let assignments = parse_assignments(&args.assignments)?;
            let record =
                file.data_entry()
                    .add_group_record(&teacher.id, &args.group, &assignments)?;
            output::record_saved(&teacher.name, &record, lang);
            file.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli warning explain`.
pub(super) fn warning(command: WarningCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        WarningCommand::Explain(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teachers().by_id_number(None, &args.id_number)?;
            let warning = WarningRef {
                teacher_id: &teacher.id,
                rule: &args.rule,
                field: args.field.as_deref(),
                row_order: args.row,
            };
            file.validation().explain_warning(&warning, &args.reason)?;
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已为 {} 的提醒「{}」记下理由。", teacher.name, args.rule),
                    Lang::En => format!(
                        "Recorded the reason for {}'s warning {}.",
                        teacher.name, args.rule
                    ),
                }
            );
            file.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli validate` (exits 1 when there are errors).
pub(super) fn validate(args: ValidateArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let report = file.validation().report()?;
    file.close()?;
    if args.json {
        output::json(&report)?;
    } else {
        output::validation(&report, lang);
    }
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `taoli stats`.
pub(super) fn stats(args: StatsArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let file = login.open(&args.school_file)?;
    let stats = file.stats().count()?;
    file.close()?;
    match (&args.xlsx, args.json) {
        (Some(path), _) => {
            taoli_core::stats::workbook::write(&stats, path)?;
            output::stats_written(&stats, path, lang);
        }
        (None, true) => output::json(&stats)?,
        (None, false) => output::stats(&stats, lang),
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli sheets`: the 信息确认表 PDF.
pub(super) fn sheets(args: SheetsArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let template = Template::resolve(args.template.as_deref())?;
    let mut file = login.open(&args.school_file)?;
    let ids = args
        .teachers
        .iter()
        .map(|n| file.teachers().by_id_number(None, n).map(|t| t.id))
        .collect::<taoli_core::Result<Vec<_>>>()?;
    let path = match args.output {
        Some(path) => path,
        None => export::unused_path(&PathBuf::from(taoli_core::sheets::default_file_name(
            &file.school()?.name,
        ))),
    };
    let printed = file.sheets().print(&ids, &template, &path)?;
    file.close()?;
    if args.json {
        output::json(&printed)?;
    } else {
        output::sheets_printed(&printed, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli signoff`.
pub(super) fn signoff(args: SignoffArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let teacher = file.teachers().by_id_number(None, &args.id_number)?;
    let state = file.sheets().signoff(&teacher.id, &args.fingerprint)?;
    file.close()?;
    if args.json {
        output::json(&state)?;
    } else {
        output::signed_off(&teacher.name, &state, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli signoff-gate`: shows or changes the sign-off gate.
pub(super) fn signoff_gate(args: SignoffGateArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let gate = match args.value {
        Some(value) => file
            .sheets()
            .set_signoff_required(matches!(value, review::OnOff::On))?,
        None => file.sheets().signoff_gate()?,
    };
    file.close()?;
    if args.json {
        output::json(&gate)?;
        return Ok(ExitCode::SUCCESS);
    }
    match (gate.required, lang) {
        (true, Lang::Zh) => println!("报送前须本人签字确认：开启。"),
        (false, Lang::Zh) => println!("报送前须本人签字确认：关闭。"),
        (true, Lang::En) => println!("Teachers sign their sheet before upload: on."),
        (false, Lang::En) => println!("Teachers sign their sheet before upload: off."),
    }
    match lang {
        Lang::Zh => println!(
            "在册教师中 {} 人未签字，{} 人签字后信息有改动{}。",
            gate.unsigned,
            gate.stale,
            if gate.required {
                "，他们的改动暂不上报"
            } else {
                ""
            }
        ),
        Lang::En => println!(
            "Of the teachers on the roster, {} have not signed and {} changed since they signed{}.",
            gate.unsigned,
            gate.stale,
            if gate.required {
                "; their changes wait"
            } else {
                ""
            }
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_assignments(raw: &[String]) -> taoli_core::Result<Vec<(String, String)>> {
    raw.iter()
        .map(|a| taoli_core::entry::parse_assignment(a))
        .collect()
}

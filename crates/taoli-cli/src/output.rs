//! What the CLI prints. Tables are for people; `--json` is for scripts.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use taoli_core::account::User;
use taoli_core::audit::AuditPage;
use taoli_core::catalog::{
    Catalog, CodeTable, EffectiveCatalog, IdType, SchoolType, SchoolTypeScope, Severity,
};
use taoli_core::correction_request::CorrectionRequest;
use taoli_core::entry::CorrectionOutcome;
use taoli_core::export::{ExportFormat, SheetStyle};
use taoli_core::id_derived::IdDerivedValue;
use taoli_core::import::{
    ImportOutcome, ImportPreview, ImportRun, MappingSource, MessageSeverity, OnConflict,
    SheetPreview, UndoResult,
};
use taoli_core::record::IndicatorRecord;
use taoli_core::sheets::PrintedSheets;
use taoli_core::sheets::SignoffState;
use taoli_core::stats::SchoolStats;
use taoli_core::status_changes::StatusTimeline;
use taoli_core::status_event::{EventKind, EventState, StatusEvent};
use taoli_core::store::{AuditCheck, Backup};
use taoli_core::validate::ValidationReport;
use taoli_core::{Error, Result, School, Teacher};

use crate::lang::Lang;

pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out).map_err(stdout_error)
}

/// An export as it is (CSV, JSON) on standard output.
pub fn raw(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(stdout_error)
}

/// Where an export was written.
pub fn exported(format: ExportFormat, style: SheetStyle, path: &Path, lang: Lang) {
    let path = path.display();
    let national = style == SheetStyle::National;
    let (zh, en) = if national {
        ("（国家模板格式）", " (national template form)")
    } else {
        ("", "")
    };
    match (lang, format) {
        (Lang::Zh, ExportFormat::Template) => println!("已生成导入模板{zh}：{path}"),
        (Lang::Zh, ExportFormat::Xlsx) => {
            println!("已导出全部教师信息{zh}：{path}（可用 taoli import 导回）")
        }
        (Lang::Zh, _) => println!("已导出到 {path}{zh}"),
        (Lang::En, ExportFormat::Template) => println!("Wrote the import template{en}: {path}"),
        (Lang::En, ExportFormat::Xlsx) => {
            println!("Wrote every teacher's records{en}: {path} (taoli import reads it back)")
        }
        (Lang::En, _) => println!("Exported to {path}{en}"),
    }
}

fn stdout_error(source: std::io::Error) -> Error {
    Error::Io {
        path: "<stdout>".into(),
        source,
    }
}

fn type_label(school: &School) -> String {
    let name = school.school_type_name.as_deref().unwrap_or("");
    match &school.indicator_set {
        Some(set) => format!("{} {} · {}", school.school_type, name, set.name),
        None => format!("{} {}", school.school_type, name),
    }
}

pub fn school_created(school: &School, path: &Path, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已创建学校文件 {}：{}（学校标识码 {}，办学类型 {}）",
            path.display(),
            school.name,
            school.code,
            type_label(school)
        ),
        Lang::En => println!(
            "Created school file {}: {} (code {}, school type {})",
            path.display(),
            school.name,
            school.code,
            type_label(school)
        ),
    }
}

pub fn user_added(user: &User, lang: Lang) {
    match lang {
        Lang::Zh => println!("已添加账号 {}（{}）", user.name, user.role_label),
        Lang::En => println!("Added account {} ({})", user.name, user.role.label_en()),
    }
}

pub fn user_changed(user: &User, lang: Lang) {
    let state = match (lang, user.disabled) {
        (Lang::Zh, true) => "已停用",
        (Lang::Zh, false) => "可以登录",
        (Lang::En, true) => "disabled",
        (Lang::En, false) => "can sign in",
    };
    match lang {
        Lang::Zh => println!("账号 {}：{}，{}", user.name, user.role_label, state),
        Lang::En => println!("Account {}: {}, {}", user.name, user.role.label_en(), state),
    }
}

pub fn password_changed(name: &str, lang: Lang) {
    match lang {
        Lang::Zh => println!("已修改账号 {name} 的密码"),
        Lang::En => println!("Changed the password of {name}"),
    }
}

/// The accounts as a table: name, role, state, last sign-in.
pub fn users(users: &[User], lang: Lang) {
    let header = match lang {
        Lang::Zh => ["账号", "角色", "状态", "最近登录"],
        Lang::En => ["Account", "Role", "State", "Last sign-in"],
    };
    println!("{}", header.join("\t"));
    for user in users {
        let role = match lang {
            Lang::Zh => user.role_label.as_str(),
            Lang::En => user.role.label_en(),
        };
        let state = match (lang, user.disabled) {
            (Lang::Zh, true) => "已停用",
            (Lang::Zh, false) => "在用",
            (Lang::En, true) => "disabled",
            (Lang::En, false) => "active",
        };
        let last = user.last_sign_in_at.as_deref().unwrap_or("-");
        println!("{}\t{role}\t{state}\t{last}", user.name);
    }
}

pub fn teacher_added(teacher: &Teacher, from_id: &[IdDerivedValue], lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已添加教师 {}（{} {}）",
            teacher.name, teacher.id_type_name, teacher.id_number
        ),
        Lang::En => println!(
            "Added teacher {} ({} {})",
            teacher.name, teacher.id_type_name, teacher.id_number
        ),
    }
    if !from_id.is_empty() {
        let values: Vec<String> = from_id
            .iter()
            .map(|v| format!("{} {}", v.label, v.shown))
            .collect();
        println!(
            "  {}{}",
            lang.pick("已按身份证件号填写：", "Filled from the ID number: "),
            values.join("、")
        );
    }
}

pub fn teacher_table(
    teachers: &[Teacher],
    total: usize,
    signoffs: &HashMap<String, SignoffState>,
    lang: Lang,
) {
    if teachers.is_empty() {
        println!(
            "{}",
            lang.pick(
                "没有教师。用 `taoli teacher add` 添加。",
                "No teachers. Add one with `taoli teacher add`."
            )
        );
        return;
    }
    println!(
        "{}\t{}\t{}\t{}\t{}",
        lang.pick("序号", "No."),
        lang.pick("姓名", "Name"),
        lang.pick("证件类型", "ID type"),
        lang.pick("证件号", "ID number"),
        lang.pick("确认表", "Sheet")
    );
    for (i, t) in teachers.iter().enumerate() {
        let state = signoffs.get(&t.id).unwrap_or(&SignoffState::None);
        println!(
            "{}\t{}\t{}\t{}\t{}",
            i.saturating_add(1),
            t.name,
            t.id_type_name,
            t.id_number,
            lang.pick(state.label(), state.label_en())
        );
    }
    match lang {
        Lang::Zh if teachers.len() == total => println!("共 {total} 人"),
        Lang::Zh => println!("显示 {} 人，共 {total} 人", teachers.len()),
        Lang::En => println!("{} of {total} teachers", teachers.len()),
    }
}

/// The teachers as JSON: each teacher's fields and `signoff`, their sheet's
/// sign-off state (docs/sheets.md).
pub fn teacher_list_json(
    teachers: &[Teacher],
    signoffs: &HashMap<String, SignoffState>,
) -> Result<()> {
    let rows = teachers
        .iter()
        .map(|t| {
            let mut row = serde_json::to_value(t)?;
            if let Some(fields) = row.as_object_mut() {
                let state = signoffs.get(&t.id).unwrap_or(&SignoffState::None);
                fields.insert("signoff".into(), serde_json::to_value(state)?);
            }
            Ok(row)
        })
        .collect::<Result<Vec<_>>>()?;
    json(&rows)
}

pub fn school_type_table(types: &[SchoolType], lang: Lang) {
    println!(
        "{}\t{}\t{}",
        lang.pick("代码", "Code"),
        lang.pick("办学类型", "School type"),
        lang.pick("指标体系", "Indicator set")
    );
    for t in types {
        let set = match &t.scope {
            SchoolTypeScope::In { set } => match lang {
                Lang::Zh => set.name.clone(),
                Lang::En => set.name_en.clone(),
            },
            SchoolTypeScope::Out { reason } => {
                format!("{}{reason}", lang.pick("不采集：", "not collected: "))
            }
        };
        println!("{}\t{}\t{}", t.code, t.name, set);
    }
}

pub fn id_type_table(types: &[IdType], lang: Lang) {
    println!(
        "{}\t{}",
        lang.pick("代码", "Code"),
        lang.pick("身份证件类型", "ID type")
    );
    for t in types {
        let name = match lang {
            Lang::Zh => &t.name,
            Lang::En => &t.name_en,
        };
        println!("{}\t{}", t.code, name);
    }
}

pub fn record_saved(teacher: &str, record: &IndicatorRecord, lang: Lang) {
    let group = taoli_core::catalog::catalog()
        .ok()
        .and_then(|c| c.group(&record.group_code))
        .map_or(record.group_code.as_str(), |g| match lang {
            Lang::Zh => g.name.as_str(),
            Lang::En => g.name_en.as_str(),
        });
    match lang {
        Lang::Zh => println!(
            "已保存 {teacher} 的「{group}」（第 {} 条，版本 {}）",
            record.row_order, record.version
        ),
        Lang::En => println!(
            "Saved {teacher}'s {group} (row {}, version {})",
            record.row_order, record.version
        ),
    }
}

pub fn validation(report: &ValidationReport, lang: Lang) {
    let mut last_teacher = "";
    for p in &report.problems {
        if p.teacher_id != last_teacher {
            println!("\n{}", p.teacher_name);
            last_teacher = &p.teacher_id;
        }
        let mark = match (p.severity, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Warning, Lang::Zh) => "提醒",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
        };
        let message = match lang {
            Lang::Zh => &p.message,
            Lang::En => &p.message_en,
        };
        match (&p.reason, lang) {
            (Some(reason), Lang::Zh) => println!("  [{mark}] {message}（已说明：{reason}）"),
            (Some(reason), Lang::En) => println!("  [{mark}] {message} (explained: {reason})"),
            (None, _) => println!("  [{mark}] {message}"),
        }
    }
    match lang {
        Lang::Zh => println!(
            "\n校验了 {} 位教师：{} 个错误，{} 个提醒（{} 个已说明理由）。{}",
            report.teachers,
            report.errors,
            report.warnings,
            report.explained,
            if report.errors > 0 {
                "有错误的信息不能上报，请改正后再校验。"
            } else {
                ""
            }
        ),
        Lang::En => println!(
            "\nChecked {} teachers: {} errors, {} warnings.",
            report.teachers, report.errors, report.warnings
        ),
    }
}

pub fn stats(stats: &SchoolStats, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "{} 教师统计（截至 {}，共 {} 人）",
            stats.school_name, stats.as_of, stats.teachers
        ),
        Lang::En => println!(
            "{}: teachers as of {} ({} in all)",
            stats.school_name, stats.as_of, stats.teachers
        ),
    }
    for d in &stats.dimensions {
        println!();
        let name = match lang {
            Lang::Zh => &d.name,
            Lang::En => &d.name_en,
        };
        match (lang, d.multi) {
            (Lang::Zh, false) => println!("{name}"),
            (Lang::Zh, true) => println!("{name}（一人多项的，每项各计一次）"),
            (Lang::En, false) => println!("{name}"),
            (Lang::En, true) => println!("{name} (a teacher with several counts under each)"),
        }
        for b in &d.buckets {
            let label = match lang {
                Lang::Zh => &b.label,
                Lang::En => &b.label_en,
            };
            println!("  {label}\t{}\t{}", b.count, share(b.count, d.total));
        }
        println!("  {}\t{}", lang.pick("合计", "Total"), d.total);
    }
}

/// `count` of `total` as a percentage with one decimal.
fn share(count: usize, total: usize) -> String {
    if total == 0 {
        return "-".to_owned();
    }
    format!("{:.1}%", count as f64 * 100.0 / total as f64)
}

pub fn stats_written(stats: &SchoolStats, path: &Path, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已把 {} 位教师的统计表和图表写入 {}",
            stats.teachers,
            path.display()
        ),
        Lang::En => println!(
            "Wrote the statistics of {} teachers, with charts, to {}",
            stats.teachers,
            path.display()
        ),
    }
}

pub fn sets(catalog: &Catalog, lang: Lang) {
    println!("{}", lang.pick("指标体系：", "Indicator sets:"));
    for set in catalog.sets() {
        println!("  {}\t{}\t{}", set.id, set.name, set.name_en);
    }
    println!(
        "{}",
        lang.pick(
            "用 --set 查看某一指标体系的信息项和指标，用 --codes 查看代码表。",
            "Use --set to see a set's groups and indicators, --codes for a code table."
        )
    );
}

pub fn effective_catalog(catalog: &EffectiveCatalog, lang: Lang) {
    println!("{}（{}）", catalog.set.name, catalog.set.id);
    for group in &catalog.groups {
        let kind = match (group.multi, lang) {
            (true, Lang::Zh) => "多条",
            (false, Lang::Zh) => "单条",
            (true, Lang::En) => "multi-record",
            (false, Lang::En) => "single record",
        };
        println!("\n{} {}（{}，{kind}）", group.name, group.name_en, group.id);
        for f in &group.fields {
            let star = if f.required { "*" } else { " " };
            let table = f
                .code_table
                .as_deref()
                .map(|t| format!(" [{t}]"))
                .unwrap_or_default();
            let derived = if f.derived {
                lang.pick(" （推算）", " (derived)")
            } else {
                ""
            };
            println!(
                "  {star}{}\t{}\t{:?}{table}{derived}",
                f.code, f.label, f.kind
            );
        }
    }
}

pub fn code_table(table: &CodeTable, lang: Lang) {
    println!("{}（{}）", table.name, table.id);
    for c in &table.codes {
        let parent = c
            .parent
            .as_deref()
            .map(|p| format!("  ← {p}"))
            .unwrap_or_default();
        let name = match lang {
            Lang::Zh => c.name.as_str(),
            Lang::En => c.name_en.as_deref().unwrap_or(&c.name),
        };
        println!("  {}\t{name}{parent}", c.code);
    }
}

/// The divisions a region search found: code and full name, one a line,
/// then where the table comes from.
pub fn regions(
    table: &taoli_core::catalog::Regions,
    found: &[&taoli_core::catalog::Region],
    query: &str,
    lang: Lang,
) {
    for region in found {
        println!("  {}\t{}", region.code, table.display(&region.code));
    }
    match (found.is_empty(), lang) {
        (true, Lang::Zh) => println!(
            "没有与「{}」相符的行政区划。可输入名称的一部分（成都）、拼音（chengdu）或首字母（cd）。",
            query.trim()
        ),
        (true, Lang::En) => println!(
            "No division matches \"{}\". Type part of a name (成都), its pinyin (chengdu) or initials (cd).",
            query.trim()
        ),
        (false, Lang::Zh) => println!("共 {} 个。行政区划：{}", found.len(), table.edition),
        (false, Lang::En) => println!("{} found. Divisions: {}", found.len(), table.edition),
    }
}

pub fn pack_in_use(info: Option<&taoli_core::catalog::PackInfo>, lang: Lang) {
    match (info, lang) {
        (Some(p), Lang::Zh) => println!(
            "本校使用省级补充包：{}（{}，{} 版）",
            p.name, p.id, p.version
        ),
        (Some(p), Lang::En) => println!(
            "This school uses the province pack {} ({}, version {})",
            p.name, p.id, p.version
        ),
        (None, Lang::Zh) => println!("本校未使用省级补充包，按全国指标校验。"),
        (None, Lang::En) => {
            println!("This school uses no province pack: the national catalog applies.")
        }
    }
}

/// How many refused rows and conflicts are listed before "…and N more".
const LISTED: usize = 30;

pub fn import_outcome(outcome: &ImportOutcome, lang: Lang) {
    let preview = &outcome.preview;
    for sheet in &preview.sheets {
        import_sheet(sheet, lang);
    }
    for skipped in &preview.skipped_sheets {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!("跳过工作表「{}」：{}。", skipped.name, skipped.reason),
                Lang::En => format!("Sheet {} skipped: {}.", skipped.name, skipped.reason),
            }
        );
    }
    import_notes(preview, lang);
    import_problems(preview, lang);
    import_conflicts(preview, lang);
    import_result(outcome, lang);
}

/// Where a sheet's header and data are, the defaults its new records get, the
/// columns mapped as remembered and those not imported.
fn import_sheet(sheet: &SheetPreview, lang: Lang) {
    let header = if sheet.header_rows.0 == sheet.header_rows.1 {
        format!("{}", sheet.header_rows.0)
    } else {
        format!("{}–{}", sheet.header_rows.0, sheet.header_rows.1)
    };
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "工作表「{}」：表头在第 {header} 行，数据 {} 行。",
                sheet.name, sheet.data_rows
            ),
            Lang::En => format!(
                "Sheet {}: header on row {header}, {} data rows.",
                sheet.name, sheet.data_rows
            ),
        }
    );
    if !sheet.defaults.is_empty() {
        println!(
            "  {}{}",
            lang.pick(
                "表中没有这些列，新登记的记录按默认值填写：",
                "No column for these; new records get the default: "
            ),
            sheet.defaults.join("、")
        );
    }
    let remembered: Vec<String> = sheet
        .columns
        .iter()
        .filter(|c| c.source == MappingSource::Remembered)
        .filter_map(|c| {
            let header = c.header.split_whitespace().collect::<Vec<_>>().join(" ");
            c.target.as_ref().map(|t| match lang {
                Lang::Zh => {
                    format!("{} 列「{header}」→ {}·{}", c.letter, t.group_name, t.label)
                }
                Lang::En => format!(
                    "column {} 「{header}」 → {}·{}",
                    c.letter, t.group_name, t.label
                ),
            })
        })
        .collect();
    if !remembered.is_empty() {
        println!(
            "  {}{}",
            lang.pick("已按上次的选择对应：", "Mapped as chosen last time: "),
            remembered.join(lang.pick("；", "; "))
        );
    }
    if !sheet.unknown_columns.is_empty() {
        println!(
            "  {}{}",
            lang.pick(
                "未识别、不导入的列（可用 --map 表头=指标 指定）：",
                "Columns not recognised and not imported (use --map HEADER=FIELD): "
            ),
            sheet.unknown_columns.join("、")
        );
    }
}

/// Repeated things once: one line per column and way of writing, and per
/// column and kind of problem; `--json` keeps every row's own messages.
fn import_notes(preview: &ImportPreview, lang: Lang) {
    if !preview.notes.is_empty() {
        println!();
        println!(
            "{}",
            lang.pick(
                "已按代码表识别的写法：",
                "Values understood in another form:"
            )
        );
        for note in preview.notes.iter().take(LISTED) {
            println!("  {}", note.text);
        }
        if preview.notes.len() > LISTED {
            println!("  …… +{}", preview.notes.len().saturating_sub(LISTED));
        }
    }
}

/// The grouped refusals, 待修正 cells and warnings, a section each.
fn import_problems(preview: &ImportPreview, lang: Lang) {
    let sections = [
        (
            MessageSeverity::Refusal,
            lang.pick("未通过的行（整行未导入）：", "Refused rows (not imported):"),
        ),
        (
            MessageSeverity::Error,
            lang.pick(
                "待修正（已导入，这一项先空着，原文记在教师信息里）：",
                "To correct (imported with the field empty; the cell's text is kept on the teacher):",
            ),
        ),
        (
            MessageSeverity::Warning,
            lang.pick("提醒：", "Warnings:"),
        ),
    ];
    for (severity, title) in sections {
        let groups: Vec<_> = preview
            .problem_groups
            .iter()
            .filter(|g| g.severity == severity)
            .collect();
        if groups.is_empty() {
            continue;
        }
        println!();
        println!("{title}");
        for group in groups.iter().take(LISTED) {
            println!("  {}", group.text);
        }
        if groups.len() > LISTED {
            println!(
                "  {}",
                match lang {
                    Lang::Zh => format!(
                        "……还有 {} 类，用 --json 查看全部。",
                        groups.len().saturating_sub(LISTED)
                    ),
                    Lang::En => format!(
                        "… and {} more kinds; use --json to see all.",
                        groups.len().saturating_sub(LISTED)
                    ),
                }
            );
        }
    }
}

/// The values that differ from what the file holds, and which was kept.
fn import_conflicts(preview: &ImportPreview, lang: Lang) {
    let conflicts: Vec<_> = preview
        .rows
        .iter()
        .flat_map(|r| r.changes.iter().filter(|c| c.conflict).map(move |c| (r, c)))
        .collect();
    if !conflicts.is_empty() {
        println!();
        println!(
            "{}",
            match (lang, preview.on_conflict) {
                (Lang::Zh, OnConflict::Keep) =>
                    "与已有值不同（保留已有值；要采用花名册的值请加 --on-conflict take）：",
                (Lang::Zh, OnConflict::Take) => "与已有值不同（采用花名册的值）：",
                (Lang::En, OnConflict::Keep) =>
                    "Differs from the stored value (kept; --on-conflict take to use the roster's):",
                (Lang::En, OnConflict::Take) =>
                    "Differs from the stored value (the roster's is taken):",
            }
        );
        for (row, change) in conflicts.iter().take(LISTED) {
            println!(
                "  {} {}·{}：{} → {}",
                row.name, change.group_name, change.label, change.stored, change.imported
            );
        }
        if conflicts.len() > LISTED {
            println!("  …… +{}", conflicts.len().saturating_sub(LISTED));
        }
    }
}

/// The counts, the refused-rows workbook, and what was imported (or that
/// this was a preview).
fn import_result(outcome: &ImportOutcome, lang: Lang) {
    let c = &outcome.preview.counts;
    println!();
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "共 {} 行：新增 {}，更新 {}，无变化 {}，未通过 {}。",
                c.total, c.new, c.update, c.unchanged, c.refused
            ),
            Lang::En => format!(
                "{} rows: {} new, {} updated, {} unchanged, {} refused.",
                c.total, c.new, c.update, c.unchanged, c.refused
            ),
        }
    );
    if let Some(path) = &outcome.refused_workbook {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "未通过的行和待修正的单元格已写入 {path}：改正标红的单元格后可重新导入；待修正的在「待修正」表。"
                ),
                Lang::En => format!(
                    "Refused rows and cells to correct written to {path}: fix the cells marked red and import it again; cells to correct are on the 待修正 sheet."
                ),
            }
        );
    }
    match &outcome.import {
        Some(run) => println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "已导入（编号 {}）：新登记教师 {} 位，写入记录 {} 条。如需撤销：taoli import-undo 学校文件 {}",
                    run.id, run.teachers_created, run.records_written, run.id
                ),
                Lang::En => format!(
                    "Imported (id {}): {} teachers registered, {} records written. To undo: taoli import-undo SCHOOL_FILE {}",
                    run.id, run.teachers_created, run.records_written, run.id
                ),
            }
        ),
        None => println!(
            "{}",
            lang.pick(
                "这是预览，学校文件没有改动。去掉 --dry-run 即可导入。",
                "This was a preview; the school file is unchanged. Run again without --dry-run to import."
            )
        ),
    }
}

pub fn import_undone(result: &UndoResult, lang: Lang) {
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "已撤销导入 {}（{}）：移除教师 {} 位、记录 {} 条，恢复记录 {} 条。",
                result.import.id,
                result.import.file_name,
                result.teachers_removed,
                result.records_removed,
                result.records_restored
            ),
            Lang::En => format!(
                "Undid import {} ({}): removed {} teachers and {} records, restored {} records.",
                result.import.id,
                result.import.file_name,
                result.teachers_removed,
                result.records_removed,
                result.records_restored
            ),
        }
    );
}

pub fn import_history(runs: &[ImportRun], lang: Lang) {
    if runs.is_empty() {
        println!("{}", lang.pick("还没有导入过。", "No imports yet."));
        return;
    }
    for run in runs {
        let undone = match &run.undone_at {
            Some(at) => match lang {
                Lang::Zh => format!("（已于 {at} 撤销）"),
                Lang::En => format!(" (undone at {at})"),
            },
            None => String::new(),
        };
        println!(
            "{}  {}  {}  {}{undone}",
            run.id,
            run.at,
            run.file_name,
            match lang {
                Lang::Zh => format!(
                    "新增 {} 更新 {} 未通过 {}",
                    run.counts.new, run.counts.update, run.counts.refused
                ),
                Lang::En => format!(
                    "{} new, {} updated, {} refused",
                    run.counts.new, run.counts.update, run.counts.refused
                ),
            }
        );
    }
}

/// Where the sheets were written, and whose.
pub fn sheets_printed(printed: &PrintedSheets, lang: Lang) {
    let count = printed.sheets.len();
    match lang {
        Lang::Zh => println!(
            "已生成 {count} 位教师的信息确认表，共 {} 页：{}",
            printed.pages, printed.path
        ),
        Lang::En => println!(
            "Wrote the verification sheets of {count} teachers, {} pages: {}",
            printed.pages, printed.path
        ),
    }
    if count <= 20 {
        for sheet in &printed.sheets {
            println!("{}\t{}\t{}", sheet.name, sheet.id_number, sheet.fingerprint);
        }
    }
    println!(
        "{}",
        lang.pick(
            "请教师核对签字后，用 taoli signoff 按页脚的指纹登记。",
            "Once a teacher has checked and signed, record it with taoli signoff and the fingerprint on the footer."
        )
    );
}

/// A sign-off recorded, and what it means now.
pub fn signed_off(name: &str, state: &SignoffState, lang: Lang) {
    match (lang, state) {
        (
            Lang::Zh,
            SignoffState::Stale {
                signed, current, ..
            },
        ) => println!(
            "已登记 {name} 签字的信息确认表（指纹 {signed}）。注意：这份确认表打印之后，{name} 的信息又有改动（现在的指纹 {current}），请重新打印确认表，请教师核对签字。"
        ),
        (Lang::Zh, _) => println!("已登记 {name} 签字的信息确认表，信息与确认表一致。"),
        (
            Lang::En,
            SignoffState::Stale {
                signed, current, ..
            },
        ) => println!(
            "Recorded {name}'s signed sheet ({signed}). Note: {name}'s information changed after it was printed (now {current}); print a new sheet for them to check and sign."
        ),
        (Lang::En, _) => println!("Recorded {name}'s signed sheet; it matches the information."),
    }
}

/// What `taoli audit verify` found.
pub fn audit_check(check: &AuditCheck, lang: Lang) {
    match (&check.broken, lang) {
        (None, Lang::Zh) => println!(
            "操作记录完整：共 {} 条，校验链未被改动。最新校验值：{}",
            check.entries,
            check.head.as_deref().unwrap_or("（无记录）")
        ),
        (None, Lang::En) => println!(
            "The audit trail is intact: {} entries, chain unbroken. Latest hash: {}",
            check.entries,
            check.head.as_deref().unwrap_or("(none)")
        ),
        (Some(b), Lang::Zh) => println!(
            "操作记录被改动过：第 {} 条{}处校验链断开——{}。此后的记录都无法证明未被改动。请保留此学校文件，交县级管理员核查，并从备份恢复。",
            b.id,
            b.at.as_deref()
                .map(|at| format!("（{at}）"))
                .unwrap_or_default(),
            b.reason.message(lang.locale())
        ),
        (Some(b), Lang::En) => println!(
            "The audit trail was tampered with: the chain breaks at entry {}{}: {}. Keep this school file for the county administrator and restore from a backup.",
            b.id,
            b.at.as_deref()
                .map(|at| format!(" ({at})"))
                .unwrap_or_default(),
            b.reason.message(lang.locale())
        ),
    }
}

/// The audit log as lines, newest first.
pub fn audit_list(page: &AuditPage, lang: Lang) {
    if page.entries.is_empty() {
        println!(
            "{}",
            lang.pick("没有符合条件的操作记录。", "No audit entries match.")
        );
        return;
    }
    let locale = lang.locale();
    let empty = lang.pick("（空）", "(empty)");
    for e in &page.entries {
        let teacher = e.teacher_name.as_deref().unwrap_or("");
        let (operation, action) = (e.operation.said(locale), e.action.said(locale));
        let done = match lang {
            Lang::Zh => format!("{operation}{action}"),
            Lang::En => format!("{operation} {action}"),
        };
        println!(
            "{:>6}  {}  {}  {done}  {teacher}  {}",
            e.number(),
            e.at,
            e.actor,
            e.subject
        );
        for c in &e.changes {
            println!(
                "        {}{}{} → {}",
                c.path,
                lang.pick("：", ": "),
                c.before.as_deref().unwrap_or(empty),
                c.after.as_deref().unwrap_or(empty)
            );
        }
    }
    let shown = page.entries.len();
    match lang {
        Lang::Zh => println!("显示 {shown} 条，共 {} 条。", page.total),
        Lang::En => println!("{shown} shown of {}.", page.total),
    }
}

/// Where the audit log was exported.
pub fn audit_exported(path: &Path, lang: Lang) {
    match lang {
        Lang::Zh => println!("已导出操作记录：{}", path.display()),
        Lang::En => println!("Audit log exported to {}", path.display()),
    }
}

/// Where a backup was written.
pub fn backed_up(backup: &Backup, lang: Lang) {
    match lang {
        Lang::Zh => println!("已备份：{}（{} 字节）", backup.path, backup.bytes),
        Lang::En => println!("Backed up to {} ({} bytes)", backup.path, backup.bytes),
    }
}

/// Where 复制到本机 put the copy.
pub fn copied_to_this_computer(path: &Path, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已复制到本机：{}。以后请打开这个副本，不要再用网络共享文件夹上的原文件。",
            path.display()
        ),
        Lang::En => println!(
            "Copied to this computer: {}. From now on open this copy, not the file on the network share.",
            path.display()
        ),
    }
}

/// The automatic backups, newest first.
pub fn backup_list(backups: &[Backup], folder: &Path, lang: Lang) {
    if backups.is_empty() {
        match lang {
            Lang::Zh => println!("{} 里还没有备份。", folder.display()),
            Lang::En => println!("No backups in {} yet.", folder.display()),
        }
        return;
    }
    for b in backups {
        println!(
            "{}  {}  {:>10}  {}",
            b.made_at,
            b.reason.label(),
            b.bytes,
            b.file_name
        );
    }
    match lang {
        Lang::Zh => println!("共 {} 份，位于 {}", backups.len(), folder.display()),
        Lang::En => println!("{} backups in {}", backups.len(), folder.display()),
    }
}

/// A restore done, and where the file as it was went.
pub fn restored(from: &Path, safety: &Backup, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已用 {} 恢复学校文件。恢复前的文件已备份为 {}，如需撤销可再用它恢复。",
            from.display(),
            safety.path
        ),
        Lang::En => println!(
            "Restored the school file from {}. The file as it was is backed up as {}.",
            from.display(),
            safety.path
        ),
    }
}

/// A 人员状态 code with its name in the CLI's language (301 退休).
fn status_name(code: &str, catalog: &Catalog, lang: Lang) -> String {
    let found = catalog
        .code_table(taoli_core::catalog::PERSONNEL_STATUS_TABLE)
        .and_then(|t| t.get(code));
    match found {
        Some(c) => match lang {
            Lang::Zh => format!("{} {}", c.code, c.name),
            Lang::En => format!("{} {}", c.code, c.name_en.as_deref().unwrap_or(&c.name)),
        },
        None => code.to_owned(),
    }
}

/// Under the teacher list: how many left the roster, and how to list them.
pub fn departed_hint(departed: usize, lang: Lang) {
    match lang {
        Lang::Zh => {
            println!("另有离校教师 {departed} 人未列出（taoli teacher list --departed 查看）")
        }
        Lang::En => println!(
            "{departed} departed teachers not listed (taoli teacher list --departed lists them)"
        ),
    }
}

/// After `taoli teacher status`: what was recorded and whether it holds yet.
pub fn status_changed(teacher: &Teacher, event: &StatusEvent, catalog: &Catalog, lang: Lang) {
    let status = status_name(&event.status, catalog, lang);
    let date = &event.effective_date;
    let name = &teacher.name;
    match (event.state, lang) {
        (EventState::Pending, Lang::Zh) => println!(
            "已登记 {name} 的变动：{status}，{date} 起。这项变动需上级审核，随下一批次报送，审核通过后生效。"
        ),
        (EventState::Pending, Lang::En) => println!(
            "Recorded {name}'s change to {status} from {date}. It needs the county's approval: it goes with the next batch and takes effect once accepted."
        ),
        (_, Lang::Zh) => println!("已变动：{name} 自 {date} 起为 {status}。"),
        (_, Lang::En) => println!("Changed: {name} is {status} from {date}."),
    }
}

/// After `taoli teacher status --withdraw`.
pub fn status_withdrawn(teacher: &Teacher, event: &StatusEvent, catalog: &Catalog, lang: Lang) {
    let status = status_name(&event.status, catalog, lang);
    match lang {
        Lang::Zh => println!("已撤回 {} 变动为「{status}」的申请。", teacher.name),
        Lang::En => println!("Withdrew {}'s change to {status}.", teacher.name),
    }
}

/// `taoli teacher history`: the status timeline, oldest first.
pub fn status_history(teacher: &Teacher, timeline: &StatusTimeline, catalog: &Catalog, lang: Lang) {
    let current = timeline
        .current
        .as_deref()
        .map(|c| status_name(c, catalog, lang))
        .unwrap_or_else(|| lang.pick("未填写", "not entered").to_owned());
    let roster = if timeline.on_roster {
        lang.pick("在册", "on the roster")
    } else {
        lang.pick("离校", "departed")
    };
    match lang {
        Lang::Zh => println!("{}：现为 {current}（{roster}）", teacher.name),
        Lang::En => println!("{}: now {current} ({roster})", teacher.name),
    }
    if timeline.events.is_empty() {
        println!(
            "{}",
            lang.pick("还没有变动记录。", "No status changes yet.")
        );
        return;
    }
    println!(
        "{}\t{}\t{}\t{}\t{}",
        lang.pick("生效日期", "Effective"),
        lang.pick("人员状态", "Status"),
        lang.pick("办理", "State"),
        lang.pick("原因", "Reason"),
        lang.pick("证明材料", "Evidence"),
    );
    for event in &timeline.events {
        let state = match (event.kind, event.state) {
            (EventKind::Initial, _) => lang.pick("建档时", "initial"),
            (EventKind::Entered, _) => lang.pick("录入", "entered"),
            (_, EventState::InEffect) => lang.pick("已生效", "in effect"),
            (_, EventState::Pending) => lang.pick("待上级审核", "awaiting the county"),
            (_, EventState::Returned) => lang.pick("已退回", "returned"),
            (_, EventState::Withdrawn) => lang.pick("已撤回", "withdrawn"),
        };
        let reason = match &event.decision_note {
            Some(note) => match lang {
                Lang::Zh => format!("{}（退回理由：{note}）", event.reason),
                Lang::En => format!("{} (returned: {note})", event.reason),
            },
            None => event.reason.clone(),
        };
        println!(
            "{}\t{}\t{}\t{}\t{}",
            event.effective_date,
            status_name(&event.status, catalog, lang),
            state,
            reason,
            event.evidence.as_deref().unwrap_or("")
        );
    }
}

/// After `taoli teacher correct`: before → after.
pub fn teacher_corrected(before: &Teacher, outcome: &CorrectionOutcome, lang: Lang) {
    if let Some(request) = &outcome.request {
        match lang {
            Lang::Zh => println!(
                "已提交更正申请：{}（{} {}）→ {}（{} {}）。{} 的信息已在上级生效，更正随下次报送作为变更申请报上级审核，审核通过前仍使用原来的姓名和证件号。",
                request.old_name,
                request.old_id_type_name,
                request.old_id_number,
                request.name,
                request.id_type_name,
                request.id_number,
                before.name
            ),
            Lang::En => println!(
                "Correction requested: {} ({} {}) → {} ({} {}). {}'s information is in effect upstream, so the correction goes with the next report as a change request for review; until it is accepted the name and ID number stay as they are.",
                request.old_name,
                request.old_id_type_name,
                request.old_id_number,
                request.name,
                request.id_type_name,
                request.id_number,
                before.name
            ),
        }
        return;
    }
    let after = &outcome.teacher;
    match lang {
        Lang::Zh => println!(
            "已更正：{}（{} {}）→ {}（{} {}）",
            before.name,
            before.id_type_name,
            before.id_number,
            after.name,
            after.id_type_name,
            after.id_number
        ),
        Lang::En => println!(
            "Corrected: {} ({} {}) → {} ({} {})",
            before.name,
            before.id_type_name,
            before.id_number,
            after.name,
            after.id_type_name,
            after.id_number
        ),
    }
}

/// After `taoli teacher withdraw-correction`.
pub fn correction_withdrawn(teacher: &Teacher, request: &CorrectionRequest, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已撤回 {} 的更正申请（{} → {}），姓名和证件号仍为 {}（{}）。",
            teacher.name, request.old_name, request.name, teacher.name, teacher.id_number
        ),
        Lang::En => println!(
            "Withdrew the correction of {} ({} → {}); the name and ID number stay {} ({}).",
            teacher.name, request.old_name, request.name, teacher.name, teacher.id_number
        ),
    }
}

/// After `taoli teacher remove`.
pub fn teacher_removed(teacher: &Teacher, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已删除教师 {}（{}），删除前的信息已记入操作记录。",
            teacher.name, teacher.id_number
        ),
        Lang::En => println!(
            "Removed teacher {} ({}); what was removed is kept in the audit log.",
            teacher.name, teacher.id_number
        ),
    }
}

/// `taoli teacher duplicates`: each pair and why it looks like one person.
pub fn duplicates(pairs: &[taoli_core::duplicates::DuplicatePair], lang: Lang) {
    use taoli_core::duplicates::DuplicateReason;
    if pairs.is_empty() {
        println!(
            "{}",
            lang.pick("没有疑似重复的教师。", "No teachers look registered twice.")
        );
        return;
    }
    for pair in pairs {
        let why = match pair.reason {
            DuplicateReason::SameIdNumber => lang.pick("证件号相同", "same ID number"),
            DuplicateReason::SameNameAndBirthDate => {
                lang.pick("姓名和出生日期相同", "same name and date of birth")
            }
        };
        println!(
            "{}（{} {}）\t{}（{} {}）\t{why}",
            pair.first.name,
            pair.first.id_type_name,
            pair.first.id_number,
            pair.second.name,
            pair.second.id_type_name,
            pair.second.id_number,
        );
    }
    match lang {
        Lang::Zh => println!("共 {} 组。核对后用 taoli teacher merge 合并。", pairs.len()),
        Lang::En => println!(
            "{} pairs. After checking, merge them with taoli teacher merge.",
            pairs.len()
        ),
    }
}

/// After `taoli teacher merge`.
pub fn teachers_merged(kept: &Teacher, merged: &Teacher, lang: Lang) {
    match lang {
        Lang::Zh => println!(
            "已合并：{}（{} {}）并入 {}（{} {}），两人的操作记录都已保留。",
            merged.name,
            merged.id_type_name,
            merged.id_number,
            kept.name,
            kept.id_type_name,
            kept.id_number
        ),
        Lang::En => println!(
            "Merged {} ({} {}) into {} ({} {}); both histories are kept.",
            merged.name,
            merged.id_type_name,
            merged.id_number,
            kept.name,
            kept.id_type_name,
            kept.id_number
        ),
    }
}

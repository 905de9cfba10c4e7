//! The CLI's language: Simplified Chinese unless `TAOLI_LANG=en`, for its
//! help and its error messages (the core's from its message catalogs).
//! Help texts are written in Chinese on the clap definitions; [`localize`]
//! swaps in the English ones.

use clap::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn from_env() -> Lang {
        match std::env::var("TAOLI_LANG") {
            Ok(v) if v.to_ascii_lowercase().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// The locale the core's messages are said in.
    pub fn locale(self) -> taoli_core::Locale {
        match self {
            Lang::Zh => taoli_core::Locale::ZhCn,
            Lang::En => taoli_core::Locale::En,
        }
    }

    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// English help, keyed by `command path` or `command path/argument id`.
const ENGLISH: &[(&str, &str)] = &[
    (
        "taoli",
        "Taoli: keep a school's teacher records for the national teacher management information system, offline. Help and error messages are in Chinese; TAOLI_LANG=en gives English.",
    ),
    (
        "taoli init",
        "Create a new school file with its system administrator account (--admin)",
    ),
    (
        "taoli init/school_file",
        "Path of the new school file (.taoli)",
    ),
    (
        "taoli init/code",
        "学校标识码: the school's 10-digit identification code",
    ),
    ("taoli init/name", "学校名称: the school's full name"),
    (
        "taoli init/school_type",
        "办学类型代码: the school type code (see `taoli school-types`)",
    ),
    (
        "taoli init/region",
        "County-level administrative division code (6 digits), optional",
    ),
    (
        "taoli init/admin",
        "Account name of the system administrator (real name or staff number); password from TAOLI_PASSWORD, or typed twice",
    ),
    (
        "taoli init/recovery_sheet",
        "Also write the recovery code sheet to this PDF (the code is always shown once)",
    ),
    (
        "taoli recovery",
        "Recovery code: the other key to the school file when the system administrator password is forgotten (status, a new code, its sheet, recover)",
    ),
    (
        "taoli recovery show-status",
        "Whether the file has a recovery code, who made it and when, where its recovery file is (system administrator)",
    ),
    (
        "taoli recovery new",
        "Make a new recovery code and show it once (system administrator); the old one no longer opens the file",
    ),
    (
        "taoli recovery sheet",
        "Print the recovery code sheet (PDF) again: the code from TAOLI_RECOVERY_CODE or typed, checked against the file (system administrator)",
    ),
    (
        "taoli recovery recover",
        "Forgot the system administrator password: open the school file with the recovery code and set a new password (code from TAOLI_RECOVERY_CODE or typed; new password from TAOLI_NEW_PASSWORD or typed twice)",
    ),
    (
        "taoli/user",
        "Account to sign in as (or TAOLI_USER); password from TAOLI_PASSWORD, or asked at the terminal",
    ),
    (
        "taoli user",
        "Accounts: add, list, disable, enable, change passwords and roles (system administrator)",
    ),
    (
        "taoli user add",
        "Add an account (its password from TAOLI_NEW_PASSWORD, or typed twice). A file without accounts takes a system administrator first, without signing in",
    ),
    ("taoli user add/school_file", "School file"),
    (
        "taoli user add/name",
        "New account name (real name or staff number)",
    ),
    (
        "taoli user add/role",
        "Role: 系统管理员 (admin), 信息管理员 (manager) or 信息查询员 (viewer)",
    ),
    ("taoli user list", "List every account"),
    ("taoli user list/school_file", "School file"),
    ("taoli user list/json", "Print JSON"),
    (
        "taoli user disable",
        "Disable an account: it can no longer sign in; its audit entries stay",
    ),
    ("taoli user disable/school_file", "School file"),
    ("taoli user disable/name", "Account name"),
    ("taoli user enable", "Enable a disabled account again"),
    ("taoli user enable/school_file", "School file"),
    ("taoli user enable/name", "Account name"),
    (
        "taoli user passwd",
        "Change a password: your own without a name; a system administrator may reset anyone's (new password from TAOLI_NEW_PASSWORD or typed)",
    ),
    ("taoli user passwd/school_file", "School file"),
    (
        "taoli user passwd/name",
        "Account name (without it, the signed-in account's own password)",
    ),
    ("taoli user role", "Give an account another role"),
    ("taoli user role/school_file", "School file"),
    ("taoli user role/name", "Account name"),
    (
        "taoli user role/role",
        "New role: 系统管理员 (admin), 信息管理员 (manager) or 信息查询员 (viewer)",
    ),
    (
        "taoli teacher",
        "Teachers: add, list, fill in, change status, history",
    ),
    ("taoli teacher add", "Register a teacher"),
    ("taoli teacher add/school_file", "The school file"),
    ("taoli teacher add/name", "姓名: the teacher's name"),
    (
        "taoli teacher add/id_type",
        "身份证件类型: ID document type code (1 = resident ID card; see `taoli id-types`)",
    ),
    (
        "taoli teacher add/id_number",
        "身份证件号: ID document number",
    ),
    ("taoli teacher list", "List the teachers"),
    ("taoli teacher list/school_file", "The school file"),
    ("taoli teacher list/json", "Print JSON instead of a table"),
    (
        "taoli teacher list/query",
        "Only teachers matching a name, pinyin initials or the last digits of the ID",
    ),
    (
        "taoli teacher list/departed",
        "Only the departed teachers (personnel status 不在本单位任职: retired, transferred, resigned …)",
    ),
    (
        "taoli teacher list/all",
        "Every teacher, on the roster and departed",
    ),
    (
        "taoli teacher list/status",
        "Only teachers with this personnel status (a code or its name, e.g. 204 or 进修; a heading such as 200 takes every status under it)",
    ),
    (
        "taoli teacher status",
        "Status change (在职情况变动): change a teacher's personnel status (retirement, transfer, secondment, further study, return …) with its effective date and reason",
    ),
    ("taoli teacher status/school_file", "The school file"),
    ("taoli teacher status/id_number", "The teacher's ID number"),
    (
        "taoli teacher status/to",
        "The new personnel status: code or name, e.g. 301 or 退休 (all of them: taoli catalog --codes personnel_status)",
    ),
    (
        "taoli teacher status/date",
        "The effective date, e.g. 2026-09-01",
    ),
    (
        "taoli teacher status/reason",
        "Why, e.g. reached retirement age",
    ),
    (
        "taoli teacher status/evidence",
        "Evidence notes: document number or title of the approval (some changes need them)",
    ),
    (
        "taoli teacher status/withdraw",
        "Withdraw the teacher's change waiting for the county's approval",
    ),
    ("taoli teacher history", "Show a teacher's status history"),
    ("taoli teacher history/school_file", "The school file"),
    ("taoli teacher history/id_number", "The teacher's ID number"),
    ("taoli teacher history/json", "Print JSON"),
    (
        "taoli teacher correct",
        "Correct a teacher's name, ID type or ID number, with the reason (for a teacher whose information is in effect upstream, it is a correction request the county reviews; until accepted the old values stay)",
    ),
    ("taoli teacher correct/school_file", "The school file"),
    (
        "taoli teacher correct/id_number",
        "The teacher's ID number as registered now",
    ),
    ("taoli teacher correct/name", "The corrected name"),
    (
        "taoli teacher correct/new_id_type",
        "The corrected ID type code (all of them: taoli id-types)",
    ),
    (
        "taoli teacher correct/new_id_number",
        "The corrected ID number",
    ),
    (
        "taoli teacher correct/reason",
        "Why, e.g. the ID number was typed wrong",
    ),
    (
        "taoli teacher correct/evidence",
        "Evidence or document number sent with a correction request, e.g. a copy of the household register",
    ),
    ("taoli teacher correct/json", "Print JSON"),
    (
        "taoli teacher withdraw-correction",
        "Withdraw a teacher's identity correction waiting for review or returned (the name and ID number stay as they are)",
    ),
    (
        "taoli teacher withdraw-correction/school_file",
        "The school file",
    ),
    (
        "taoli teacher withdraw-correction/id_number",
        "The teacher's ID number",
    ),
    (
        "taoli teacher remove",
        "Remove a teacher entered by mistake, with the reason (only a teacher never reported; what is removed goes in the audit log)",
    ),
    ("taoli teacher remove/school_file", "The school file"),
    ("taoli teacher remove/id_number", "The teacher's ID number"),
    ("taoli teacher remove/reason", "Why, e.g. entered twice"),
    (
        "taoli teacher duplicates",
        "List teachers who look registered twice: the same ID number under two ID types, or the same name and date of birth",
    ),
    ("taoli teacher duplicates/school_file", "The school file"),
    ("taoli teacher duplicates/json", "Print JSON"),
    (
        "taoli teacher merge",
        "Merge a teacher registered twice: keep one, move the other's information to them and remove the other (with the reason; both histories are kept)",
    ),
    ("taoli teacher merge/school_file", "The school file"),
    (
        "taoli teacher merge/keep",
        "The ID number of the teacher kept",
    ),
    (
        "taoli teacher merge/keep_id_type",
        "The ID type code of the teacher kept (when both have the same number)",
    ),
    (
        "taoli teacher merge/merge",
        "The ID number of the teacher merged into the kept one and removed",
    ),
    (
        "taoli teacher merge/merge_id_type",
        "The ID type code of the teacher merged (when both have the same number)",
    ),
    (
        "taoli teacher merge/reason",
        "Why, e.g. one person registered under two ID types",
    ),
    (
        "taoli export",
        "Export: the whole school as JSON, the empty import template, the workbook filled with the teachers (.xlsx), or one information group as CSV",
    ),
    ("taoli export/school_file", "The school file"),
    (
        "taoli export/format",
        "Output format: json the whole school (docs/export-json.md); template the empty import workbook; xlsx the workbook filled with the school's teachers (imports back); csv one information group (needs --group)",
    ),
    (
        "taoli export/group",
        "The information group of a CSV export, by name or id (e.g. 基本信息 or basic)",
    ),
    (
        "taoli export/national",
        "Write as the national system's import template does: codes as 「code-name」 (1-男, A1-专任教师, 0-否) and the template's headers (the edition each set follows: docs/export-spreadsheets.md). For template, xlsx and csv",
    ),
    (
        "taoli export/output",
        "Write to this file (replacing it). Without it: json and csv go to standard output; template and xlsx go to 「school name-导入模板.xlsx」 or 「school name-教师数据.xlsx」 in the current folder (numbered, never overwritten, when the name is taken)",
    ),
    (
        "taoli school-types",
        "List every school type code and its indicator set",
    ),
    ("taoli school-types/json", "Print JSON instead of a table"),
    (
        "taoli catalog/regions",
        "Find administrative divisions (the provinces, cities and counties 籍贯 and 出生地 take) by name, pinyin, initials or leading code digits, e.g. 成都, chengdu, cdwh; without a query, list them all",
    ),
    (
        "taoli import",
        "Import a roster or the official template (.xlsx/.xls/.ods/.csv): preview, then write it all at once",
    ),
    ("taoli import/school_file", "The school file"),
    (
        "taoli import/roster",
        "The roster file (.xlsx, .xlsm, .xls, .ods, .csv, .txt)",
    ),
    (
        "taoli import/sheet",
        "Only this sheet (name or number; repeatable); default: every visible sheet",
    ),
    (
        "taoli import/map",
        "Which indicator a column holds, e.g. --map 来校时间=进本校年月; skip a column: --map 备用=- (repeatable)",
    ),
    ("taoli import/dry_run", "Only preview; write nothing"),
    (
        "taoli import/on_conflict",
        "Where a stored value differs: keep it (default) or take the roster's",
    ),
    (
        "taoli import/refused",
        "Write the refused rows to this .xlsx (default when importing: next to the roster)",
    ),
    (
        "taoli import/json",
        "Print JSON (shape: docs/import-json.md)",
    ),
    (
        "taoli import-undo",
        "Undo an import (the latest by default)",
    ),
    ("taoli import-undo/school_file", "The school file"),
    (
        "taoli import-undo/import_id",
        "The import to undo (see taoli import-history); default: the latest",
    ),
    ("taoli import-history", "List the school's imports"),
    ("taoli import-history/school_file", "The school file"),
    ("taoli import-history/json", "Print JSON instead of a table"),
    (
        "taoli stats",
        "Count the school's teachers by gender, age band, highest education, professional title, ethnicity, political status, establishment and staff category",
    ),
    ("taoli stats/school_file", "The school file"),
    ("taoli stats/json", "Print JSON (shape: docs/stats-json.md)"),
    (
        "taoli stats/xlsx",
        "Write the tables with their charts to this Excel file (.xlsx; replaced if it exists)",
    ),
    ("taoli id-types", "List the ID document types"),
    ("taoli id-types/json", "Print JSON instead of a table"),
    (
        "taoli sheets",
        "Print verification sheets (PDF): one per teacher, for them to check and sign",
    ),
    ("taoli sheets/school_file", "The school file"),
    (
        "taoli sheets/output",
        "Write to this PDF (replacing it). Without it: 「school name-信息确认表.pdf」 in the current folder (numbered, never overwritten, when the name is taken)",
    ),
    (
        "taoli sheets/teachers",
        "Only this teacher's sheet, by ID number (repeatable); default: every teacher",
    ),
    (
        "taoli sheets/template",
        "Use this template (.typ) instead of the built-in one; TAOLI_SHEET_TEMPLATE does the same (see docs/sheets.md)",
    ),
    ("taoli sheets/json", "Print JSON"),
    (
        "taoli signoff",
        "Record that a teacher signed their verification sheet (by the fingerprint on its footer)",
    ),
    ("taoli signoff/school_file", "The school file"),
    (
        "taoli signoff/id_number",
        "身份证件号: the teacher's ID number",
    ),
    (
        "taoli signoff/fingerprint",
        "The fingerprint on the signed sheet's footer (12 characters, e.g. 3f9a21c0b7e4)",
    ),
    ("taoli signoff/json", "Print JSON"),
    (
        "taoli signoff-gate",
        "Teachers sign before upload: when on, a teacher who has not signed a sheet of their current information is not reported yet; without on/off, show the setting and how many have not signed (system administrator)",
    ),
    ("taoli signoff-gate/school_file", "The school file"),
    (
        "taoli signoff-gate/value",
        "on turns it on, off turns it off",
    ),
    ("taoli signoff-gate/json", "Print JSON"),
    (
        "taoli enroll",
        "Enroll for reporting: register the school's signing key with the upstream using the county's one-time enrollment code (once per computer)",
    ),
    ("taoli enroll/school_file", "The school file"),
    (
        "taoli enroll/upstream",
        "The upstream system's address, e.g. https://jsgl.example.gov.cn",
    ),
    (
        "taoli enroll/code",
        "The enrollment code the county issued (16 characters, e.g. 7KQ2-M9XD-4HVA-PT3R; spaces, dashes and case do not matter)",
    ),
    (
        "taoli enroll/retries",
        "How many attempts when the upstream cannot be reached (default 6)",
    ),
    (
        "taoli submit",
        "Submit: build a batch of everything changed since the last report, sign it, upload it and pull the review results",
    ),
    ("taoli submit/school_file", "The school file"),
    (
        "taoli submit/reason",
        "Reason for changes to information already in effect (change requests) and for removing it; sent with each change request of the batch",
    ),
    (
        "taoli submit/retries",
        "How many attempts when the upstream cannot be reached (default 6)",
    ),
    ("taoli submit/json", "Print JSON"),
    (
        "taoli sync",
        "Sync: go on uploading a batch not fully sent, and pull the review results",
    ),
    ("taoli sync/school_file", "The school file"),
    (
        "taoli sync/retries",
        "How many attempts when the upstream cannot be reached (default 6)",
    ),
    ("taoli sync/json", "Print JSON"),
    (
        "taoli batch",
        "Batch files: export a signed batch (.taolibatch) to carry to another computer, or upload such a file",
    ),
    (
        "taoli batch export",
        "Write the batch waiting to be uploaded (building one first when there is none), signed, to a .taolibatch file",
    ),
    ("taoli batch export/school_file", "The school file"),
    (
        "taoli batch export/output",
        "Write to this batch file (.taolibatch; replaced if it exists)",
    ),
    (
        "taoli batch export/reason",
        "Reason for change requests (see taoli submit --reason)",
    ),
    ("taoli batch export/json", "Print JSON"),
    (
        "taoli batch upload",
        "Upload a .taolibatch file (no school file needed) and write the receipt to a file to take back and import",
    ),
    ("taoli batch upload/file", "The batch file (.taolibatch)"),
    (
        "taoli batch upload/upstream",
        "The upstream's address; default: the one the batch file names",
    ),
    (
        "taoli batch upload/output",
        "Write the receipt to this file; default: beside the batch file, same name, extension .taolireceipt",
    ),
    (
        "taoli batch upload/retries",
        "How many attempts when the upstream cannot be reached (default 6)",
    ),
    ("taoli batch upload/json", "Print JSON"),
    (
        "taoli receipts",
        "Receipts: list the upstream's receipts the school keeps, or import a receipt file from an upload made elsewhere",
    ),
    ("taoli receipts/school_file", "The school file"),
    (
        "taoli receipts/import",
        "Import this receipt file (the .taolireceipt taoli batch upload wrote on another computer)",
    ),
    ("taoli receipts/json", "Print JSON"),
    (
        "taoli review",
        "School review: whether batches need the system administrator's (school head's) approval before upload; list, approve or return the batch awaiting review",
    ),
    (
        "taoli review setting",
        "Whether batches need the system administrator's (school head's) approval before upload; without on/off, show the setting (system administrator)",
    ),
    ("taoli review setting/school_file", "The school file"),
    (
        "taoli review setting/value",
        "on turns the review on, off turns it off",
    ),
    ("taoli review setting/json", "Print JSON"),
    (
        "taoli review list",
        "The batch awaiting review: per teacher what changed (as last reported → now) and the warnings that go with it, with their reasons (system administrator)",
    ),
    ("taoli review list/school_file", "The school file"),
    ("taoli review list/json", "Print JSON"),
    (
        "taoli review approve",
        "Approve the batch awaiting review: it is signed with the school's key and uploaded (system administrator)",
    ),
    ("taoli review approve/school_file", "The school file"),
    (
        "taoli review approve/retries",
        "How many attempts when the upstream cannot be reached (default 6)",
    ),
    ("taoli review approve/json", "Print JSON"),
    (
        "taoli review return",
        "Return the batch awaiting review with a note: the batch is dropped, its changes are unsent again, and the information manager reads the note on the Submit page (system administrator)",
    ),
    ("taoli review return/school_file", "The school file"),
    (
        "taoli review return/note",
        "Why it is returned (required); the information manager reads it on the Submit page",
    ),
    ("taoli review return/json", "Print JSON"),
    (
        "taoli status",
        "Reporting status: each teacher and batch, the next deadline, and what is still missing",
    ),
    ("taoli status/school_file", "The school file"),
    ("taoli status/json", "Print JSON"),
];

/// Headings, help and version texts in the chosen language, for every command.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    localize_at(cmd, lang, "taoli")
}

fn localize_at(mut cmd: Command, lang: Lang, path: &str) -> Command {
    let english = |key: &str| ENGLISH.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let template = match lang {
        Lang::Zh => "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}",
        Lang::En => "{before-help}{about-with-newline}\nUsage: {usage}\n\n{all-args}{after-help}",
    };
    cmd = cmd
        .help_template(template)
        .subcommand_help_heading(lang.pick("命令", "Commands"))
        .disable_help_subcommand(true);
    if let (Lang::En, Some(about)) = (lang, english(path)) {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        let key = format!("{path}/{id}");
        cmd = cmd.mut_arg(&id, |arg| {
            let heading = if arg.is_positional() {
                lang.pick("参数", "Arguments")
            } else {
                lang.pick("选项", "Options")
            };
            let arg = arg.help_heading(heading);
            match (lang, english(&key)) {
                (Lang::En, Some(text)) => arg.help(text),
                _ => arg,
            }
        });
    }
    cmd = cmd
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help(lang.pick("显示帮助", "Print help"))
                .help_heading(lang.pick("选项", "Options")),
        )
        .disable_help_flag(true);
    if cmd.get_version().is_some() {
        cmd = cmd
            .arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help(lang.pick("显示版本", "Print version"))
                    .help_heading(lang.pick("选项", "Options")),
            )
            .disable_version_flag(true);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |sub| localize_at(sub, lang, &sub_path));
    }
    cmd
}

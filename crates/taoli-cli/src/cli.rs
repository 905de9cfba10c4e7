//! Command definitions and their translation into taoli-core calls.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use taoli_core::audit::AuditQuery;
use taoli_core::batches::SubmitOptions;
use taoli_core::catalog::{ProvincePack, catalog};
use taoli_core::export;
use taoli_core::import::{ImportOptions, ImportOutcome, MappingOverride, OnConflict};
use taoli_core::revision::Operation;
use taoli_core::sheets::Template;
use taoli_core::store::{BackupReason, WarningRef};
use taoli_core::{Credentials, NewSchool, NewTeacher, NewUser, Role, SchoolFile};

use crate::batches;
use crate::error::Result;
use crate::lang::{Lang, localize};
use crate::login::{Login, PASSWORD_VARIABLE, keep_key};
use crate::output;

#[derive(Debug, Parser)]
#[command(
    name = "taoli",
    version,
    about = "桃李 · 教师信息采集：在本机离线维护学校的教师信息，供全国教师管理信息系统报送。"
)]
pub struct Cli {
    /// 登录的账号（也可用环境变量 TAOLI_USER）。密码取自环境变量 TAOLI_PASSWORD，没有时在终端询问
    #[arg(long, global = true, env = "TAOLI_USER", value_name = "账号")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 新建学校文件，同时建立系统管理员账号（--admin）
    Init(InitArgs),
    /// 账号：添加、列出、停用、启用、改密码、改角色（系统管理员）
    #[command(subcommand)]
    User(UserCommand),
    /// 恢复码：忘记系统管理员密码时打开学校文件的另一把钥匙（查看状态、更换、打印保管单、恢复）
    #[command(subcommand)]
    Recovery(crate::recovery::RecoveryCommand),
    /// 教师：添加、列出
    #[command(subcommand)]
    Teacher(TeacherCommand),
    /// 导出：整个学校的 JSON、空白导入模板、填好教师信息的工作簿（.xlsx），或一个信息项的 CSV
    Export(ExportArgs),
    /// 指标记录：为多条记录的信息项（学习经历等）添加一条
    #[command(subcommand)]
    Record(RecordCommand),
    /// 按本校指标体系校验全部教师信息（有错误时退出码为 1）
    Validate(ValidateArgs),
    /// 统计本校教师：按性别、年龄段、最高学历、专业技术职务、民族、政治面貌、是否在编、教职工类别的人数
    Stats(StatsArgs),
    /// 查看指标目录：指标体系、信息项、指标和代码表
    Catalog(CatalogArgs),
    /// 提醒：为可以保留的提醒写明理由（理由随记录一起上报）
    #[command(subcommand)]
    Warning(WarningCommand),
    /// 省级补充包：让学校文件使用、查看或停用
    #[command(subcommand)]
    Province(ProvinceCommand),
    /// 导入花名册或官方模板（.xlsx/.xls/.ods/.csv）：先预览，再一次性写入
    Import(ImportArgs),
    /// 撤销一次导入（默认最近一次）
    ImportUndo(ImportUndoArgs),
    /// 列出本校做过的导入
    ImportHistory(ImportHistoryArgs),
    /// 备份学校文件：默认存入学校文件旁的「…-备份」文件夹（自动保留最近 10 份及每月 1 份）；--to 备份到指定文件夹（如 U 盘）
    Backup(BackupArgs),
    /// 列出学校文件的自动备份（最新的在前）
    BackupList(BackupListArgs),
    /// 复制到本机：把网络共享文件夹上的学校文件复制到这台电脑的文件夹（检查过的副本），以后请用副本
    CopyToThisComputer(CopyToThisComputerArgs),
    /// 用一个备份恢复学校文件：先检查备份，再把现在的文件备份一份（恢复前），然后恢复
    Restore(RestoreArgs),
    /// 操作记录（审计）：查看、导出，或核验是否被改动过
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 列出全部办学类型代码及其指标体系
    SchoolTypes(ListArgs),
    /// 列出身份证件类型
    IdTypes(ListArgs),
    /// 打印信息确认表（PDF）：每位教师一份，请教师核对签字
    Sheets(SheetsArgs),
    /// 登记教师已在信息确认表上签字（按确认表页脚的指纹）
    Signoff(SignoffArgs),
    /// 登记上报：用县教育局发的报送码，在上级系统登记本校的签名密钥（每台电脑一次）
    Enroll(EnrollArgs),
    /// 报送：把上次报送以来的改动生成批次、签名、上传，并取回审核结果
    Submit(SubmitArgs),
    /// 同步：接着上传没有传完的批次，取回审核结果
    Sync(SyncArgs),
    /// 批次文件：导出已签名的批次（.taolibatch，可带到别的电脑上传），或上传这样的文件
    #[command(subcommand)]
    Batch(BatchCommand),
    /// 回执：列出本校保存的上级系统回执，或导入在别的电脑上传得到的回执文件
    Receipts(ReceiptsArgs),
    /// 上报状态：每位教师、每个批次的状态，下一个截止日期，还缺什么
    Status(StatusArgs),
}

#[derive(Debug, Args)]
struct EnrollArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 上级系统的地址，如 https://jsgl.example.gov.cn
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// 县教育局发的报送码（16 位，如 7KQ2-M9XD-4HVA-PT3R；空格、横线和大小写不要紧）
    #[arg(long, value_name = "CODE")]
    code: String,
    /// 连不上时最多试几次（默认 6）
    #[arg(long, value_name = "N")]
    retries: Option<u32>,
}

#[derive(Debug, Args)]
struct SubmitArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 变更理由：更改已生效的信息（变更申请）或删除已生效的记录时必须写明，随这一批的每条变更申请上报
    #[arg(long, value_name = "REASON")]
    reason: Option<String>,
    /// 连不上时最多试几次（默认 6）
    #[arg(long, value_name = "N")]
    retries: Option<u32>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SyncArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 连不上时最多试几次（默认 6）
    #[arg(long, value_name = "N")]
    retries: Option<u32>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum BatchCommand {
    /// 把待上传的批次（没有时先生成一批）签名后写入 .taolibatch 文件，带到能上网的电脑上传
    Export(BatchExportArgs),
    /// 上传一个 .taolibatch 文件（不需要学校文件），把回执写入文件带回学校导入
    Upload(BatchUploadArgs),
}

#[derive(Debug, Args)]
struct BatchExportArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 写入这个批次文件（.taolibatch，已有则覆盖）
    #[arg(short, long, value_name = "FILE.taolibatch")]
    output: PathBuf,
    /// 变更理由（见 taoli submit --reason）
    #[arg(long, value_name = "REASON")]
    reason: Option<String>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct BatchUploadArgs {
    /// 批次文件（.taolibatch）
    file: PathBuf,
    /// 上级系统的地址；不写时用批次文件中登记时的地址
    #[arg(long, value_name = "URL")]
    upstream: Option<String>,
    /// 把回执写入这个文件；不写时写在批次文件旁（同名，扩展名 .taolireceipt）
    #[arg(short, long, value_name = "RECEIPT")]
    output: Option<PathBuf>,
    /// 连不上时最多试几次（默认 6）
    #[arg(long, value_name = "N")]
    retries: Option<u32>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ReceiptsArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 导入这个回执文件（taoli batch upload 在别的电脑上写出的 .taolireceipt）
    #[arg(long, value_name = "RECEIPT")]
    import: Option<PathBuf>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct StatusArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SheetsArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 写入此 PDF 文件（已有则覆盖）。不写时存为当前文件夹下的「学校名称-信息确认表.pdf」（同名文件已存在则加编号，不覆盖）
    #[arg(short, long, value_name = "文件.pdf")]
    output: Option<PathBuf>,
    /// 只打印这位教师的确认表（身份证件号，可重复）；不写则打印全部教师
    #[arg(long = "teacher", value_name = "身份证件号")]
    teachers: Vec<String>,
    /// 用这个模板（.typ）代替内置模板；也可用环境变量 TAOLI_SHEET_TEMPLATE 指定（见 docs/sheets.md）
    #[arg(long, value_name = "模板.typ")]
    template: Option<PathBuf>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SignoffArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 签字的确认表页脚上的指纹（12 位，如 3f9a21c0b7e4）
    #[arg(long)]
    fingerprint: String,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// 新学校文件的路径（.taoli）
    school_file: PathBuf,
    /// 学校标识码（10 位数字）
    #[arg(long)]
    code: String,
    /// 学校名称（全称）
    #[arg(long)]
    name: String,
    /// 办学类型代码（查看全部：taoli school-types）
    #[arg(long = "type", id = "school_type", value_name = "办学类型代码")]
    school_type: String,
    /// 县级行政区划代码（6 位数字，可选）
    #[arg(long)]
    region: Option<String>,
    /// 系统管理员的账号名（真实姓名或工号）；密码取自环境变量 TAOLI_PASSWORD，没有时在终端输入两次
    #[arg(long, value_name = "账号")]
    admin: String,
    /// 同时把恢复码保管单写到这个 PDF 文件（恢复码总会显示一次）
    #[arg(long, value_name = "PDF")]
    recovery_sheet: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// 添加账号（新账号的密码取自环境变量 TAOLI_NEW_PASSWORD，没有时在终端输入两次）。学校文件还没有账号时，先添加的必须是系统管理员，不需要登录
    Add(UserAddArgs),
    /// 列出全部账号
    List(UserListArgs),
    /// 停用账号：停用后不能再登录，操作记录保留
    Disable(UserNameArgs),
    /// 重新启用停用的账号
    Enable(UserNameArgs),
    /// 修改密码：不写账号名时改自己的；系统管理员可以为别人重设（新密码取自 TAOLI_NEW_PASSWORD 或在终端输入）
    Passwd(UserPasswdArgs),
    /// 修改账号的角色
    Role(UserRoleArgs),
}

#[derive(Debug, Args)]
struct UserAddArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 新账号名（真实姓名或工号）
    name: String,
    /// 角色：系统管理员、信息管理员或信息查询员
    #[arg(long, value_name = "角色")]
    role: String,
}

#[derive(Debug, Args)]
struct UserListArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct UserNameArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 账号名
    name: String,
}

#[derive(Debug, Args)]
struct UserPasswdArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 账号名（不写时改登录账号自己的密码）
    name: Option<String>,
}

#[derive(Debug, Args)]
struct UserRoleArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 账号名
    name: String,
    /// 新角色：系统管理员、信息管理员或信息查询员
    #[arg(long, value_name = "角色")]
    role: String,
}

#[derive(Debug, Subcommand)]
enum TeacherCommand {
    /// 添加一位教师
    Add(TeacherAddArgs),
    /// 列出教师
    List(TeacherListArgs),
    /// 填写教师的单条信息项（默认基本信息），如 民族=汉族 参加工作年月=2005-09
    Set(TeacherSetArgs),
}

#[derive(Debug, Args)]
struct TeacherSetArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 信息项（默认 基本信息；也可以是 联系方式）
    #[arg(long, default_value = "基本信息")]
    group: String,
    /// 指标=值（指标可写代码或中文名称，值可写代码或名称）；值留空则清除
    #[arg(value_name = "指标=值", required = true)]
    assignments: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum RecordCommand {
    /// 添加一条记录，如 --group 学习经历 获得学历=大学本科 学位层次=学士 学习方式=全脱产
    Add(RecordAddArgs),
}

#[derive(Debug, Args)]
struct RecordAddArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 信息项，如 学习经历、工作经历
    #[arg(long)]
    group: String,
    /// 指标=值
    #[arg(value_name = "指标=值", required = true)]
    assignments: Vec<String>,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON（格式见 docs/validation-json.md）
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct StatsArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON（格式见 docs/stats-json.md）
    #[arg(long, conflicts_with = "xlsx")]
    json: bool,
    /// 把统计表连同图表写入这个 Excel 文件（.xlsx，已有则覆盖）
    #[arg(long, value_name = "文件.xlsx")]
    xlsx: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum WarningCommand {
    /// 为一条提醒写明理由，如 --rule birth_date_matches_id --reason 以人事档案为准
    Explain(WarningExplainArgs),
}

#[derive(Debug, Args)]
struct WarningExplainArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 提醒的规则（taoli validate --json 中的 rule）
    #[arg(long)]
    rule: String,
    /// 提醒所在的指标代码（同一规则提醒多个指标时必填）
    #[arg(long)]
    field: Option<String>,
    /// 多条记录的信息项中的第几条
    #[arg(long)]
    row: Option<i64>,
    /// 理由
    #[arg(long)]
    reason: String,
}

#[derive(Debug, Args)]
struct BackupArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 备份到这个文件夹（如 U 盘）；这里的备份不会被自动清理
    #[arg(long)]
    to: Option<PathBuf>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CopyToThisComputerArgs {
    /// 学校文件（在网络共享文件夹上的那个）
    school_file: PathBuf,
    /// 这台电脑上的文件夹，副本放在这里（与原文件同名；同名文件已有时加上 (2)）
    folder: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct BackupListArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct RestoreArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 要恢复的备份文件（.taoli）
    backup: PathBuf,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// 核验操作记录的校验链：发现被改动、删除或调换顺序的记录时退出码为 1
    Verify {
        /// 学校文件
        school_file: PathBuf,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 列出操作记录（最新的在前）
    List(AuditListArgs),
    /// 把操作记录导出为 CSV（Excel 可直接打开）
    Export {
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// 写入此 CSV 文件（已有则覆盖）
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Debug, Args)]
struct AuditFilterArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 只看这位教师（身份证件号）
    #[arg(long = "teacher", value_name = "ID_NUMBER")]
    teacher: Option<String>,
    /// 只看这位操作人
    #[arg(long)]
    actor: Option<String>,
    /// 只看这类操作：school 学校设置、teacher 教师、record 信息记录、warning-reason 提醒理由、sheet-print 打印确认表、signoff 登记签字、export 导出、backup 备份与恢复、account 账号与登录、upload 上报
    #[arg(long, value_enum)]
    operation: Option<AuditOperation>,
    /// 从这一天起（年-月-日）
    #[arg(long)]
    from: Option<String>,
    /// 到这一天为止（年-月-日）
    #[arg(long)]
    to: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AuditOperation {
    School,
    Teacher,
    Record,
    WarningReason,
    SheetPrint,
    Signoff,
    Export,
    Backup,
    Account,
    Upload,
}

#[derive(Debug, Args)]
struct AuditListArgs {
    #[command(flatten)]
    filter: AuditFilterArgs,
    /// 最多列出多少条（默认 50；0 为全部）
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

impl AuditFilterArgs {
    fn query(&self, file: &SchoolFile) -> Result<AuditQuery> {
        let teacher_id = match &self.teacher {
            Some(number) => Some(file.teacher_by_id_number(None, number)?.id),
            None => None,
        };
        let operation = self.operation.map(|o| match o {
            AuditOperation::School => Operation::School,
            AuditOperation::Teacher => Operation::Teacher,
            AuditOperation::Record => Operation::Record,
            AuditOperation::WarningReason => Operation::WarningReason,
            AuditOperation::SheetPrint => Operation::SheetPrint,
            AuditOperation::Signoff => Operation::Signoff,
            AuditOperation::Export => Operation::Export,
            AuditOperation::Backup => Operation::Backup,
            AuditOperation::Account => Operation::Account,
            AuditOperation::Upload => Operation::Upload,
        });
        Ok(AuditQuery {
            teacher_id,
            actor: self.actor.clone(),
            operation,
            from: self.from.clone(),
            to: self.to.clone(),
            offset: 0,
            limit: 0,
        })
    }
}

#[derive(Debug, Subcommand)]
enum ProvinceCommand {
    /// 让学校使用一个省级补充包（替换原有的）
    Use {
        /// 学校文件
        school_file: PathBuf,
        /// 补充包文件（.toml）
        pack: PathBuf,
    },
    /// 查看学校正在使用的补充包
    Show {
        /// 学校文件
        school_file: PathBuf,
    },
    /// 停用补充包，只按全国指标校验
    Clear {
        /// 学校文件
        school_file: PathBuf,
    },
}

#[derive(Debug, Args)]
struct CatalogArgs {
    /// 指标体系（如 中小学、幼儿园，或 primary_secondary）
    #[arg(long)]
    set: Option<String>,
    /// 叠加一个省级补充包后再显示
    #[arg(long, value_name = "补充包文件")]
    province: Option<PathBuf>,
    /// 列出一个代码表的全部代码，如 ethnicity
    #[arg(long, value_name = "代码表")]
    codes: Option<String>,
    /// 查找行政区划（籍贯、出生地可填的省、市、县）：按名称、拼音、首字母或代码开头，如 成都、chengdu、cdwh；不写关键词则列出全部
    #[arg(
        long,
        value_name = "关键词",
        num_args = 0..=1,
        default_missing_value = "",
        conflicts_with_all = ["set", "codes", "province"]
    )]
    regions: Option<String>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
    /// 输出整个指标目录的 Markdown（即 docs/indicators.md）
    #[arg(long, conflicts_with_all = ["set", "codes", "json", "regions"])]
    markdown: bool,
}

#[derive(Debug, Args)]
struct TeacherAddArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 姓名
    #[arg(long)]
    name: String,
    /// 身份证件类型代码（1 为居民身份证；查看全部：taoli id-types）
    #[arg(long, default_value = "1")]
    id_type: String,
    /// 身份证件号
    #[arg(long)]
    id_number: String,
}

#[derive(Debug, Args)]
struct TeacherListArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 只列出姓名、拼音首字母或证件号后几位匹配的教师
    #[arg(long)]
    query: Option<String>,
    /// 输出 JSON 而不是表格
    #[arg(long)]
    json: bool,
}

// The formats are described in the --format help (which lang.rs translates),
// not here: clap would print these doc comments untranslated.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Template,
    Xlsx,
    Csv,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 导出格式：json 整个学校（docs/export-json.md）；template 空白导入模板；xlsx 填好本校教师信息的工作簿（可再导入）；csv 一个信息项的表格（要加 --group）
    #[arg(long, value_enum, default_value = "json")]
    format: ExportFormat,
    /// CSV 导出的信息项（名称或代码），如 基本信息、学习经历
    #[arg(long, value_name = "信息项")]
    group: Option<String>,
    /// 按国家系统导入模板的写法：代码写作「代码-名称」（如 1-男、A1-专任教师、0-否），表头与模板一致（各指标体系依照的模板版本见 docs/export-spreadsheets.md）。用于 template、xlsx、csv
    #[arg(long)]
    national: bool,
    /// 写入此文件（已有则覆盖）。不写时：json、csv 输出到屏幕；template、xlsx 存为当前文件夹下的「学校名称-导入模板.xlsx」或「学校名称-教师数据.xlsx」（同名文件已存在则加编号，不覆盖）
    #[arg(short, long, value_name = "文件")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ConflictChoice {
    /// 保留学校文件中已有的值（默认）
    Keep,
    /// 采用花名册中的值
    Take,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 花名册文件（.xlsx、.xlsm、.xls、.ods、.csv、.txt）
    roster: PathBuf,
    /// 只导入这个工作表（名称或序号，可重复）；默认导入全部可见的工作表
    #[arg(long, value_name = "工作表")]
    sheet: Vec<String>,
    /// 指定某列对应的指标，如 --map 来校时间=进本校年月；不导入某列：--map 备用=-（可重复）
    #[arg(long = "map", value_name = "表头=指标")]
    map: Vec<String>,
    /// 只预览，不写入学校文件
    #[arg(long)]
    dry_run: bool,
    /// 已有值与花名册不同时：keep 保留已有值（默认），take 采用花名册的值
    #[arg(long, value_enum, default_value = "keep")]
    on_conflict: ConflictChoice,
    /// 把未通过的行写入这个 .xlsx 文件（默认：导入时写在花名册旁边）
    #[arg(long, value_name = "文件.xlsx")]
    refused: Option<PathBuf>,
    /// 输出 JSON（格式见 docs/import-json.md）
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ImportUndoArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 要撤销的导入编号（见 taoli import-history）；不写则撤销最近一次
    import_id: Option<String>,
}

#[derive(Debug, Args)]
struct ImportHistoryArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON 而不是表格
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ListArgs {
    /// 输出 JSON 而不是表格
    #[arg(long)]
    json: bool,
}

/// Parses the command line; on `--help`, `--version` or a usage error, prints
/// and returns the exit code to end with (0 for help, 1 for a usage error).
pub fn parse(lang: Lang) -> std::result::Result<Cli, ExitCode> {
    let cmd = localize(Cli::command(), lang);
    let parsed = cmd
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => Ok(cli),
        Err(e) => {
            use clap::error::ErrorKind::*;
            match e.kind() {
                DisplayHelp | DisplayVersion => {
                    let _ = e.print();
                    Err(ExitCode::SUCCESS)
                }
                DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    Err(ExitCode::from(1))
                }
                _ => {
                    eprintln!(
                        "{}",
                        lang.pick(
                            "命令行参数有误（详见下方说明）。运行 `taoli --help` 查看用法。",
                            "The command line is wrong (details below). Run `taoli --help` for usage."
                        )
                    );
                    let _ = e.print();
                    Err(ExitCode::from(1))
                }
            }
        }
    }
}

pub fn run(cli: Cli, lang: Lang) -> Result<ExitCode> {
    let login = Login {
        user: cli.user,
        lang,
    };
    match cli.command {
        Command::Validate(args) => {
            let file = login.open(&args.school_file)?;
            let report = file.validate()?;
            file.close()?;
            if args.json {
                output::json(&report)?;
            } else {
                output::validation(&report, lang);
            }
            return Ok(if report.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            });
        }
        Command::Stats(args) => {
            let file = login.open(&args.school_file)?;
            let stats = file.stats()?;
            file.close()?;
            match (&args.xlsx, args.json) {
                (Some(path), _) => {
                    taoli_core::stats::workbook::write(&stats, path)?;
                    output::stats_written(&stats, path, lang);
                }
                (None, true) => output::json(&stats)?,
                (None, false) => output::stats(&stats, lang),
            }
        }
        Command::Catalog(args) => {
            let national = catalog()?;
            let with_pack;
            let catalog = match &args.province {
                Some(path) => {
                    let pack = ProvincePack::load(path)?;
                    with_pack = national.with_pack(&pack)?;
                    &with_pack
                }
                None => national,
            };
            if args.markdown {
                print!("{}", catalog.markdown());
                return Ok(ExitCode::SUCCESS);
            }
            if let Some(query) = &args.regions {
                let regions = catalog.regions();
                let found = regions.search(query);
                if args.json {
                    output::json(&found)?;
                } else {
                    output::regions(regions, &found, query, lang);
                }
                return Ok(ExitCode::SUCCESS);
            }
            match (args.codes, args.set) {
                (Some(table), set) => {
                    let table = match set {
                        Some(set) => catalog.effective(&set)?.code_table(&table).cloned(),
                        None => catalog.code_table(&table).cloned(),
                    }
                    .ok_or_else(|| taoli_core::Error::UnknownCodeTable(table.clone()))?;
                    if args.json {
                        output::json(&table)?;
                    } else {
                        output::code_table(&table, lang);
                    }
                }
                (None, Some(set)) => {
                    let effective = catalog.effective(&set)?;
                    if args.json {
                        output::json(&effective)?;
                    } else {
                        output::effective_catalog(&effective, lang);
                    }
                }
                (None, None) => {
                    if args.json {
                        output::json(catalog.sets())?;
                    } else {
                        output::sets(catalog, lang);
                    }
                }
            }
        }
        Command::Warning(WarningCommand::Explain(args)) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teacher_by_id_number(None, &args.id_number)?;
            let warning = WarningRef {
                teacher_id: &teacher.id,
                rule: &args.rule,
                field: args.field.as_deref(),
                row_order: args.row,
            };
            file.explain_warning(&warning, &args.reason)?;
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
        Command::Province(ProvinceCommand::Use { school_file, pack }) => {
            let pack = ProvincePack::load(&pack)?;
            let mut file = login.open(&school_file)?;
            let info = file.use_province_pack(&pack)?;
            output::pack_in_use(Some(&info), lang);
            file.close()?;
        }
        Command::Backup(args) => {
            let mut file = login.open(&args.school_file)?;
            let backup = match &args.to {
                Some(folder) => file.backup_to(folder)?,
                None => file.backup_now(BackupReason::Manual)?,
            };
            file.close()?;
            if args.json {
                output::json(&backup)?;
            } else {
                output::backed_up(&backup, lang);
            }
        }
        Command::CopyToThisComputer(args) => {
            let mut file = login.open(&args.school_file)?;
            let copy = file.copy_to_this_computer(&args.folder)?;
            let path = copy.path().to_owned();
            copy.close()?;
            file.close()?;
            if args.json {
                output::json(&serde_json::json!({ "path": path.display().to_string() }))?;
            } else {
                output::copied_to_this_computer(&path, lang);
            }
        }
        Command::BackupList(args) => {
            let file = login.open(&args.school_file)?;
            let backups = file.backups()?;
            let folder = file.backup_folder();
            file.close()?;
            if args.json {
                output::json(&backups)?;
            } else {
                output::backup_list(&backups, &folder, lang);
            }
        }
        Command::Restore(args) => {
            let mut file = login.open(&args.school_file)?;
            let safety = match file.restore(&args.backup) {
                // A backup made before the 系统管理员 password was changed
                // opens with the password of that time.
                Err(taoli_core::Error::BackupKeyMismatch(_)) => {
                    let old = login.backup_password()?;
                    file.restore_with_password(&args.backup, &old)?
                }
                other => other?,
            };
            file.close()?;
            output::restored(&args.backup, &safety, lang);
        }
        Command::Audit(AuditCommand::Verify { school_file, json }) => {
            let file = login.open(&school_file)?;
            let check = file.verify_audit()?;
            file.close()?;
            if json {
                output::json(&check)?;
            } else {
                output::audit_check(&check, lang);
            }
            if !check.intact() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Audit(AuditCommand::List(args)) => {
            let file = login.open(&args.filter.school_file)?;
            let query = AuditQuery {
                limit: args.limit,
                ..args.filter.query(&file)?
            };
            let page = file.audit_log(&query)?;
            file.close()?;
            if args.json {
                output::json(&page)?;
            } else {
                output::audit_list(&page, lang);
            }
        }
        Command::Audit(AuditCommand::Export {
            filter,
            output: path,
        }) => {
            let mut file = login.open(&filter.school_file)?;
            let query = filter.query(&file)?;
            file.export_audit_to(&query, &path)?;
            file.close()?;
            output::audit_exported(&path, lang);
        }
        Command::Province(ProvinceCommand::Show { school_file }) => {
            let file = login.open(&school_file)?;
            output::pack_in_use(file.province_pack()?.map(|p| p.info).as_ref(), lang);
            file.close()?;
        }
        Command::Province(ProvinceCommand::Clear { school_file }) => {
            let mut file = login.open(&school_file)?;
            file.clear_province_pack()?;
            output::pack_in_use(None, lang);
            file.close()?;
        }
        Command::Teacher(TeacherCommand::Set(args)) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teacher_by_id_number(None, &args.id_number)?;
            let assignments = parse_assignments(&args.assignments)?;
            let record = file.set_fields(&teacher.id, &args.group, &assignments)?;
            output::record_saved(&teacher.name, &record, lang);
            file.close()?;
        }
        Command::Record(RecordCommand::Add(args)) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teacher_by_id_number(None, &args.id_number)?;
            let assignments = parse_assignments(&args.assignments)?;
            let record = file.add_group_record(&teacher.id, &args.group, &assignments)?;
            output::record_saved(&teacher.name, &record, lang);
            file.close()?;
        }
        Command::User(command) => user(command, &login, lang)?,
        Command::Recovery(command) => crate::recovery::run(command, &login, lang)?,
        Command::Init(args) => {
            let school = NewSchool {
                code: args.code,
                name: args.name,
                school_type: args.school_type,
                region_code: args.region,
            };
            let password = match std::env::var(PASSWORD_VARIABLE) {
                Ok(password) => password,
                Err(_) => login.new_password(&args.admin)?,
            };
            // The file is made with its recovery code, in one transaction.
            let code = taoli_core::recovery::RecoveryCode::generate()?;
            let file = SchoolFile::create_with_recovery_code(
                &args.school_file,
                &school,
                &Credentials::new(&args.admin, password),
                &code,
            )?;
            output::school_created(&file.school()?, &args.school_file, lang);
            // Shown before the sheet is written: a sheet that cannot be
            // written (no Chinese font) must not hide the code.
            let shown = file.recovery_code_shown(&code);
            crate::recovery::print_code(&shown, args.recovery_sheet.as_deref(), lang);
            if let Some(sheet) = &args.recovery_sheet {
                file.write_recovery_sheet(&code, sheet)?;
            }
            file.close()?;
        }
        Command::Teacher(TeacherCommand::Add(args)) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.add_teacher(&NewTeacher {
                name: args.name,
                id_type: args.id_type,
                id_number: args.id_number,
            })?;
            // What add_teacher filled of 基本信息 from a resident ID number.
            let from_id = file.id_derived_values(&teacher.id_type, &teacher.id_number)?;
            output::teacher_added(&teacher, &from_id, lang);
            file.close()?;
        }
        Command::Teacher(TeacherCommand::List(args)) => {
            let file = login.open(&args.school_file)?;
            let listing = file.find_teachers(args.query.as_deref().unwrap_or(""))?;
            let signoffs = file.signoff_states()?;
            if args.json {
                output::teacher_list_json(&listing.teachers, &signoffs)?;
            } else {
                output::teacher_table(&listing.teachers, listing.total, &signoffs, lang);
            }
            file.close()?;
        }
        Command::Export(args) => return export(args, &login, lang),
        Command::Sheets(args) => {
            let template = Template::resolve(args.template.as_deref())?;
            let mut file = login.open(&args.school_file)?;
            let ids = args
                .teachers
                .iter()
                .map(|n| file.teacher_by_id_number(None, n).map(|t| t.id))
                .collect::<taoli_core::Result<Vec<_>>>()?;
            let path = match args.output {
                Some(path) => path,
                None => export::unused_path(&PathBuf::from(taoli_core::sheets::default_file_name(
                    &file.school()?.name,
                ))),
            };
            let printed = file.print_sheets(&ids, &template, &path)?;
            file.close()?;
            if args.json {
                output::json(&printed)?;
            } else {
                output::sheets_printed(&printed, lang);
            }
        }
        Command::Signoff(args) => {
            let mut file = login.open(&args.school_file)?;
            let teacher = file.teacher_by_id_number(None, &args.id_number)?;
            let state = file.signoff(&teacher.id, &args.fingerprint)?;
            file.close()?;
            if args.json {
                output::json(&state)?;
            } else {
                output::signed_off(&teacher.name, &state, lang);
            }
        }
        Command::Import(args) => return import(args, &login, lang),
        Command::Enroll(args) => {
            let mut file = login.open(&args.school_file)?;
            let info = batches::with_keys(&login, |keys| {
                file.enroll(
                    &args.upstream,
                    &args.code,
                    keys,
                    batches::backoff(args.retries),
                )
            })?;
            file.close()?;
            batches::enrolled(&info, lang);
        }
        Command::Submit(args) => {
            let mut file = login.open(&args.school_file)?;
            let options = SubmitOptions {
                change_reason: args.reason,
                sync: batches::sync_options(args.retries),
            };
            let outcome = batches::with_keys(&login, |keys| file.submit(keys, &options))?;
            file.close()?;
            if args.json {
                output::json(&outcome)?;
                return Ok(exit_code(outcome.sync.complete()));
            }
            batches::submitted(outcome.built.as_ref(), lang);
            return Ok(batches::sync_report(&outcome.sync, lang));
        }
        Command::Sync(args) => {
            let mut file = login.open(&args.school_file)?;
            let options = batches::sync_options(args.retries);
            let report = batches::with_keys(&login, |keys| file.sync(keys, &options))?;
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
            return Ok(code);
        }
        Command::Batch(BatchCommand::Export(args)) => {
            let mut file = login.open(&args.school_file)?;
            let exported = batches::with_keys(&login, |keys| {
                file.export_batch(keys, args.reason.as_deref(), &args.output)
            })?;
            file.close()?;
            if args.json {
                output::json(&exported)?;
            } else {
                batches::exported(exported.as_ref(), lang);
            }
        }
        Command::Batch(BatchCommand::Upload(args)) => {
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
        Command::Receipts(args) => {
            let mut file = login.open(&args.school_file)?;
            if let Some(path) = &args.import {
                let imported = file.import_receipt(path)?;
                file.close()?;
                if args.json {
                    output::json(&imported)?;
                } else {
                    batches::receipt_imported(&imported, lang);
                }
                return Ok(ExitCode::SUCCESS);
            }
            let receipts = file.receipts()?;
            file.close()?;
            if args.json {
                output::json(&receipts)?;
            } else {
                batches::receipts(&receipts, lang);
            }
        }
        Command::Status(args) => {
            let file = login.open(&args.school_file)?;
            let status = file.outbox_status()?;
            file.close()?;
            if args.json {
                output::json(&status)?;
            } else {
                batches::status(&status, lang);
            }
        }
        Command::ImportUndo(args) => {
            let mut file = login.open(&args.school_file)?;
            let result = file.undo_import(args.import_id.as_deref())?;
            output::import_undone(&result, lang);
            file.close()?;
        }
        Command::ImportHistory(args) => {
            let file = login.open(&args.school_file)?;
            let runs = file.imports()?;
            file.close()?;
            if args.json {
                output::json(&runs)?;
            } else {
                output::import_history(&runs, lang);
            }
        }
        Command::SchoolTypes(args) => {
            let types = catalog()?.school_types();
            if args.json {
                output::json(&types)?;
            } else {
                output::school_type_table(types, lang);
            }
        }
        Command::IdTypes(args) => {
            let types = catalog()?.id_types();
            if args.json {
                output::json(&types)?;
            } else {
                output::id_type_table(types, lang);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The account commands. `user add` on a file without accounts creates its
/// first 系统管理员 without signing in (a file from before accounts existed).
fn user(command: UserCommand, login: &Login, lang: Lang) -> Result<()> {
    match command {
        UserCommand::Add(args) => {
            let role = Role::parse(&args.role)?;
            // Whoever is named signs in; a file without accounts needs nobody.
            let credentials = login
                .user
                .is_some()
                .then(|| login.credentials())
                .transpose()?;
            let password = credentials.as_ref().map(|c| c.password.as_str());
            let mut file = login.open_file(&args.school_file, password)?;
            let user = if file.has_users()? {
                file.sign_in(&credentials.ok_or(crate::error::CliError::UserNeeded)?)?;
                let password = login.new_password(&args.name)?;
                file.add_user(&NewUser {
                    name: args.name,
                    role,
                    password,
                })?
            } else {
                if role != Role::SystemAdmin {
                    return Err(taoli_core::Error::FirstUserMustBeAdmin.into());
                }
                let password = login.new_password(&args.name)?;
                file.create_first_admin(&Credentials::new(&args.name, password))?;
                file.users()?.remove(0)
            };
            keep_key(&file);
            output::user_added(&user, lang);
            file.close()?;
        }
        UserCommand::List(args) => {
            let file = login.open(&args.school_file)?;
            let users = file.users()?;
            file.close()?;
            if args.json {
                output::json(&users)?;
            } else {
                output::users(&users, lang);
            }
        }
        UserCommand::Disable(args) => {
            let mut file = login.open(&args.school_file)?;
            let user = file.set_user_disabled(&args.name, true)?;
            output::user_changed(&user, lang);
            file.close()?;
        }
        UserCommand::Enable(args) => {
            let mut file = login.open(&args.school_file)?;
            let user = file.set_user_disabled(&args.name, false)?;
            output::user_changed(&user, lang);
            file.close()?;
        }
        UserCommand::Role(args) => {
            let role = Role::parse(&args.role)?;
            let mut file = login.open(&args.school_file)?;
            let user = file.set_user_role(&args.name, role)?;
            output::user_changed(&user, lang);
            file.close()?;
        }
        UserCommand::Passwd(args) => {
            let credentials = login.credentials()?;
            let mut file = login.open_as(&args.school_file, &credentials)?;
            let name = args.name.unwrap_or_else(|| credentials.name.clone());
            let own = name.trim() == credentials.name.trim();
            let new_password = login.new_password(&name)?;
            let current = own.then_some(credentials.password.as_str());
            file.change_password(&name, current, &new_password)?;
            keep_key(&file);
            output::password_changed(&name, lang);
            file.close()?;
        }
    }
    Ok(())
}

fn export(args: ExportArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let format = match args.format {
        ExportFormat::Json => export::ExportFormat::Json,
        ExportFormat::Template => export::ExportFormat::Template,
        ExportFormat::Xlsx => export::ExportFormat::Xlsx,
        ExportFormat::Csv => export::ExportFormat::Csv,
    };
    let style = if args.national {
        export::SheetStyle::National
    } else {
        export::SheetStyle::Taoli
    };
    let mut file = login.open(&args.school_file)?;
    let school = file.school()?;
    let group = args.group.as_deref();
    let path = match (
        args.output,
        format.default_file_name_in(&school.name, style),
    ) {
        (Some(path), _) => path,
        (None, Some(name)) => export::unused_path(&PathBuf::from(name)),
        (None, None) => {
            let bytes = file.export_as_in(format, group, style)?;
            let style = export::file::style_code(style);
            file.record_styled_export(format.code(), style, group, None, bytes.len())?;
            file.close()?;
            output::raw(&bytes)?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    file.export_to_in(format, group, style, &path)?;
    file.close()?;
    output::exported(format, style, &path, lang);
    Ok(ExitCode::SUCCESS)
}

fn parse_assignments(raw: &[String]) -> taoli_core::Result<Vec<(String, String)>> {
    raw.iter()
        .map(|a| taoli_core::entry::parse_assignment(a))
        .collect()
}

fn import(args: ImportArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
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
    };
    let mut roster = taoli_core::import::open(&args.roster)?;
    let mut file = login.open(&args.school_file)?;
    let plan = file.plan_import(&mut roster, &options)?;
    let refused_path = match (&args.refused, args.dry_run) {
        (Some(path), _) => Some(path.clone()),
        (None, false) if plan.preview.counts.refused > 0 || !plan.pending.is_empty() => {
            Some(beside(&args.roster))
        }
        _ => None,
    };
    let import = if args.dry_run {
        None
    } else {
        Some(file.commit_import(&plan, &mut |_, _| {})?)
    };
    file.close()?;
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

/// 0 when everything went, 1 when something waits or failed.
fn exit_code(complete: bool) -> ExitCode {
    if complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `花名册-未通过.xlsx` next to the roster.
fn beside(roster: &std::path::Path) -> PathBuf {
    let stem = roster
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "花名册".into());
    roster.with_file_name(format!("{stem}-未通过.xlsx"))
}

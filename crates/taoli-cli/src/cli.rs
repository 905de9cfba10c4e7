//! Command definitions and their translation into taoli-core calls.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use taoli_core::audit::AuditQuery;
use taoli_core::batches::{SubmitOptions, SyncOptions};
use taoli_core::catalog::ProvincePack;
use taoli_core::entry::IdentityCorrection;
use taoli_core::export;
use taoli_core::import::{ImportOptions, ImportOutcome, MappingOverride, OnConflict};
use taoli_core::revision::Operation;
use taoli_core::sheets::Template;
use taoli_core::status_changes::{NewStatusChange, RosterFilter};
use taoli_core::store::BackupReason;
use taoli_core::validate::WarningRef;
use taoli_core::{Credentials, NewSchool, NewTeacher, NewUser, Role, SchoolFile};

use crate::batches;
use crate::error::Result;
use crate::lang::{Lang, localize};
use crate::login::{Login, PASSWORD_VARIABLE, keep_key};
use crate::output;

mod audit;
mod catalog;
mod exports;
mod imports;
mod reporting;
mod review;
mod school;
mod teachers;
mod users;

#[derive(Debug, Parser)]
#[command(
    name = "taoli",
    version,
    about = "桃李 · 教师信息采集：在本机离线维护学校的教师信息，供全国教师管理信息系统报送。帮助和错误信息为中文；设置环境变量 TAOLI_LANG=en 改用英文。"
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
    /// 教师：添加、列出、填写、在职情况变动、变动记录
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
    /// 报送前须本人签字确认：开启后，没有签字或签字后信息有改动的教师暂不上报；不写 on/off 时显示当前设置与未签字人数（系统管理员）
    SignoffGate(SignoffGateArgs),
    /// 登记上报：用县教育局发的报送码，在上级系统登记本校的签名密钥（每台电脑一次）；显示上级系统回执密钥的指纹，请与县里打印的核对
    Enroll(EnrollArgs),
    /// 允许向其他电脑的不加密 http:// 地址上报（默认不允许，只用 https://；本机 127.0.0.1 总是可以）；不写 on/off 时显示当前设置（系统管理员）
    PlainHttp(PlainHttpArgs),
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
    /// 督促提醒：列出上级教育行政部门发来的提醒（同步时取回）；--read 标记为已读
    Notices(NoticesArgs),
    /// 学校负责人审核：报送前由系统管理员审核批准的设置，列出、批准或退回等待审核的批次
    #[command(subcommand)]
    Review(review::ReviewCommand),
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
struct NoticesArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 把未读的提醒标记为已读（知道了）
    #[arg(long)]
    read: bool,
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
struct PlainHttpArgs {
    /// 学校文件
    school_file: PathBuf,
    /// on 允许，off 不允许
    #[arg(value_enum)]
    value: Option<review::OnOff>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SignoffGateArgs {
    /// 学校文件
    school_file: PathBuf,
    /// on 开启，off 关闭
    #[arg(value_enum)]
    value: Option<review::OnOff>,
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
    /// 在职情况变动：改变教师的人员状态（退休、调出、借出、进修、回校……），写明生效日期和原因
    Status(TeacherStatusArgs),
    /// 查看教师的人员状态变动记录
    History(TeacherHistoryArgs),
    /// 更正教师的姓名、身份证件类型或证件号（写明理由；信息已生效的教师作为更正申请报上级审核，审核通过前仍用原值）
    Correct(TeacherCorrectArgs),
    /// 撤回教师等待审核或被退回的身份信息更正申请（原来的姓名和证件号不变）
    WithdrawCorrection(TeacherWithdrawCorrectionArgs),
    /// 删除误录的教师（写明理由；只限从未报送过的教师，删除前的信息记入操作记录）
    Remove(TeacherRemoveArgs),
    /// 列出疑似重复的教师：同一证件号登记了两种证件类型，或姓名和出生日期都相同
    Duplicates(TeacherDuplicatesArgs),
    /// 合并重复登记的教师：保留一位，另一位的信息并入后删除（写明理由；两人的操作记录都保留）
    Merge(TeacherMergeArgs),
}

#[derive(Debug, Args)]
struct TeacherDuplicatesArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct TeacherMergeArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 保留的教师的身份证件号
    #[arg(long, value_name = "证件号")]
    keep: String,
    /// 保留的教师的身份证件类型代码（两人证件号相同时用来区分）
    #[arg(long, value_name = "代码")]
    keep_id_type: Option<String>,
    /// 并入后删除的教师的身份证件号
    #[arg(long, value_name = "证件号")]
    merge: String,
    /// 并入后删除的教师的身份证件类型代码（两人证件号相同时用来区分）
    #[arg(long, value_name = "代码")]
    merge_id_type: Option<String>,
    /// 合并的理由，如 同一人用两种证件重复登记
    #[arg(long, value_name = "理由")]
    reason: String,
}

#[derive(Debug, Args)]
struct TeacherCorrectArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师现在登记的身份证件号
    #[arg(long)]
    id_number: String,
    /// 更正后的姓名
    #[arg(long, value_name = "姓名")]
    name: Option<String>,
    /// 更正后的身份证件类型代码（查看全部：taoli id-types）
    #[arg(long, value_name = "代码")]
    new_id_type: Option<String>,
    /// 更正后的身份证件号
    #[arg(long, value_name = "证件号")]
    new_id_number: Option<String>,
    /// 更正的理由，如 身份证号录入错误
    #[arg(long, value_name = "理由")]
    reason: String,
    /// 证明材料或文号（随更正申请报上级），如 户口簿复印件
    #[arg(long, value_name = "材料")]
    evidence: Option<String>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct TeacherWithdrawCorrectionArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
}

#[derive(Debug, Args)]
struct TeacherRemoveArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 删除的理由，如 重复录入
    #[arg(long, value_name = "理由")]
    reason: String,
}

#[derive(Debug, Args)]
struct TeacherStatusArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 新的人员状态：代码或名称，如 301 或 退休（全部：taoli catalog --codes personnel_status）
    #[arg(long, value_name = "人员状态", required_unless_present = "withdraw")]
    to: Option<String>,
    /// 生效日期，如 2026-09-01
    #[arg(long, value_name = "日期", required_unless_present = "withdraw")]
    date: Option<String>,
    /// 变动原因，如 到龄退休
    #[arg(long, value_name = "原因", required_unless_present = "withdraw")]
    reason: Option<String>,
    /// 证明材料：文号、批准文件名称（有的变动必须填写）
    #[arg(long, value_name = "说明")]
    evidence: Option<String>,
    /// 撤回这位教师正在等待上级审核的变动
    #[arg(long, conflicts_with_all = ["to", "date", "reason", "evidence"])]
    withdraw: bool,
}

#[derive(Debug, Args)]
struct TeacherHistoryArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 教师的身份证件号
    #[arg(long)]
    id_number: String,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
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
    Import,
    StatusChange,
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
    fn query(&self, file: &SchoolFile, lang: Lang) -> Result<AuditQuery> {
        let teacher_id = match &self.teacher {
            Some(number) => Some(file.teachers().by_id_number(None, number)?.id),
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
            AuditOperation::Import => Operation::Import,
            AuditOperation::StatusChange => Operation::StatusChange,
        });
        Ok(AuditQuery {
            teacher_id,
            actor: self.actor.clone(),
            operation,
            from: self.from.clone(),
            to: self.to.clone(),
            offset: 0,
            limit: 0,
            locale: lang.locale(),
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
    /// 只列出离校教师（人员状态为不在本单位任职：退休、调出、辞职……）
    #[arg(long, conflicts_with = "all")]
    departed: bool,
    /// 列出全部教师，在册的和离校的
    #[arg(long)]
    all: bool,
    /// 只列出这种人员状态的教师（代码或名称，如 204 或 进修；写 200 这样的大类则含其下各类）
    #[arg(long, value_name = "人员状态")]
    status: Option<String>,
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

/// Runs one command: each is a function of its group's module.
pub fn run(cli: Cli, lang: Lang) -> Result<ExitCode> {
    let login = Login {
        user: cli.user,
        lang,
    };
    let login = &login;
    match cli.command {
        Command::Init(args) => school::init(args, login, lang),
        Command::User(command) => users::user(command, login, lang),
        Command::Recovery(command) => {
            crate::recovery::run(command, login, lang)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Teacher(command) => teachers::teacher(command, login, lang),
        Command::Export(args) => exports::export(args, login, lang),
        Command::Record(command) => teachers::record(command, login, lang),
        Command::Validate(args) => teachers::validate(args, login, lang),
        Command::Stats(args) => teachers::stats(args, login, lang),
        Command::Catalog(args) => catalog::catalog(args, lang),
        Command::Warning(command) => teachers::warning(command, login, lang),
        Command::Province(command) => school::province(command, login, lang),
        Command::Import(args) => imports::import(args, login, lang),
        Command::ImportUndo(args) => imports::import_undo(args, login, lang),
        Command::ImportHistory(args) => imports::import_history(args, login, lang),
        Command::Backup(args) => school::backup(args, login, lang),
        Command::BackupList(args) => school::backup_list(args, login, lang),
        Command::CopyToThisComputer(args) => school::copy_to_this_computer(args, login, lang),
        Command::Restore(args) => school::restore(args, login, lang),
        Command::Audit(command) => audit::audit(command, login, lang),
        Command::SchoolTypes(args) => catalog::school_types(args, lang),
        Command::IdTypes(args) => catalog::id_types(args, lang),
        Command::Sheets(args) => teachers::sheets(args, login, lang),
        Command::Signoff(args) => teachers::signoff(args, login, lang),
        Command::SignoffGate(args) => teachers::signoff_gate(args, login, lang),
        Command::Enroll(args) => reporting::enroll(args, login, lang),
        Command::PlainHttp(args) => reporting::plain_http(args, login, lang),
        Command::Submit(args) => reporting::submit(args, login, lang),
        Command::Sync(args) => reporting::sync(args, login, lang),
        Command::Batch(command) => reporting::batch(command, login, lang),
        Command::Receipts(args) => reporting::receipts(args, login, lang),
        Command::Notices(args) => reporting::notices(args, login, lang),
        Command::Status(args) => reporting::status(args, login, lang),
        Command::Review(command) => review::review(command, login, lang),
    }
}

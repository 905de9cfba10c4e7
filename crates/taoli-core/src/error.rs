//! The one error type of `taoli-core`.
//!
//! Every message is written for the clerk at the screen: it says what is wrong
//! and how to put it right, in Simplified Chinese. [`Error::kind`] separates the
//! clerk's input (something they can fix) from internal failures (something to
//! report), which the CLI turns into exit codes 1 and 2.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a failure is the user's to fix or ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was wrong; the message says how to fix it.
    User,
    /// Something failed inside Taoli or the machine (disk, database engine).
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("学校标识码应为 10 位数字，实为「{0}」。请核对学校标识码后重新输入。")]
    InvalidSchoolCode(String),

    #[error("学校名称不能为空。请填写学校的全称。")]
    EmptySchoolName,

    #[error("学校名称最多 {max} 个字，实为 {len} 个字。请填写学校的规范全称。")]
    SchoolNameTooLong { len: usize, max: usize },

    #[error(
        "办学类型代码「{0}」不存在。运行 `taoli school-types` 或在新建学校页的「办学类型」下拉框中查看全部有效代码。"
    )]
    UnknownSchoolType(String),

    #[error("办学类型「{code} {name}」不在教师管理信息系统的采集范围内：{reason}")]
    SchoolTypeOutOfScope {
        code: String,
        name: String,
        reason: String,
    },

    #[error("指标体系「{given}」不存在。有效的指标体系：{valid}。")]
    UnknownIndicatorSet { given: String, valid: String },

    #[error("代码表「{0}」不存在。运行 `taoli catalog --set 中小学` 查看各指标使用的代码表。")]
    UnknownCodeTable(String),

    #[error("省级补充包 {pack} 不能使用：{reason}。请联系发布补充包的教育部门。")]
    ProvincePack { pack: String, reason: String },

    #[error("行政区划代码应为 6 位数字（县级代码，如 510722），实为「{0}」。")]
    InvalidRegionCode(String),

    #[error("教师姓名不能为空。")]
    EmptyTeacherName,

    #[error("教师姓名最多 {max} 个字符，「{name}」有 {len} 个。")]
    TeacherNameTooLong {
        name: String,
        len: usize,
        max: usize,
    },

    #[error(
        "教师姓名「{name}」中有看不见的控制字符或排版符号（{chars}），常见于从网页或聊天软件复制的文字，会让姓名显示错乱、无法上报。请删掉这些字符后重新输入。"
    )]
    InvalidTeacherName { name: String, chars: String },

    #[error("身份证件类型「{0}」不存在。有效类型：{1}。")]
    UnknownIdType(String, String),

    #[error("身份证件号「{id_number}」有误：{problem}")]
    InvalidIdNumber { id_number: String, problem: String },

    #[error(
        "证件号 {id_number}（{id_type_name}）已登记给教师「{existing_name}」。同一证件只能登记一位教师；如需修改，请在教师列表中找到该教师。"
    )]
    DuplicateTeacher {
        id_type_name: String,
        id_number: String,
        existing_name: String,
    },

    #[error("找不到证件号为 {0} 的教师。")]
    TeacherNotFound(String),

    #[error("「{0}」应写成 指标=值 的形式，如 民族=汉族。")]
    BadAssignment(String),

    #[error("信息项「{group}」中没有指标「{field}」。可填的指标：{valid}。")]
    UnknownField {
        group: String,
        field: String,
        valid: String,
    },

    #[error("信息项「{group}」不属于本校的指标体系。可用的信息项：{valid}。")]
    UnknownGroup { group: String, valid: String },

    #[error("{field}「{value}」有误：{problem}。")]
    InvalidValue {
        field: String,
        value: String,
        problem: String,
    },

    #[error("「{0}」由其他信息项自动推算，不能直接填写。")]
    DerivedField(String),

    #[error("「{0}」是教师身份信息，不能在这里修改。")]
    IdentityField(String),

    #[error("「{0}」可以有多条记录，请用 `taoli record add` 添加一条。")]
    MultiRecordGroup(String),

    #[error("「{0}」只有一条记录，请用 `taoli teacher set` 填写。")]
    SingleRecordGroup(String),

    #[error("说明不能为空：请写明为什么这条提醒可以保留（如“以人事档案为准”）。")]
    EmptyWarningReason,

    #[error(
        "教师「{teacher}」目前没有规则「{rule}」的提醒。运行 `taoli validate` 查看当前的提醒。"
    )]
    NoSuchWarning { teacher: String, rule: String },

    #[error("这是错误而不是提醒，不能用说明代替改正：{0}")]
    ErrorNeedsFixing(String),

    #[error("找不到这条记录（{0}），它可能已被删除。")]
    RecordNotFound(String),

    #[error(
        "这条记录已被修改过（当前版本 {current}，您编辑的是版本 {expected}）。请重新打开后再修改。"
    )]
    StaleRecord { expected: i64, current: i64 },

    #[error("无法读取花名册 {path}：{detail}。请确认文件没有在 Excel 或 WPS 中打开，然后重试。")]
    RosterUnreadable { path: PathBuf, detail: String },

    #[error("花名册 {0} 是空文件，没有可导入的内容。请检查是否选错了文件。")]
    EmptyRoster(PathBuf),

    #[error(
        "{0} 实际上是网页（HTML）文件，只是扩展名像表格（常见于从网站导出的 .xls）。请用 Excel 或 WPS 打开它，另存为「Excel 工作簿（.xlsx）」后再导入。"
    )]
    RosterIsWebPage(PathBuf),

    #[error(
        "{0} 不是电子表格。可导入的格式：Excel 工作簿（.xlsx、.xlsm、.xls）、WPS/LibreOffice 表格（.ods）和 CSV 文本（.csv、.txt）。"
    )]
    NotASpreadsheet(PathBuf),

    #[error(
        "花名册 {path} 混用了两种文字编码：第 {utf8_line} 行是 UTF-8，第 {other_line} 行是 GBK 等其他编码（常见于用不同的软件往同一个文件里追加内容）。无论按哪一种读取，都会有一部分变成乱码，所以没有导入。请用 WPS 或 Excel 打开它，核对这些行的文字，另存为「Excel 工作簿（.xlsx）」后再导入。"
    )]
    MixedEncoding {
        path: PathBuf,
        utf8_line: usize,
        other_line: usize,
    },

    #[error(
        "花名册 {path} 第 {line} 行有一个没有配对的英文双引号（\"）：从它开始到文件末尾的内容都会被读进同一个单元格，后面的行都会丢失，所以没有导入。请用记事本或 WPS 打开这个文件，在第 {line} 行删掉多余的引号或补上配对的引号，然后重新导入。"
    )]
    UnterminatedQuote { path: PathBuf, line: usize },

    #[error(
        "花名册 {path} 展开后约有 {cells} 个单元格，超过了桃李能读取的上限（{max} 个）。这通常是表格下方或右侧有大片重复填充或设置了格式的空白区域。请在 WPS 或 LibreOffice 中删掉多余的行和列，或另存为「Excel 工作簿（.xlsx）」后再导入。"
    )]
    RosterTooLarge { path: PathBuf, cells: u64, max: u64 },

    #[error(
        "{0} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开它，在「文件 → 信息 → 保护工作簿」中取消密码并保存后再导入。"
    )]
    RosterPasswordProtected(PathBuf),

    #[error(
        "花名册 {path} 已损坏，无法读取（{detail}）。请用 Excel 或 WPS 打开并另存为新的 .xlsx 文件后再导入；如果也打不开，请找回原始文件。"
    )]
    CorruptRoster { path: PathBuf, detail: String },

    #[error("花名册中没有工作表「{given}」。可选的工作表：{valid}。")]
    UnknownSheet { given: String, valid: String },

    #[error(
        "工作表「{sheet}」有 {rows} 行，超过了一次导入的上限（1,000,000 行）。请把花名册拆成几个文件分别导入。"
    )]
    TooManyRows { sheet: String, rows: usize },

    #[error(
        "在工作表「{sheet}」的前 20 行中找不到表头：没有一行含有两个以上可识别的指标名称（如「姓名」「身份证件号」）。请确认表头在前 20 行内，或选择正确的工作表。"
    )]
    NoHeaderRow { sheet: String },

    #[error(
        "工作表「{sheet}」缺少「{missing}」列，无法确定每一行是哪位教师。请在花名册中加上这一列，或用「列对应」把已有的列指定为「{missing}」。"
    )]
    NoIdentityColumn { sheet: String, missing: String },

    #[error(
        "列对应「{0}」应写成 表头=指标 的形式，如 来校时间=进本校年月；不导入某列写成 表头=-。"
    )]
    BadColumnMapping(String),

    #[error("花名册中没有表头为「{0}」的列。请按花名册中的表头原样填写。")]
    UnknownColumn(String),

    #[error("找不到指标「{target}」。{hint}")]
    UnknownMappingTarget { target: String, hint: String },

    #[error("找不到导入记录 {0}。运行 `taoli import-undo 学校文件` 不带编号，可撤销最近一次导入。")]
    ImportNotFound(String),

    #[error("本校还没有可撤销的导入。")]
    NothingToUndo,

    #[error("找不到待修正项 {0}，可能已被清除或随导入撤销。请刷新后再看。")]
    PendingValueNotFound(String),

    #[error("导入 {id} 已于 {at} 撤销过，不能再次撤销。")]
    ImportAlreadyUndone { id: String, at: String },

    #[error(
        "不能撤销这次导入：导入之后，以下教师的信息又被修改过：{teachers}。撤销会抹掉这些修改。请先核对这些教师，必要时手工改回。"
    )]
    UndoBlocked { teachers: String },

    #[error("预览之后学校文件已被修改（{detail}）。请重新预览后再导入。")]
    StalePreview { detail: String },

    #[error(
        "导出 CSV 时要用 --group 指定一个信息项（CSV 文件只能放一张表），如 --group 基本信息。本校的信息项：{valid}。"
    )]
    ExportGroupRequired { valid: String },

    #[error(
        "--group 只用于 CSV 导出；{format}总是包含全部信息项。请去掉 --group，或改用 --format csv 导出一个信息项。"
    )]
    ExportGroupNotUsed { format: String },

    #[error(
        "{style}只用于表格导出（template、xlsx、csv）；JSON 导出总是按代码保存全部数据。请去掉 --national，或改用 --format xlsx。"
    )]
    ExportStyleNotUsed { style: String },

    #[error(
        "无法写入导出文件 {path}：{detail}。请确认文件夹存在、有写入权限，并且这个文件没有在 Excel 或 WPS 中打开；也可以用 -o 换一个位置。"
    )]
    ExportUnwritable { path: PathBuf, detail: String },

    #[error("生成导出文件失败：{0}")]
    ExportFailed(String),

    #[error("日期「{0}」的格式不对。请写成 年-月-日，如 2026-03-31。")]
    InvalidAuditDate(String),

    #[error(
        "无法写入统计表 {path}：{detail}。请确认文件夹存在、有写入权限，并且这个文件没有在 Excel 或 WPS 中打开；也可以换一个文件名。"
    )]
    StatsUnwritable { path: PathBuf, detail: String },

    #[error("生成统计表失败：{0}")]
    StatsFailed(String),

    #[error(
        "找不到中文字体，无法生成信息确认表。请安装 Noto Sans CJK（思源黑体）：Debian/Ubuntu 运行 `sudo apt install fonts-noto-cjk`；Windows 自带的微软雅黑、宋体也可以。也可以用环境变量 TAOLI_FONT 指定一个中文字体文件（.ttf、.ttc 或 .otf）。"
    )]
    NoChineseFont,

    #[error(
        "环境变量 TAOLI_FONT 指定的字体 {path} 不能用：{problem}。请指定一个含简体中文的字体文件（.ttf、.ttc 或 .otf），或删去 TAOLI_FONT 改用系统字体。"
    )]
    UnusableFont { path: PathBuf, problem: String },

    #[error(
        "信息确认表模板 {template} 有误，无法生成确认表：{detail}。请改正模板（说明见 docs/sheets.md），或不指定模板、改用内置模板。"
    )]
    SheetTemplate { template: String, detail: String },

    #[error("没有可打印的信息确认表：本校还没有教师。请先添加或导入教师。")]
    NoSheetsToPrint,

    #[error(
        "无法写入信息确认表 {path}：{detail}。请确认文件夹存在、有写入权限，并且这个文件没有在 PDF 阅读器中打开；也可以用 -o 换一个位置。"
    )]
    SheetsUnwritable { path: PathBuf, detail: String },

    #[error("生成信息确认表失败：{0}")]
    SheetsFailed(String),

    #[error(
        "指纹「{0}」格式不对：应为确认表页脚上「指纹」后的 12 位字母和数字（0-9、a-f），如 3f9a21c0b7e4。"
    )]
    InvalidFingerprint(String),

    #[error(
        "没有为教师「{teacher}」打印过指纹为 {fingerprint} 的信息确认表（{printed}）。请核对签字的确认表页脚上的指纹；找不到对应的确认表时，请重新打印，请教师核对签字后再登记。"
    )]
    FingerprintNotPrinted {
        teacher: String,
        fingerprint: String,
        printed: String,
    },

    #[error("文件 {0} 已存在。请换一个文件名，或直接打开这个文件。")]
    FileExists(PathBuf),

    #[error("找不到文件 {0}。请检查路径是否正确，或文件是否已被移走。")]
    FileNotFound(PathBuf),

    #[error(
        "无法备份到 {folder}：{detail}。请确认文件夹（或 U 盘）可以写入、空间足够，然后重试；学校文件未受影响。"
    )]
    BackupFailed { folder: PathBuf, detail: String },

    #[error("{path} 不能用来恢复：{detail}。请选择桃李做的另一个备份；学校文件未作任何改动。")]
    BackupUnusable { path: PathBuf, detail: String },

    #[error(
        "{path} 是另一所学校（学校标识码 {found}）的备份，不是本校（{expected}）的。请选择本校的备份；学校文件未作任何改动。"
    )]
    BackupOfAnotherSchool {
        path: PathBuf,
        found: String,
        expected: String,
    },

    #[error("{0} 不是桃李学校文件（.taoli）。请选择用桃李创建的学校文件。")]
    NotASchoolFile(PathBuf),

    #[error(
        "学校文件 {path} 由更新版本的桃李创建（文件格式版本 {found}，本程序最高支持 {supported}）。请先升级桃李再打开，文件未作任何改动。"
    )]
    NewerSchoolFile {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "学校文件 {path} 已损坏（完整性检查未通过：{detail}）。请不要继续使用它；请从备份恢复，或联系县级教师信息管理员。"
    )]
    CorruptSchoolFile { path: PathBuf, detail: String },

    #[error(
        "学校文件 {0} 已加密，要用系统管理员的密码才能打开（在另一台电脑上第一次打开它，或这台电脑的密钥环中没有它的密钥时都会这样）。请输入系统管理员的密码。"
    )]
    FileKeyNeeded(PathBuf),

    #[error(
        "系统管理员密码不正确，打不开学校文件 {0}。请核对密码后重试：注意大小写，并确认没有开着中文输入法或大写锁定。如果系统管理员改过密码，请用改过之后的密码；如果确认密码无误仍然打不开，文件可能已损坏，请从备份恢复。文件未作任何改动。"
    )]
    WrongFilePassword(PathBuf),

    #[error("学校文件 {0} 已经加密，不需要再加密。要更换密码，请修改系统管理员的密码。")]
    AlreadyEncrypted(PathBuf),

    #[error("恢复码不对：{detail}。恢复码共 7 组、每组 5 个字符，请对照恢复码保管单重新输入。")]
    RecoveryCodeMalformed { detail: String },

    #[error(
        "这个恢复码打不开学校文件 {0}：它不是这个学校文件的恢复码，或者已经被更换。请找到最新的恢复码保管单再试。文件未作任何改动。"
    )]
    WrongRecoveryCode(PathBuf),

    #[error(
        "找不到学校文件 {path} 的恢复文件「{name}」。它应在学校文件旁边或备份文件夹中；请把它复制到学校文件所在的文件夹，或直接选择它，然后重试。"
    )]
    RecoverySidecarMissing { path: PathBuf, name: String },

    #[error("恢复文件 {path} 无法读取（{detail}）。请改用备份文件夹中的恢复文件。")]
    RecoverySidecarDamaged { path: PathBuf, detail: String },

    #[error(
        "恢复文件 {sidecar} 不是学校文件 {path} 的（它属于另一个学校文件）。请选择与这个学校文件放在一起的恢复文件。"
    )]
    RecoverySidecarOfAnotherFile { sidecar: PathBuf, path: PathBuf },

    #[error(
        "恢复码正确，但恢复文件 {sidecar} 中的密钥都打不开学校文件 {path}：这个学校文件可能是在恢复文件之后从别处复制来的。请改用备份文件夹中的恢复文件，或从备份恢复。文件未作任何改动。"
    )]
    RecoveryKeysDoNotOpen { sidecar: PathBuf, path: PathBuf },

    #[error("这个学校文件有多个系统管理员（{names}），请选择要重设哪一个的密码。")]
    RecoveryAccountNeeded { names: String },

    #[error("“{name}”不是这个学校文件中可用的系统管理员。可以重设密码的系统管理员：{names}。")]
    RecoveryAccountUnknown { name: String, names: String },

    #[error(
        "学校文件 {0} 中没有可用的系统管理员账号，恢复码无法为谁重设密码。请联系县级教师信息管理员。"
    )]
    RecoveryNoAdmin(PathBuf),

    #[error(
        "学校文件 {0} 没有加密，不用恢复码就能打开。打开后请用系统管理员账号登录；忘记密码时请另一位系统管理员重设。"
    )]
    RecoveryNotNeeded(PathBuf),

    #[error(
        "学校文件 {0} 还没有加密，无法更换它的密码。请先设置系统管理员的密码，为学校文件加密。"
    )]
    NotEncrypted(PathBuf),

    #[error(
        "无法为学校文件 {path} 加密：{detail}。学校文件保持原样，没有加密，数据未受影响。请确认磁盘空间足够、文件没有被其他程序打开，然后重试。"
    )]
    EncryptFailed { path: PathBuf, detail: String },

    #[error(
        "无法更换学校文件 {path} 的密码：{detail}。学校文件仍用原来的密码，数据未受影响。请关闭其他打开这个学校文件的桃李窗口后重试。"
    )]
    RekeyFailed { path: PathBuf, detail: String },

    #[error(
        "备份 {0} 是在系统管理员更改密码之前做的（或来自另一份加密的学校文件），用现在的密码打不开。请输入做这个备份时系统管理员的密码来恢复它；学校文件未作任何改动。"
    )]
    BackupKeyMismatch(PathBuf),

    #[error(
        "这台电脑的密钥环（Windows 凭据管理器、macOS 钥匙串或 Linux 的密钥环）现在不能使用：{detail}。桃李会改用系统管理员密码：打开加密的学校文件时，请输入系统管理员的密码（这台电脑暂时记不住学校文件的密钥）。"
    )]
    KeychainUnavailable { detail: String },

    #[error(
        "密码不正确，无法解开学校文件的密钥。请核对系统管理员的密码后重试：注意大小写，并确认没有开着中文输入法或大写锁定。"
    )]
    WrongPassword,

    #[error(
        "学校文件中由密码保护的密钥副本已损坏（{detail}），无法用密码解开。请从备份恢复学校文件，或联系县级教师信息管理员。"
    )]
    WrappedKeyDamaged { detail: String },

    #[error(
        "学校文件中的密钥副本由更新版本的桃李写入（格式版本 {version}，本程序只认得版本 {supported}）。请先升级桃李再打开这个文件。"
    )]
    WrappedKeyUnsupported { version: u64, supported: u32 },

    #[error("密码不能为空。请设置一个至少 {min} 个字符的密码。")]
    EmptyPassword { min: usize },

    #[error(
        "密码太短：只有 {len} 个字符，至少要 {min} 个。请换一个更长的密码，例如一句好记的话加上数字。"
    )]
    WeakPassword { len: usize, min: usize },

    #[error(
        "保存的账户密码记录已损坏（{detail}），无法核对密码。请由系统管理员为这个账户重新设置密码。"
    )]
    PasswordHashInvalid { detail: String },

    #[error("密钥处理失败：{0}")]
    SecretsFailed(String),

    #[error("没有“{0}”这个角色。角色有：系统管理员、信息管理员、信息查询员。")]
    UnknownRole(String),

    #[error("{role}不能{action}。请用{roles}的账号登录后再做。")]
    NotPermitted {
        role: String,
        action: String,
        roles: String,
    },

    #[error("请先登录：输入账号和密码后再操作。")]
    NotSignedIn,

    /// A call that needs an open school file while none is (the app's
    /// workspace, `crate::workspace`).
    #[error("还没有打开学校文件。请先在开始页打开或新建一个学校文件。")]
    NoSchoolOpen,

    #[error("已有 10 分钟没有操作，桃李已锁定。请重新输入密码解锁。")]
    SessionLocked,

    #[error("账号名不能为空。请填写使用者的真实姓名或工号。")]
    EmptyUserName,

    #[error("账号名“{name}”不能用：最多 {max} 个字，且不能含空格或控制字符。")]
    InvalidUserName { name: String, max: usize },

    #[error("账号“{0}”已经有了。请换一个名字，或为这个账号重设密码。")]
    UserExists(String),

    #[error(
        "没有名为“{0}”的账号。请核对账号名；账号列表可以在「账号管理」或 taoli user list 中查看。"
    )]
    UserNotFound(String),

    #[error(
        "账号或密码不对。请核对后重试：注意大小写，并确认没有开着中文输入法或大写锁定。连续错 {limit} 次将锁定 {minutes} 分钟（还可以试 {left} 次）。"
    )]
    SignInFailed { left: u32, limit: u32, minutes: u32 },

    #[error(
        "账号“{name}”连续输错密码 {limit} 次，已锁定。请 {minutes} 分钟后再试，或请系统管理员重设密码。"
    )]
    AccountLocked {
        name: String,
        limit: u32,
        minutes: i64,
    },

    #[error("账号“{0}”已停用。如需继续使用，请系统管理员重新启用。")]
    AccountDisabled(String),

    #[error(
        "这个学校文件还没有账号。请先创建系统管理员账号（taoli user add 学校文件 姓名 --role 系统管理员，或在桃李中打开文件时按提示创建）。"
    )]
    NoUsersYet,

    #[error("这个学校文件已经有账号了。请由系统管理员登录后添加新账号。")]
    UsersExist,

    #[error("第一个账号必须是系统管理员：由系统管理员再添加信息管理员和信息查询员。")]
    FirstUserMustBeAdmin,

    #[error("现在的密码不对，密码没有修改。请输入现在使用的密码。")]
    WrongCurrentPassword,

    #[error("“{0}”是唯一在用的系统管理员，不能停用或改为其他角色。请先添加另一位系统管理员。")]
    LastAdmin(String),

    #[error(
        "本校还没有登记上报：这个学校文件还不能向上级系统报送。请向县教育局申请报送码，再登记（桃李：报送 → 登记上报；命令行：taoli enroll 学校文件 --upstream 上级系统地址 --code 报送码）。"
    )]
    NotEnrolled,

    #[error(
        "上级系统地址「{0}」不对：应以 http:// 或 https:// 开头，例如 https://jsgl.example.gov.cn。请向县教育局核对上级系统的地址。"
    )]
    InvalidUpstreamUrl(String),

    #[error(
        "连不上上级系统（{upstream}）：{detail}。要上报的数据已保存在学校文件中，不会丢失；请检查网络后再同步（桃李：报送 → 立即同步，或等它自动同步；命令行：taoli sync 学校文件），桃李会从中断处接着上传，不会重复上报。"
    )]
    UpstreamUnreachable { upstream: String, detail: String },

    #[error(
        "这台电脑上找不到本校登记时生成的签名密钥（{detail}）：可能换了电脑，或密钥环被清空。请向县教育局申请新的报送码，重新登记（报送 → 登记上报；命令行：taoli enroll）后再上报；已经上报的数据不受影响。"
    )]
    SigningKeyMissing { detail: String },

    #[error(
        "这台电脑没有可用的密钥环，本校的签名密钥加密保存在学校文件中，要用系统管理员的密码才能使用。请提供系统管理员的密码（桃李：报送页会请您输入；命令行：环境变量 TAOLI_ADMIN_PASSWORD）后重试。"
    )]
    AdminPasswordNeeded,

    #[error(
        "这个密码解不开学校文件中保存的签名密钥：签名密钥是用登记上报时系统管理员的密码加密的（系统管理员自己改密码时会一并更新；被别人重设密码时不会）。请输入那时系统管理员的密码；如果不记得了，请向县教育局申请新的报送码，重新登记（报送 → 登记上报；命令行：taoli enroll）。"
    )]
    SigningKeyPasswordWrong,

    #[error(
        "系统管理员的密码不对，签名密钥没有保存，也没有登记。请核对系统管理员的密码后重试：注意大小写，并确认没有开着中文输入法或大写锁定。"
    )]
    WrongAdminPassword,

    #[error(
        "第 {sequence} 批（{batch_id}）还没有上传完成，不能再生成新的批次。请先同步（桃李：报送 → 立即同步；命令行：taoli sync 学校文件）把它传完；新的改动会在下一批上报。"
    )]
    BatchInFlight { sequence: i64, batch_id: String },

    #[error(
        "批次文件 {path} 无法读取：{detail}。请确认它是桃李导出的 .taolibatch 文件，且没有损坏；必要时请在学校的电脑上重新导出（报送 → 导出批次文件；命令行：taoli batch export）。"
    )]
    BatchFileUnreadable { path: PathBuf, detail: String },

    #[error(
        "回执文件 {path} 无法读取：{detail}。请确认它是上传批次时得到的回执文件（taoli batch upload 的 -o 文件），且没有损坏。"
    )]
    ReceiptFileUnreadable { path: PathBuf, detail: String },

    #[error(
        "回执对应的批次（{batch_id}）不在这个学校文件中。请确认导入的是本校、由这个学校文件导出的批次的回执。"
    )]
    ReceiptOfAnotherBatch { batch_id: String },

    #[error(
        "第 {sequence} 批（{batch_id}）还没有回执：上级系统收到整批数据后才会给回执。请先同步，等它显示「已接收」后再导出回执。"
    )]
    NoReceiptYet { sequence: i64, batch_id: String },

    #[error("找不到批次 {0}：这个学校文件里没有这一批。请刷新报送页后重试。")]
    BatchNotFound(String),

    #[error(
        "桃李无法启动自动同步（{0}）。报送不受影响：可以用「立即上传」「立即同步」手动上报；关闭桃李再打开会重新启动自动同步。"
    )]
    SyncWorkerFailed(String),

    #[error(
        "上级系统记录的本校第 {sequence} 批，没有接在这个学校文件最后收到的批次之后：学校文件与上级系统的记录对不上，桃李无法自动接上。请不要再恢复别的备份，联系县级教师信息管理员核对本校已报送的批次。"
    )]
    UpstreamHistoryMismatch { sequence: u64 },

    #[error(
        "变更理由不能为空，最多 {max} 个字。请写明为什么要更改已经生效的信息，例如「姓名登记有误，以户口簿为准」。"
    )]
    InvalidChangeReason { max: usize },
    /// The upstream (or the client checking its answer) refused: the
    /// refusal's own Chinese message (`docs/protocol.md`).
    #[error("{0}")]
    Refused(#[from] crate::protocol::Refusal),

    /// Making or reading a signing key failed (the protocol crate's own
    /// error, `internal.secrets` as before it had one).
    #[error("{0}")]
    Protocol(#[from] crate::protocol::Error),

    #[error("{}", crate::store::LockHolder::refusal(holder.as_deref()))]
    SchoolFileInUse {
        path: PathBuf,
        holder: Option<Box<crate::store::LockHolder>>,
    },

    #[error(
        "这个学校文件在网络共享文件夹上，桃李只用一个连接打开它，所以自动同步和「报送」页的上传在这里不能用。请先「复制到本机」再报送（命令行：taoli copy-to-this-computer）。"
    )]
    NetworkShareOneConnection,

    #[error(
        "磁盘空间不足：{} 所在的磁盘还需要约 {needed_mb} MB。请删除不用的文件或把学校文件复制到空间更大的磁盘后重试。学校文件没有改动。",
        folder.display()
    )]
    DiskFull { folder: PathBuf, needed_mb: u64 },

    #[error("读写文件 {path} 失败：{source}。请检查磁盘空间和文件权限。")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("数据库操作失败：{0}")]
    Database(#[from] rusqlite::Error),

    #[error("数据格式错误：{0}")]
    Json(#[from] serde_json::Error),

    #[error("内置目录数据有误（{file}）：{detail}")]
    Catalog { file: &'static str, detail: String },

    /// A panic caught at the boundary (`panic_report`): the operation was
    /// not done and the school file is as it was before it.
    #[error(
        "内部错误（编号 {code}）：桃李遇到了一个不该发生的问题，刚才的操作没有完成，学校文件保持操作前的样子，可以继续使用。详细情况已记录在「{file}」：请把这个文件和编号发给为学校安装桃李的县（区）信息技术负责人。"
    )]
    Panicked { code: String, file: String },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Io { .. }
            | Error::Database(_)
            | Error::Json(_)
            | Error::Catalog { .. }
            | Error::ExportFailed(_)
            | Error::StatsFailed(_)
            | Error::SheetsFailed(_)
            | Error::SecretsFailed(_)
            | Error::Protocol(_)
            | Error::SyncWorkerFailed(_)
            | Error::Panicked { .. } => ErrorKind::Internal,
            Error::Refused(refusal)
                if matches!(
                    refusal.code,
                    crate::protocol::RefusalCode::ServerError
                        | crate::protocol::RefusalCode::MalformedResponse
                        | crate::protocol::RefusalCode::Unknown
                ) =>
            {
                ErrorKind::Internal
            }
            _ => ErrorKind::User,
        }
    }

    /// A stable, machine-readable name for the failure (for the UI and scripts).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidSchoolCode(_) => "school.code_invalid",
            Error::InvalidAuditDate(_) => "audit.date_invalid",
            Error::EmptySchoolName => "school.name_empty",
            Error::SchoolNameTooLong { .. } => "school.name_too_long",
            Error::UnknownSchoolType(_) => "school.type_unknown",
            Error::SchoolTypeOutOfScope { .. } => "school.type_out_of_scope",
            Error::InvalidRegionCode(_) => "school.region_invalid",
            Error::UnknownIndicatorSet { .. } => "catalog.set_unknown",
            Error::UnknownCodeTable(_) => "catalog.code_table_unknown",
            Error::ProvincePack { .. } => "catalog.province_pack_refused",
            Error::EmptyTeacherName => "teacher.name_empty",
            Error::TeacherNameTooLong { .. } => "teacher.name_too_long",
            Error::InvalidTeacherName { .. } => "teacher.name_invalid",
            Error::UnknownIdType(..) => "teacher.id_type_unknown",
            Error::InvalidIdNumber { .. } => "teacher.id_number_invalid",
            Error::DuplicateTeacher { .. } => "teacher.duplicate",
            Error::TeacherNotFound(_) => "teacher.not_found",
            Error::RecordNotFound(_) => "record.not_found",
            Error::EmptyWarningReason => "warning.reason_empty",
            Error::NoSuchWarning { .. } => "warning.not_found",
            Error::ErrorNeedsFixing(_) => "warning.is_error",
            Error::BadAssignment(_) => "entry.bad_assignment",
            Error::UnknownField { .. } => "entry.unknown_field",
            Error::UnknownGroup { .. } => "entry.unknown_group",
            Error::InvalidValue { .. } => "entry.invalid_value",
            Error::DerivedField(_) => "entry.derived_field",
            Error::IdentityField(_) => "entry.identity_field",
            Error::MultiRecordGroup(_) => "entry.multi_record_group",
            Error::SingleRecordGroup(_) => "entry.single_record_group",
            Error::StaleRecord { .. } => "record.stale",
            Error::RosterUnreadable { .. } => "import.unreadable",
            Error::EmptyRoster(_) => "import.empty_file",
            Error::RosterIsWebPage(_) => "import.web_page",
            Error::NotASpreadsheet(_) => "import.not_spreadsheet",
            Error::RosterPasswordProtected(_) => "import.password_protected",
            Error::MixedEncoding { .. } => "import.mixed_encoding",
            Error::UnterminatedQuote { .. } => "import.unterminated_quote",
            Error::RosterTooLarge { .. } => "import.too_large",
            Error::CorruptRoster { .. } => "import.corrupt",
            Error::UnknownSheet { .. } => "import.sheet_unknown",
            Error::TooManyRows { .. } => "import.too_many_rows",
            Error::NoHeaderRow { .. } => "import.no_header",
            Error::NoIdentityColumn { .. } => "import.no_identity_column",
            Error::BadColumnMapping(_) => "import.bad_mapping",
            Error::UnknownColumn(_) => "import.column_unknown",
            Error::UnknownMappingTarget { .. } => "import.target_unknown",
            Error::ImportNotFound(_) => "import.not_found",
            Error::NothingToUndo => "import.nothing_to_undo",
            Error::PendingValueNotFound(_) => "pending.not_found",
            Error::ImportAlreadyUndone { .. } => "import.already_undone",
            Error::UndoBlocked { .. } => "import.undo_blocked",
            Error::StalePreview { .. } => "import.stale_preview",
            Error::ExportGroupRequired { .. } => "export.group_required",
            Error::ExportGroupNotUsed { .. } => "export.group_not_used",
            Error::ExportStyleNotUsed { .. } => "export.style_not_used",
            Error::ExportUnwritable { .. } => "export.unwritable",
            Error::StatsUnwritable { .. } => "stats.unwritable",
            Error::NoChineseFont => "sheets.no_font",
            Error::UnusableFont { .. } => "sheets.font_unusable",
            Error::SheetTemplate { .. } => "sheets.template_invalid",
            Error::NoSheetsToPrint => "sheets.nothing_to_print",
            Error::SheetsUnwritable { .. } => "sheets.unwritable",
            Error::InvalidFingerprint(_) => "signoff.fingerprint_invalid",
            Error::FingerprintNotPrinted { .. } => "signoff.not_printed",
            Error::FileExists(_) => "file.exists",
            Error::BackupFailed { .. } => "backup.failed",
            Error::BackupUnusable { .. } => "backup.unusable",
            Error::BackupOfAnotherSchool { .. } => "backup.other_school",
            Error::FileNotFound(_) => "file.not_found",
            Error::NotASchoolFile(_) => "file.not_school_file",
            Error::NewerSchoolFile { .. } => "file.newer_version",
            Error::CorruptSchoolFile { .. } => "file.corrupt",
            Error::FileKeyNeeded(_) => "file.key_needed",
            Error::WrongFilePassword(_) => "file.wrong_password",
            Error::AlreadyEncrypted(_) => "file.already_encrypted",
            Error::RecoveryCodeMalformed { .. } => "recovery.code_malformed",
            Error::WrongRecoveryCode(_) => "recovery.wrong_code",
            Error::RecoverySidecarMissing { .. } => "recovery.sidecar_missing",
            Error::RecoverySidecarDamaged { .. } => "recovery.sidecar_damaged",
            Error::RecoverySidecarOfAnotherFile { .. } => "recovery.sidecar_of_another_file",
            Error::RecoveryKeysDoNotOpen { .. } => "recovery.keys_do_not_open",
            Error::RecoveryAccountNeeded { .. } => "recovery.account_needed",
            Error::RecoveryAccountUnknown { .. } => "recovery.account_unknown",
            Error::RecoveryNoAdmin(_) => "recovery.no_admin",
            Error::RecoveryNotNeeded(_) => "recovery.not_needed",
            Error::NotEncrypted(_) => "file.not_encrypted",
            Error::EncryptFailed { .. } => "file.encrypt_failed",
            Error::RekeyFailed { .. } => "file.rekey_failed",
            Error::BackupKeyMismatch(_) => "backup.key_mismatch",
            Error::KeychainUnavailable { .. } => "secrets.keychain_unavailable",
            Error::WrongPassword => "secrets.wrong_password",
            Error::WrappedKeyDamaged { .. } => "secrets.wrapped_key_damaged",
            Error::WrappedKeyUnsupported { .. } => "secrets.wrapped_key_unsupported",
            Error::EmptyPassword { .. } => "secrets.password_empty",
            Error::WeakPassword { .. } => "secrets.password_weak",
            Error::PasswordHashInvalid { .. } => "secrets.password_hash_invalid",
            Error::UnknownRole(_) => "account.role_unknown",
            Error::NotPermitted { .. } => "account.not_permitted",
            Error::NotSignedIn => "account.not_signed_in",
            Error::NoSchoolOpen => "app.no_school_open",
            Error::SessionLocked => "account.session_locked",
            Error::EmptyUserName => "account.name_empty",
            Error::InvalidUserName { .. } => "account.name_invalid",
            Error::UserExists(_) => "account.exists",
            Error::UserNotFound(_) => "account.not_found",
            Error::SignInFailed { .. } => "account.sign_in_failed",
            Error::AccountLocked { .. } => "account.locked",
            Error::AccountDisabled(_) => "account.disabled",
            Error::NoUsersYet => "account.none_yet",
            Error::UsersExist => "account.users_exist",
            Error::FirstUserMustBeAdmin => "account.first_must_be_admin",
            Error::LastAdmin(_) => "account.last_admin",
            Error::NotEnrolled => "batches.not_enrolled",
            Error::InvalidUpstreamUrl(_) => "batches.upstream_url_invalid",
            Error::UpstreamUnreachable { .. } => "batches.upstream_unreachable",
            Error::SigningKeyMissing { .. } => "batches.signing_key_missing",
            Error::AdminPasswordNeeded => "batches.admin_password_needed",
            Error::WrongAdminPassword => "batches.admin_password_wrong",
            Error::SigningKeyPasswordWrong => "batches.signing_key_password_wrong",
            Error::BatchInFlight { .. } => "batches.in_flight",
            Error::BatchFileUnreadable { .. } => "batches.file_unreadable",
            Error::ReceiptFileUnreadable { .. } => "batches.receipt_file_unreadable",
            Error::ReceiptOfAnotherBatch { .. } => "batches.receipt_of_another_batch",
            Error::InvalidChangeReason { .. } => "batches.change_reason_invalid",
            Error::NoReceiptYet { .. } => "batches.no_receipt_yet",
            Error::BatchNotFound(_) => "batches.batch_not_found",
            Error::SyncWorkerFailed(_) => "batches.sync_worker_failed",
            Error::Panicked { .. } => "internal.panic",
            Error::UpstreamHistoryMismatch { .. } => "batches.upstream_history_mismatch",
            Error::WrongCurrentPassword => "account.wrong_current_password",
            Error::SchoolFileInUse { .. } => "file.in_use",
            Error::NetworkShareOneConnection => "file.network_share_one_connection",
            Error::DiskFull { .. } => "disk.full",
            Error::Refused(refusal) => refusal.code.error_code(),
            Error::Io { .. } => "internal.io",
            Error::Database(_) => "internal.database",
            Error::Json(_) => "internal.json",
            Error::Catalog { .. } => "internal.catalog",
            Error::ExportFailed(_) => "internal.export",
            Error::StatsFailed(_) => "internal.stats",
            Error::SheetsFailed(_) => "internal.sheets",
            Error::SecretsFailed(_) | Error::Protocol(_) => "internal.secrets",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    /// A full disk (or quota) under `folder`, where about `wanted` bytes
    /// were to be written: the message says how much more room is needed.
    pub fn disk_full(folder: &std::path::Path, wanted: u64) -> Error {
        const MIB: u64 = 1024 * 1024;
        let free = crate::fsio::available_bytes(folder).unwrap_or(0);
        let short = wanted.saturating_sub(free).max(1);
        Error::DiskFull {
            folder: folder.to_owned(),
            needed_mb: short.div_ceil(MIB),
        }
    }

    /// Whether this failure is a full disk: SQLite's SQLITE_FULL, or an I/O
    /// error with ErrorKind::StorageFull (ENOSPC, os error 28).
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::DiskFull { .. } => true,
            Error::Database(e) => is_sqlite_full(e),
            Error::Io { source, .. } => crate::fsio::is_storage_full(source),
            _ => false,
        }
    }

    /// This failure, or [`Error::DiskFull`] when it is a full disk under
    /// `folder` where about `wanted` bytes were to be written.
    pub fn or_disk_full(self, folder: &std::path::Path, wanted: u64) -> Error {
        match self {
            Error::DiskFull { .. } => self,
            other if other.is_disk_full() => Error::disk_full(folder, wanted),
            other => other,
        }
    }
}

/// Whether SQLite failed for a full disk.
pub(crate) fn is_sqlite_full(error: &rusqlite::Error) -> bool {
    error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
}

/// An error as the UI receives it: what went wrong, in words and as a code.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub code: String,
    pub kind: ErrorKind,
    pub message: String,
}

impl From<&Error> for ErrorPayload {
    fn from(error: &Error) -> Self {
        ErrorPayload {
            code: error.code().to_owned(),
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

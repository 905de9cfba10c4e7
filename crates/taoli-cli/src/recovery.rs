//! The recovery code commands (`taoli recovery …`, docs/encryption.md): its
//! status, a new code, its sheet, and recovering a file with it. Runs the
//! core's calls and prints what they give.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use taoli_core::SchoolFile;
use taoli_core::error::{RecoveryError, Worded};
use taoli_core::recovery::RecoveryCode;
use taoli_core::secrets::{KeychainSecretStore, MemorySecretStore, SecretStore};
use taoli_core::store::{RecoveryCodeShown, RecoveryStatus};

use crate::error::{CliError, Result};
use crate::lang::Lang;
use crate::login::{Login, keep_key};
use crate::output;

/// The recovery code, for `sheet` and `recover`, when it is not typed.
pub const CODE_VARIABLE: &str = "TAOLI_RECOVERY_CODE";

#[derive(Debug, Subcommand)]
pub enum RecoveryCommand {
    /// 查看恢复码的状态：有没有、何时由谁生成、恢复文件在哪里（系统管理员）
    ShowStatus(StatusArgs),
    /// 生成新的恢复码并显示一次（系统管理员）；旧的恢复码从此打不开学校文件
    New(NewArgs),
    /// 重新打印恢复码保管单（PDF）：恢复码取自环境变量 TAOLI_RECOVERY_CODE，没有时在终端输入，先核对它是这个学校文件的（系统管理员）
    Sheet(SheetArgs),
    /// 忘记系统管理员密码时，用恢复码打开学校文件并设置新密码（恢复码取自 TAOLI_RECOVERY_CODE 或在终端输入；新密码取自 TAOLI_NEW_PASSWORD 或输入两次）
    Recover(RecoverArgs),
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 同时把恢复码保管单写到这个 PDF 文件
    #[arg(long, value_name = "PDF")]
    sheet: Option<PathBuf>,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SheetArgs {
    /// 学校文件
    school_file: PathBuf,
    /// 保管单 PDF 的路径（默认：学校名称-恢复码保管单.pdf）
    #[arg(long, short, value_name = "PDF")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// 学校文件（或它的一个备份）
    school_file: PathBuf,
    /// 恢复文件（默认在学校文件旁或备份文件夹中找）
    #[arg(long, value_name = "恢复文件")]
    sidecar: Option<PathBuf>,
    /// 要重设密码的系统管理员（只有一个时可以不写）
    #[arg(long, value_name = "账号")]
    account: Option<String>,
}

pub fn run(command: RecoveryCommand, login: &Login, lang: Lang) -> Result<()> {
    match command {
        RecoveryCommand::ShowStatus(args) => {
            let mut file = login.open(&args.school_file)?;
            let status = file.recovery_codes().status()?;
            file.close()?;
            if args.json {
                output::json(&status)?;
            } else {
                print_status(&status, lang);
            }
        }
        RecoveryCommand::New(args) => {
            let mut file = login.open(&args.school_file)?;
            let shown = new_code(&mut file, args.sheet.as_deref())?;
            file.close()?;
            if args.json {
                output::json(&shown)?;
            } else {
                print_code(&shown, args.sheet.as_deref(), lang);
            }
        }
        RecoveryCommand::Sheet(args) => {
            let mut file = login.open(&args.school_file)?;
            let code = RecoveryCode::parse(&typed_code(lang)?)?;
            if !file.recovery_codes().is_current(&code)? {
                return Err(
                    taoli_core::Error::Recovery(RecoveryError::WrongRecoveryCode(args.school_file))
                        .into(),
                );
            }
            let path = match args.output {
                Some(path) => path,
                None => taoli_core::export::unused_path(&PathBuf::from(
                    taoli_core::recovery::sheet_file_name(&file.school()?.name),
                )),
            };
            file.recovery_sheet().write(&code, &path)?;
            file.close()?;
            match lang {
                Lang::Zh => println!("已写出恢复码保管单 {}", path.display()),
                Lang::En => println!("Wrote the recovery code sheet {}", path.display()),
            }
        }
        RecoveryCommand::Recover(args) => {
            let code = typed_code(lang)?;
            // The code is checked (and the account chosen) before a new
            // password is asked for.
            let admins =
                SchoolFile::recovery_accounts(&args.school_file, &code, args.sidecar.as_deref())?;
            let account = match (args.account, admins.as_slice()) {
                (Some(account), _) => account,
                (None, [only]) => only.clone(),
                (None, _) => {
                    return Err(taoli_core::Error::Recovery(
                        RecoveryError::RecoveryAccountNeeded {
                            names: Worded::list(|_| admins.iter().cloned()),
                        },
                    )
                    .into());
                }
            };
            let password = login.new_password(&account)?;
            let keychain = KeychainSecretStore::new().ok();
            let memory = MemorySecretStore::new();
            let store: &dyn SecretStore = match &keychain {
                Some(keychain) => keychain,
                None => &memory,
            };
            let file = SchoolFile::recover_with_code(
                &args.school_file,
                &code,
                args.sidecar.as_deref(),
                Some(&account),
                &password,
                store,
            )?;
            keep_key(&file);
            file.close()?;
            match lang {
                Lang::Zh => println!(
                    "已用恢复码为系统管理员 {account} 设置新密码，学校文件已改用新密码加密。恢复码仍然有效；如果它可能被别人看到过，请运行 taoli recovery new 更换。"
                ),
                Lang::En => println!(
                    "Set a new password for system administrator {account} with the recovery code; the school file is now encrypted under it. The recovery code still works; if it may have been seen, run taoli recovery new."
                ),
            }
        }
    }
    Ok(())
}

/// Makes a new code the file's, with its sheet when `sheet` names a PDF.
pub fn new_code(file: &mut SchoolFile, sheet: Option<&Path>) -> Result<RecoveryCodeShown> {
    let (code, shown) = file.recovery_codes().new_code()?;
    if let Some(sheet) = sheet {
        // The sheet first: a code whose sheet could not be written is not kept.
        file.recovery_sheet().write(&code, sheet)?;
    }
    file.recovery_codes().set(&code)?;
    Ok(shown)
}

/// Prints a new code, once, with what to do with it.
pub fn print_code(shown: &RecoveryCodeShown, sheet: Option<&Path>, lang: Lang) {
    match lang {
        Lang::Zh => {
            println!("恢复码（只显示这一次，请抄写或打印后放进学校保险柜）：");
            println!();
            println!("    {}", shown.groups.join("  "));
            println!();
            println!(
                "忘记系统管理员密码、又没有这台电脑的密钥环时，用它打开学校文件（taoli recovery recover）。恢复文件「{}」要和学校文件、备份放在一起。",
                shown.sidecar_name
            );
            match sheet {
                Some(sheet) => println!("恢复码保管单：{}", sheet.display()),
                None => println!("打印保管单：taoli recovery sheet 学校文件"),
            }
        }
        Lang::En => {
            println!(
                "Recovery code (shown this once; write it down or print it and keep it in the school safe):"
            );
            println!();
            println!("    {}", shown.groups.join("  "));
            println!();
            println!(
                "It opens the school file when the system administrator password and this computer's keychain are lost (taoli recovery recover). Keep the recovery file \"{}\" with the school file and its backups.",
                shown.sidecar_name
            );
            match sheet {
                Some(sheet) => println!("Recovery code sheet: {}", sheet.display()),
                None => println!("Print the sheet: taoli recovery sheet SCHOOL_FILE"),
            }
        }
    }
}

fn print_status(status: &RecoveryStatus, lang: Lang) {
    let zh = lang == Lang::Zh;
    match (&status.code_id, status.encrypted) {
        (_, false) => println!(
            "{}",
            lang.pick(
                "学校文件没有加密，不需要恢复码。",
                "The school file is not encrypted; it needs no recovery code."
            )
        ),
        (None, true) => println!(
            "{}",
            lang.pick(
                "这个学校文件还没有恢复码。请运行 taoli recovery new 生成一个，并打印保管单。",
                "This school file has no recovery code yet. Run taoli recovery new and print its sheet."
            )
        ),
        (Some(id), true) => {
            let by = status.created_by.as_deref().unwrap_or("-");
            let at = status.created_at.as_deref().unwrap_or("-");
            if zh {
                println!("恢复码编号 {id}，由 {by} 于 {at} 生成");
                println!(
                    "恢复文件：{}（含 {} 个密钥：现在的和系统管理员改密码前的）",
                    status.sidecar_path, status.keys
                );
                if status.repaired {
                    println!("恢复文件缺失或不是最新的，已重新写出。");
                }
            } else {
                println!("Recovery code {id}, made by {by} at {at}");
                println!(
                    "Recovery file: {} ({} keys: the current one and those from before password changes)",
                    status.sidecar_path, status.keys
                );
                if status.repaired {
                    println!("The recovery file was missing or out of date and was written again.");
                }
            }
        }
    }
}

/// The recovery code: from `TAOLI_RECOVERY_CODE`, or one line typed at the terminal.
fn typed_code(lang: Lang) -> Result<String> {
    if let Ok(code) = std::env::var(CODE_VARIABLE) {
        return Ok(code);
    }
    eprint!(
        "{}",
        lang.pick(
            "恢复码（照保管单输入，空格和横线不要紧）：",
            "Recovery code (as on the sheet; spaces and dashes do not matter): "
        )
    );
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::NoPassword {
            what: "恢复码",
            variable: CODE_VARIABLE,
            detail: e.to_string(),
        })?;
    if line.trim().is_empty() {
        return Err(CliError::NoPassword {
            what: "恢复码",
            variable: CODE_VARIABLE,
            detail: "没有输入".to_owned(),
        });
    }
    Ok(line)
}

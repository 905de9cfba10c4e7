//! The school file as a whole: `init`, the backups (`backup`, `backup-list`, `restore`, `copy-to-this-computer`) and the province pack.

use super::*;
use taoli_core::error::BackupError;

/// `taoli init`: the school file with its first 系统管理员 and its recovery code.
pub(super) fn init(args: InitArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
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
    let mut file = SchoolFile::create_with_recovery_code(
        &args.school_file,
        &school,
        &Credentials::new(&args.admin, password),
        &code,
    )?;
    output::school_created(&file.school()?, &args.school_file, lang);
    // Shown before the sheet is written: a sheet that cannot be
    // written (no Chinese font) must not hide the code.
    let shown = file.recovery_codes().shown(&code);
    crate::recovery::print_code(&shown, args.recovery_sheet.as_deref(), lang);
    if let Some(sheet) = &args.recovery_sheet {
        file.recovery_sheet().write(&code, sheet)?;
    }
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

/// `taoli backup`.
pub(super) fn backup(args: BackupArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let backup = match &args.to {
        Some(folder) => file.backups().to_folder(folder)?,
        None => file.backups().now(BackupReason::Manual)?,
    };
    file.close()?;
    if args.json {
        output::json(&backup)?;
    } else {
        output::backed_up(&backup, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli backup-list`.
pub(super) fn backup_list(args: BackupListArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let backups = file.backups().list()?;
    let folder = file.backups().folder();
    file.close()?;
    if args.json {
        output::json(&backups)?;
    } else {
        output::backup_list(&backups, &folder, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli copy-to-this-computer`.
pub(super) fn copy_to_this_computer(
    args: CopyToThisComputerArgs,
    login: &Login,
    lang: Lang,
) -> Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}

/// `taoli restore`.
pub(super) fn restore(args: RestoreArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let mut file = login.open(&args.school_file)?;
    let safety = match file.backups().restore(&args.backup) {
        // A backup made before the 系统管理员 password was changed
        // opens with the password of that time.
        Err(taoli_core::Error::Backup(BackupError::BackupKeyMismatch(_))) => {
            let old = login.backup_password()?;
            file.backups().restore_with_password(&args.backup, &old)?
        }
        other => other?,
    };
    file.close()?;
    output::restored(&args.backup, &safety, lang);
    Ok(ExitCode::SUCCESS)
}

/// `taoli province use|show|clear`.
pub(super) fn province(command: ProvinceCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        ProvinceCommand::Use { school_file, pack } => {
            let pack = ProvincePack::load(&pack)?;
            let mut file = login.open(&school_file)?;
            let info = file.province().use_pack(&pack)?;
            output::pack_in_use(Some(&info), lang);
            file.close()?;
        }
        ProvinceCommand::Show { school_file } => {
            let file = login.open(&school_file)?;
            output::pack_in_use(file.province_pack()?.map(|p| p.info).as_ref(), lang);
            file.close()?;
        }
        ProvinceCommand::Clear { school_file } => {
            let mut file = login.open(&school_file)?;
            file.province().clear()?;
            output::pack_in_use(None, lang);
            file.close()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

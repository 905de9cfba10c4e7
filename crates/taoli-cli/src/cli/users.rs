//! The account commands (`taoli user …`).

use super::*;
use taoli_core::error::AccountError;

/// The account commands. `user add` on a file without accounts creates its
/// first 系统管理员 without signing in (a file from before accounts existed).
pub(super) fn user(command: UserCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        UserCommand::Add(args) => return add(args, login, lang),
        UserCommand::List(args) => {
            let mut file = login.open(&args.school_file)?;
            let users = file.accounts().list()?;
            file.close()?;
            if args.json {
                output::json(&users)?;
            } else {
                output::users(&users, lang);
            }
        }
        UserCommand::Disable(args) => {
            let mut file = login.open(&args.school_file)?;
            let user = file.accounts().set_disabled(&args.name, true)?;
            output::user_changed(&user, lang);
            file.close()?;
        }
        UserCommand::Enable(args) => {
            let mut file = login.open(&args.school_file)?;
            let user = file.accounts().set_disabled(&args.name, false)?;
            output::user_changed(&user, lang);
            file.close()?;
        }
        UserCommand::Role(args) => {
            let role = Role::parse(&args.role)?;
            let mut file = login.open(&args.school_file)?;
            let user = file.accounts().set_role(&args.name, role)?;
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
    Ok(ExitCode::SUCCESS)
}

/// `taoli user add`: signed in as a 系统管理员, or, on a file without
/// accounts, its first 系统管理员.
fn add(args: UserAddArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
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
        file.accounts().add(&NewUser {
            name: args.name,
            role,
            password,
        })?
    } else {
        if role != Role::SystemAdmin {
            return Err(taoli_core::Error::Account(AccountError::FirstUserMustBeAdmin).into());
        }
        let password = login.new_password(&args.name)?;
        file.create_first_admin(&Credentials::new(&args.name, password))?;
        file.accounts().list()?.remove(0)
    };
    keep_key(&file);
    output::user_added(&user, lang);
    file.close()?;
    Ok(ExitCode::SUCCESS)
}

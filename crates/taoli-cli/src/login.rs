//! Signing in from a command line: the account from `--user` (or
//! `TAOLI_USER`), its password from `TAOLI_PASSWORD` or typed at a prompt
//! that does not echo it. New passwords come from `TAOLI_NEW_PASSWORD` or are
//! typed twice.

use std::path::Path;

use taoli_core::error::{AccountError, FileError};
use taoli_core::workspace::Workspace;
use taoli_core::{Credentials, Error, SchoolFile};

use crate::error::{CliError, Result};
use crate::lang::Lang;

pub const PASSWORD_VARIABLE: &str = "TAOLI_PASSWORD";
pub const NEW_PASSWORD_VARIABLE: &str = "TAOLI_NEW_PASSWORD";
/// The 系统管理员 password, to open an encrypted school file on a computer
/// whose keychain does not have its key yet, when signing in as someone else.
pub const ADMIN_PASSWORD_VARIABLE: &str = "TAOLI_ADMIN_PASSWORD";
/// The 系统管理员 password a backup was made under, when it has changed since.
pub const BACKUP_PASSWORD_VARIABLE: &str = "TAOLI_BACKUP_PASSWORD";

/// Who the command line signs in as.
#[derive(Debug, Clone)]
pub struct Login {
    pub user: Option<String>,
    pub lang: Lang,
}

impl Login {
    /// Opens a school file and signs in.
    pub fn open(&self, path: &Path) -> Result<SchoolFile> {
        self.open_as(path, &self.credentials()?)
    }

    /// Opens a school file and signs in with `credentials`; the key is kept
    /// (signing in as the 系统管理员 may have encrypted an older file).
    pub fn open_as(&self, path: &Path, credentials: &Credentials) -> Result<SchoolFile> {
        let mut workspace = Workspace::on_this_computer();
        let file = self.open_in(&workspace, path, Some(&credentials.password))?;
        if !file.has_users()? {
            return Err(Error::Account(AccountError::NoUsersYet).into());
        }
        workspace.adopt(file)?;
        workspace.sign_in(credentials)?;
        workspace
            .into_file()
            .ok_or(Error::File(FileError::NoSchoolOpen).into())
    }

    /// Opens a school file, not signed in. An encrypted file's key comes
    /// from this computer's keychain; else from the 系统管理员 password in
    /// `TAOLI_ADMIN_PASSWORD`, or the password of the account signing in
    /// (which is it, when that account is the 系统管理员). Found that way, the
    /// key is kept in the keychain for next time.
    pub fn open_file(&self, path: &Path, password: Option<&str>) -> Result<SchoolFile> {
        self.open_in(&Workspace::on_this_computer(), path, password)
    }

    fn open_in(
        &self,
        workspace: &Workspace,
        path: &Path,
        password: Option<&str>,
    ) -> Result<SchoolFile> {
        let file = self.open_file_quietly(workspace, path, password)?;
        // A file on a network share: said on every command, on standard error.
        if let Some(share) = file.network_share() {
            eprintln!("{}", share.notice(self.lang.locale()));
        }
        Ok(file)
    }

    fn open_file_quietly(
        &self,
        workspace: &Workspace,
        path: &Path,
        password: Option<&str>,
    ) -> Result<SchoolFile> {
        let password = match std::env::var(ADMIN_PASSWORD_VARIABLE) {
            Ok(password) => password,
            Err(_) => match workspace.open_unbound(path, None) {
                Err(Error::File(FileError::FileKeyNeeded(_))) => match password {
                    Some(password) => password.to_owned(),
                    None => self.credentials()?.password,
                },
                other => return Ok(other?),
            },
        };
        workspace
            .open_unbound(path, Some(&password))
            .map_err(|e| match e {
                Error::File(FileError::WrongFilePassword(_)) => CliError::FileKeyMissing,
                other => other.into(),
            })
    }

    /// The account name and its password.
    pub fn credentials(&self) -> Result<Credentials> {
        let name = self
            .user
            .clone()
            .filter(|u| !u.trim().is_empty())
            .ok_or(CliError::UserNeeded)?;
        let prompt = match self.lang {
            Lang::Zh => format!("{name} 的密码："),
            Lang::En => format!("Password for {name}: "),
        };
        let password = password(PASSWORD_VARIABLE, &prompt, "密码")?;
        Ok(Credentials::new(name, password))
    }

    /// The 系统管理员 password a backup was made under: from
    /// `TAOLI_BACKUP_PASSWORD`, or typed.
    pub fn backup_password(&self) -> Result<String> {
        let prompt = match self.lang {
            Lang::Zh => "做这个备份时系统管理员的密码：",
            Lang::En => "System administrator password when the backup was made: ",
        };
        password(BACKUP_PASSWORD_VARIABLE, prompt, "备份时的密码")
    }

    /// A new password: from `TAOLI_NEW_PASSWORD`, or typed twice.
    pub fn new_password(&self, whose: &str) -> Result<String> {
        if let Ok(value) = std::env::var(NEW_PASSWORD_VARIABLE) {
            return Ok(value);
        }
        let (first, again) = match self.lang {
            Lang::Zh => (
                format!("{whose} 的新密码："),
                format!("再输入一次 {whose} 的新密码："),
            ),
            Lang::En => (
                format!("New password for {whose}: "),
                format!("New password for {whose} again: "),
            ),
        };
        let one = prompt(&first, NEW_PASSWORD_VARIABLE, "新密码")?;
        let two = prompt(&again, NEW_PASSWORD_VARIABLE, "新密码")?;
        if one != two {
            return Err(CliError::PasswordsDiffer);
        }
        Ok(one)
    }
}

/// Keeps the file's key in this computer's keychain, when there is one, so
/// the next command opens the file without the 系统管理员 password. After a
/// 系统管理员's password was set, this is the new key.
pub fn keep_key(file: &SchoolFile) {
    Workspace::on_this_computer().keep_key(file);
}

fn password(variable: &'static str, prompt_text: &str, what: &'static str) -> Result<String> {
    match std::env::var(variable) {
        Ok(value) => Ok(value),
        Err(_) => prompt(prompt_text, variable, what),
    }
}

fn prompt(text: &str, variable: &'static str, what: &'static str) -> Result<String> {
    rpassword::prompt_password(text).map_err(|e| CliError::NoPassword {
        what,
        variable,
        detail: e.to_string(),
    })
}

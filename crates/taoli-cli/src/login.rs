//! Signing in from a command line: the account from `--user` (or
//! `TAOLI_USER`), its password from `TAOLI_PASSWORD` or typed at a prompt
//! that does not echo it. New passwords come from `TAOLI_NEW_PASSWORD` or are
//! typed twice.

use std::path::Path;

use taoli_core::{Credentials, SchoolFile};

use crate::error::{CliError, Result};
use crate::lang::Lang;

pub const PASSWORD_VARIABLE: &str = "TAOLI_PASSWORD";
pub const NEW_PASSWORD_VARIABLE: &str = "TAOLI_NEW_PASSWORD";

/// Who the command line signs in as.
#[derive(Debug, Clone)]
pub struct Login {
    pub user: Option<String>,
    pub lang: Lang,
}

impl Login {
    /// Opens a school file and signs in.
    pub fn open(&self, path: &Path) -> Result<SchoolFile> {
        let mut file = SchoolFile::open(path)?;
        if !file.has_users()? {
            return Err(taoli_core::Error::NoUsersYet.into());
        }
        file.sign_in(&self.credentials()?)?;
        Ok(file)
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

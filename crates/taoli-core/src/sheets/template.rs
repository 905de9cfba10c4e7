//! The sheet's layout: a Typst file. The national one is built in
//! (`crates/taoli-core/sheets/confirmation.typ`); a province replaces it with
//! a file of its own, named on the command line or by `TAOLI_SHEET_TEMPLATE`.
//! Files a template reads besides the data (a logo, a shared `.typ`) are
//! looked up in the template's folder.

use std::path::{Path, PathBuf};

use crate::error::SheetsError;
use crate::error::{Error, Particular, Result};

/// The variable that names a template file to use instead of the built-in one.
pub const TEMPLATE_VARIABLE: &str = "TAOLI_SHEET_TEMPLATE";

const BUILT_IN: &str = include_str!("../../sheets/confirmation.typ");

/// A template, ready to typeset with.
#[derive(Debug, Clone)]
pub struct Template {
    /// How messages name it: 内置模板, or the file's path.
    pub name: String,
    pub text: String,
    /// The folder other files the template reads come from (none for the built-in one).
    pub root: Option<PathBuf>,
}

impl Template {
    /// The national layout.
    pub fn built_in() -> Template {
        Template {
            name: "内置模板".to_owned(),
            text: BUILT_IN.to_owned(),
            root: None,
        }
    }

    /// A template file.
    pub fn load(path: &Path) -> Result<Template> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Sheets(SheetsError::SheetTemplate {
                template: path.display().to_string(),
                detail: Particular::said(
                    "particular.file_unreadable",
                    vec![("detail", e.to_string())],
                ),
            })
        })?;
        Ok(Template {
            name: path.display().to_string(),
            text,
            root: path.parent().map(Path::to_owned),
        })
    }

    /// `path` when given, else the file `TAOLI_SHEET_TEMPLATE` names, else the built-in one.
    pub fn resolve(path: Option<&Path>) -> Result<Template> {
        let from_env = std::env::var_os(TEMPLATE_VARIABLE)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        match path.map(Path::to_owned).or(from_env) {
            Some(path) => Template::load(&path),
            None => Ok(Template::built_in()),
        }
    }
}

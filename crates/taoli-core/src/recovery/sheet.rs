//! The recovery code sheet (恢复码保管单): one A4 page with the school, the
//! code in large grouped characters and as a QR code, the date, what the
//! recovery file is called, and how to keep and use it. Typeset with Typst
//! like the verification sheets (`crates/taoli-core/sheets/recovery.typ`).

use std::path::Path;

use serde::Serialize;

use super::code::{GROUPS, RecoveryCode};
use super::{code_id, sidecar_path};
use crate::error::Result;
use crate::sheets::{Template, font, qr, typeset};
use crate::store::SchoolFile;
use crate::store::backups::file_name;

const TEMPLATE: &str = include_str!("../../sheets/recovery.typ");

/// A file name for a school's recovery code sheet:
/// `桃李镇中心小学-恢复码保管单.pdf`.
pub fn default_file_name(school_name: &str) -> String {
    format!(
        "{}-恢复码保管单.pdf",
        crate::text::file_name_safe(school_name.trim())
    )
}

/// The recovery code sheet (恢复码保管单): the A4 page with the 恢复码.
///
/// A service of the school file, reached with [`SchoolFile::recovery_sheet`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct RecoverySheet<'a> {
    pub(crate) school: &'a SchoolFile,
}

impl RecoverySheet<'_> {
    /// The recovery code sheet (恢复码保管单) of `code` as a PDF (系统管理员).
    pub fn pdf(&self, code: &RecoveryCode) -> Result<Vec<u8>> {
        let actor = self
            .school
            .require(crate::account::Permission::UsersManage)?;
        let school = self.school.school()?;
        let sidecar = file_name(&sidecar_path(self.school.path()));
        let id = code_id(code);
        pdf(
            code,
            &SheetFacts {
                school_name: &school.name,
                school_code: &school.code,
                file_name: &file_name(self.school.path()),
                sidecar_name: &sidecar,
                made_by: actor.name(),
                code_id: &id,
            },
        )
    }

    /// Writes the sheet of `code` to `path` (a PDF).
    pub fn write(&self, code: &RecoveryCode, path: &Path) -> Result<()> {
        let pdf = self.pdf(code)?;
        super::sidecar::write_atomically(path, &pdf)
    }
}

/// What the template reads from `/data.json`.
#[derive(Serialize)]
struct RecoverySheetData<'a> {
    font: &'a str,
    school_name: &'a str,
    school_code: &'a str,
    groups: Vec<String>,
    group_count: usize,
    file_name: &'a str,
    sidecar_name: &'a str,
    made_on: String,
    made_by: &'a str,
    code_id: &'a str,
}

/// Who and what the sheet names besides the code.
pub(crate) struct SheetFacts<'a> {
    pub school_name: &'a str,
    pub school_code: &'a str,
    pub file_name: &'a str,
    pub sidecar_name: &'a str,
    pub made_by: &'a str,
    pub code_id: &'a str,
}

/// The sheet of `code` as a PDF.
pub(crate) fn pdf(code: &RecoveryCode, facts: &SheetFacts<'_>) -> Result<Vec<u8>> {
    let font = font::find()?;
    let data = RecoverySheetData {
        font: &font.family,
        school_name: facts.school_name,
        school_code: facts.school_code,
        groups: code.groups(),
        group_count: GROUPS,
        file_name: facts.file_name,
        sidecar_name: facts.sidecar_name,
        made_on: chrono::Local::now().format("%Y年%-m月%-d日").to_string(),
        made_by: facts.made_by,
        code_id: facts.code_id,
    };
    let template = Template {
        name: "恢复码保管单模板".to_owned(),
        text: TEMPLATE.to_owned(),
        root: None,
    };
    let input = typeset::SheetInput {
        data: serde_json::to_vec(&data)?,
        qr: qr::png(&code.display())?,
    };
    let (pdf, _) = typeset::pdf(&template, &font, &[input])?;
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::default_file_name;

    #[test]
    fn the_sheet_is_named_after_the_school_with_unsafe_characters_replaced() {
        assert_eq!(
            default_file_name(" 桃李镇/中心小学 "),
            "桃李镇_中心小学-恢复码保管单.pdf"
        );
    }
}

//! `taoli audit`: the operation log (审计) listed, exported and verified.

use super::*;

/// `taoli audit verify|list|export` (verify exits 1 when the chain is broken).
pub(super) fn audit(command: AuditCommand, login: &Login, lang: Lang) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify { school_file, json } => {
            let file = login.open(&school_file)?;
            let check = file.audit().verify()?;
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
        AuditCommand::List(args) => {
            let file = login.open(&args.filter.school_file)?;
            let query = AuditQuery {
                limit: args.limit,
                ..args.filter.query(&file, lang)?
            };
            let page = file.audit().log(&query)?;
            file.close()?;
            if args.json {
                output::json(&page)?;
            } else {
                output::audit_list(&page, lang);
            }
        }
        AuditCommand::Export {
            filter,
            output: path,
        } => {
            let mut file = login.open(&filter.school_file)?;
            let query = filter.query(&file, lang)?;
            file.exports().audit_log_to(&query, &path)?;
            file.close()?;
            output::audit_exported(&path, lang);
        }
    }
    Ok(ExitCode::SUCCESS)
}

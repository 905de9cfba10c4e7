//! `taoli export`: the school's data as JSON, a blank template, a filled workbook or one group's CSV.

use super::*;

/// `taoli export`: to a file, or the bytes to stdout when the format has no file name.
pub(super) fn export(args: ExportArgs, login: &Login, lang: Lang) -> Result<ExitCode> {
    let format = match args.format {
        ExportFormat::Json => export::ExportFormat::Json,
        ExportFormat::Template => export::ExportFormat::Template,
        ExportFormat::Xlsx => export::ExportFormat::Xlsx,
        ExportFormat::Csv => export::ExportFormat::Csv,
    };
    let style = if args.national {
        export::SheetStyle::National
    } else {
        export::SheetStyle::Taoli
    };
    let mut file = login.open(&args.school_file)?;
    let school = file.school()?;
    let group = args.group.as_deref();
    let path = match (
        args.output,
        format.default_file_name_in(&school.name, style),
    ) {
        (Some(path), _) => path,
        (None, Some(name)) => export::unused_path(&PathBuf::from(name)),
        (None, None) => {
            let bytes = file.exports().for_screen_in(format, group, style)?;
            file.close()?;
            output::raw(&bytes)?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    file.exports().to_file_in(format, group, style, &path)?;
    file.close()?;
    output::exported(format, style, &path, lang);
    Ok(ExitCode::SUCCESS)
}

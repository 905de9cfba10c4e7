//! The commands that read the catalog alone, without a school file: `catalog`, `school-types`, `id-types`.

use super::*;
use taoli_core::error::SchoolError;

/// `taoli catalog`: the sets, a set's groups and fields, a code table, the regions, or the whole catalog as Markdown.
pub(super) fn catalog(args: CatalogArgs, lang: Lang) -> Result<ExitCode> {
    let national = taoli_core::catalog::catalog()?;
    let with_pack;
    let catalog = match &args.province {
        Some(path) => {
            let pack = ProvincePack::load(path)?;
            with_pack = national.with_pack(&pack)?;
            &with_pack
        }
        None => national,
    };
    if args.markdown {
        print!("{}", catalog.markdown());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(query) = &args.regions {
        let regions = catalog.regions();
        let found = regions.search(query);
        if args.json {
            output::json(&found)?;
        } else {
            output::regions(regions, &found, query, lang);
        }
        return Ok(ExitCode::SUCCESS);
    }
    match (args.codes, args.set) {
        (Some(table), set) => {
            let table = match set {
                Some(set) => catalog.effective(&set)?.code_table(&table).cloned(),
                None => catalog.code_table(&table).cloned(),
            }
            .ok_or_else(|| {
                taoli_core::Error::School(SchoolError::UnknownCodeTable(table.clone()))
            })?;
            if args.json {
                output::json(&table)?;
            } else {
                output::code_table(&table, lang);
            }
        }
        (None, Some(set)) => {
            let effective = catalog.effective(&set)?;
            if args.json {
                output::json(&effective)?;
            } else {
                output::effective_catalog(&effective, lang);
            }
        }
        (None, None) => {
            if args.json {
                output::json(catalog.sets())?;
            } else {
                output::sets(catalog, lang);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli school-types`.
pub(super) fn school_types(args: ListArgs, lang: Lang) -> Result<ExitCode> {
    let types = taoli_core::catalog::catalog()?.school_types();
    if args.json {
        output::json(&types)?;
    } else {
        output::school_type_table(types, lang);
    }
    Ok(ExitCode::SUCCESS)
}

/// `taoli id-types`.
pub(super) fn id_types(args: ListArgs, lang: Lang) -> Result<ExitCode> {
    let types = taoli_core::catalog::catalog()?.id_types();
    if args.json {
        output::json(&types)?;
    } else {
        output::id_type_table(types, lang);
    }
    Ok(ExitCode::SUCCESS)
}

//! Typesetting sheets with Typst, embedded. The template is the main source;
//! it reads its data from `/data.json` and the QR code from `/qr.png`, both
//! served from memory by [`SheetWorld`]. Each teacher is typeset as a
//! document of its own, on every core, and the pages are joined into one PDF.

use std::path::Path;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::introspection::Introspector;
use typst::layout::{Page, PagedDocument};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use super::font::ChineseFont;
use super::template::Template;
use crate::error::{Error, Result};
use crate::error::{InternalError, SheetsError};

/// Where the template finds its data.
pub const DATA_FILE: &str = "/data.json";
/// Where the template finds the QR code of the fingerprint.
pub const QR_FILE: &str = "/qr.png";

/// One teacher's sheet, ready to typeset: the data as JSON and the QR code as PNG.
#[derive(Debug)]
pub(crate) struct SheetInput {
    pub data: Vec<u8>,
    pub qr: Vec<u8>,
}

/// What stays the same across the teachers of one printing.
struct Shared<'a> {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: &'a [Font],
    main: Source,
    root: Option<&'a Path>,
    template: &'a str,
    today: Option<Datetime>,
}

/// The world one teacher's sheet is typeset in.
struct SheetWorld<'a> {
    shared: &'a Shared<'a>,
    data: Bytes,
    qr: Bytes,
}

impl World for SheetWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.shared.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.shared.main.id() {
            return Ok(self.shared.main.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.vpath();
        if id.package().is_none() && path == &VirtualPath::new(DATA_FILE) {
            return Ok(self.data.clone());
        }
        if id.package().is_none() && path == &VirtualPath::new(QR_FILE) {
            return Ok(self.qr.clone());
        }
        let missing = || FileError::NotFound(path.as_rootless_path().to_owned());
        let root = self.shared.root.filter(|_| id.package().is_none());
        let file = root.and_then(|r| path.resolve(r)).ok_or_else(missing)?;
        std::fs::read(&file)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &file))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        self.shared.today
    }
}

/// Typesets every sheet and returns the PDF and its number of pages.
pub(crate) fn pdf(
    template: &Template,
    font: &ChineseFont,
    sheets: &[SheetInput],
) -> Result<(Vec<u8>, usize)> {
    let joined = document(template, font, sheets)?;
    let count = joined.pages.len();
    let options = typst_pdf::PdfOptions {
        tagged: false,
        ..Default::default()
    };
    let bytes = typst_pdf::pdf(&joined, &options).map_err(|diagnostics| {
        Error::Internal(InternalError::SheetsFailed(
            diagnostics
                .iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        ))
    });
    // Typst memoizes across compilations; let what this printing cached go.
    typst::comemo::evict(10);
    Ok((bytes?, count))
}

/// Typesets every sheet and returns each page as an SVG image, for a preview.
pub(crate) fn svg_pages(
    template: &Template,
    font: &ChineseFont,
    sheets: &[SheetInput],
) -> Result<Vec<String>> {
    let joined = document(template, font, sheets)?;
    let pages = joined.pages.iter().map(typst_svg::svg).collect();
    typst::comemo::evict(10);
    Ok(pages)
}

/// Every sheet typeset, the pages joined into one document in order.
fn document(
    template: &Template,
    font: &ChineseFont,
    sheets: &[SheetInput],
) -> Result<PagedDocument> {
    let today = chrono::Local::now().date_naive();
    let shared = Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&font.faces)),
        fonts: &font.faces,
        main: Source::new(
            FileId::new(None, VirtualPath::new("/template.typ")),
            template.text.clone(),
        ),
        root: template.root.as_deref(),
        template: &template.name,
        today: Datetime::from_ymd(
            chrono::Datelike::year(&today),
            u8::try_from(chrono::Datelike::month(&today)).unwrap_or(1),
            u8::try_from(chrono::Datelike::day(&today)).unwrap_or(1),
        ),
    };
    let documents = typeset_all(&shared, sheets)?;
    let mut info = None;
    let mut pages: Vec<Page> = Vec::new();
    for document in documents {
        info.get_or_insert(document.info);
        pages.extend(document.pages);
    }
    Ok(PagedDocument {
        pages,
        info: info.unwrap_or_default(),
        introspector: Introspector::default(),
    })
}

/// Each sheet as its own document, in order, on as many threads as there are cores.
fn typeset_all(shared: &Shared<'_>, sheets: &[SheetInput]) -> Result<Vec<PagedDocument>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(sheets.len().max(1));
    let done: Vec<Result<Vec<(usize, PagedDocument)>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|k| {
                scope.spawn(move || {
                    sheets
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i.checked_rem(threads) == Some(k))
                        .map(|(i, sheet)| typeset(shared, sheet).map(|d| (i, d)))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    Err(InternalError::SheetsFailed("排版时程序出错".to_owned()).into())
                })
            })
            .collect()
    });
    let mut documents = Vec::with_capacity(sheets.len());
    for part in done {
        documents.extend(part?);
    }
    documents.sort_by_key(|(i, _)| *i);
    Ok(documents.into_iter().map(|(_, d)| d).collect())
}

fn typeset(shared: &Shared<'_>, sheet: &SheetInput) -> Result<PagedDocument> {
    let world = SheetWorld {
        shared,
        data: Bytes::new(sheet.data.clone()),
        qr: Bytes::new(sheet.qr.clone()),
    };
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|diagnostics| {
            Error::Sheets(SheetsError::SheetTemplate {
                template: shared.template.to_owned(),
                detail: describe(&world, &diagnostics).into(),
            })
        })
}

/// The template's errors, each with its line, as a clerk passes them on.
fn describe(world: &SheetWorld<'_>, diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .take(3)
        .map(|d| {
            let line = d
                .span
                .id()
                .and_then(|id| Some((world.source(id).ok()?, world.range(d.span)?)))
                .and_then(|(source, range)| source.lines().byte_to_line(range.start));
            let hints: String = d.hints.iter().map(|h| format!("（{h}）")).collect();
            match line {
                Some(line) => format!("第 {} 行：{}{hints}", line.saturating_add(1), d.message),
                None => format!("{}{hints}", d.message),
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

//! Reading a roster file: workbooks (.xlsx, .xlsm, .xls, .ods) through
//! calamine, text files (.csv, .txt) decoded from UTF-8 or GB18030 and split
//! by the csv crate. The kind of file is told by its bytes, not its name, so a
//! renamed file or a web page saved as `.xls` gets the right message.
//!
//! A roster is untrusted input. Workbooks are checked before calamine reads
//! them ([`super::screen`]), calamine is never allowed to take the process down
//! ([`guarded`]), cells outside Excel's grid are refused, and a text file is
//! kept as its rows, never as a grid as wide as its widest line.

use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, SheetVisible, Sheets};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Error;
use crate::error::{FileError, ImportError, Particular};

/// No roster holds more rows than this; a sheet above it is refused.
pub const MAX_ROWS: usize = 1_000_000;

/// Excel's grid: 1,048,576 rows by 16,384 columns (A … XFD). A cell outside
/// it is in no file Excel or WPS wrote; refusing it also bounds a row's width.
pub const EXCEL_ROWS: u32 = 1_048_576;
pub const EXCEL_COLUMNS: u32 = 16_384;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the roster file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RosterKind {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

/// One sheet of a roster, as the wizard lists it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SheetInfo {
    /// Position in the workbook, from 1.
    #[ts(type = "number")]
    pub index: usize,
    pub name: String,
    /// Hidden sheets are skipped unless the clerk picks them.
    pub hidden: bool,
}

/// The text encoding a CSV file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    Gb18030,
    /// UTF-16 with a byte order mark: what Excel and WPS write when a sheet
    /// is saved as 「Unicode 文本」 (tab-separated .txt).
    Utf16,
}

/// An opened roster file.
pub struct RosterFile {
    pub path: PathBuf,
    pub kind: RosterKind,
    pub encoding: Option<TextEncoding>,
    sheets: Vec<SheetInfo>,
    content: Content,
}

impl std::fmt::Debug for RosterFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RosterFile")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("sheets", &self.sheets)
            .finish_non_exhaustive()
    }
}

enum Content {
    Workbook(Box<Sheets<BufReader<Cursor<Vec<u8>>>>>),
    /// A text file's rows as split, trailing empty cells dropped. Not a grid:
    /// one line of 100,000 commas above 5,000 short lines would make one of
    /// half a billion cells (16 GB) from a 170 KB file.
    Text(Vec<Vec<String>>),
}

/// One row of a sheet: its number as Excel shows it (from 1) and its cells
/// from column A on (absent trailing cells are empty).
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub number: u32,
    pub cells: Vec<Data>,
}

impl SheetRow {
    pub fn cell(&self, column: usize) -> &Data {
        self.cells.get(column).unwrap_or(&Data::Empty)
    }
}

/// The rows of one sheet, in order. An .xlsx sheet is streamed from its XML
/// (a 100,000-row roster is never held whole); other formats come from
/// calamine's range.
pub struct SheetRows<'a> {
    pub sheet: String,
    inner: Rows<'a>,
    /// Rows given out so far, to refuse a sheet over [`MAX_ROWS`].
    given: usize,
    path: PathBuf,
}

impl std::fmt::Debug for SheetRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetRows")
            .field("sheet", &self.sheet)
            .finish_non_exhaustive()
    }
}

type Stream<'a> = calamine::XlsxCellReader<'a, BufReader<Cursor<Vec<u8>>>>;

enum Rows<'a> {
    Range {
        range: Range<Data>,
        next: usize,
    },
    Text {
        rows: &'a [Vec<String>],
        next: usize,
    },
    Xlsx {
        cells: Box<Stream<'a>>,
        /// A cell read ahead: the first of the next row.
        pending: Option<(u32, u32, Data)>,
        done: bool,
    },
}

fn owned(value: calamine::DataRef<'_>) -> Data {
    use calamine::DataRef as R;
    match value {
        R::Int(i) => Data::Int(i),
        R::Float(f) => Data::Float(f),
        R::String(s) => Data::String(s),
        R::SharedString(s) => Data::String(s.to_owned()),
        R::Bool(b) => Data::Bool(b),
        R::DateTime(d) => Data::DateTime(d),
        R::DateTimeIso(s) => Data::DateTimeIso(s),
        R::DurationIso(s) => Data::DurationIso(s),
        R::Error(e) => Data::Error(e),
        R::Empty => Data::Empty,
    }
}

/// Rows a reading thread hands over at a time ([`SheetRows::read_ahead`]).
const READ_AHEAD_ROWS: usize = 256;

/// Chunks read ahead and not yet taken: bounds the memory reading ahead holds.
const READ_AHEAD_CHUNKS: usize = 4;

impl SheetRows<'_> {
    /// Hands every remaining row to `take`, in order, while a second thread
    /// reads (inflates and parses) the rows after it, so that on two cores
    /// reading a large roster and planning its rows overlap. `take` answers
    /// false to stop (the 合计 row that ends a table); the reader stops too.
    pub fn read_ahead(
        &mut self,
        mut take: impl FnMut(SheetRow) -> Result<bool, Error>,
    ) -> Result<(), Error> {
        type Chunk = Result<Vec<SheetRow>, Error>;
        std::thread::scope(|scope| {
            let (sender, chunks) = std::sync::mpsc::sync_channel::<Chunk>(READ_AHEAD_CHUNKS);
            scope.spawn(move || {
                loop {
                    let mut chunk = Vec::with_capacity(READ_AHEAD_ROWS);
                    let mut end = false;
                    while chunk.len() < READ_AHEAD_ROWS {
                        match self.next_row() {
                            Ok(Some(row)) => chunk.push(row),
                            Ok(None) => {
                                end = true;
                                break;
                            }
                            Err(e) => {
                                let _ = sender.send(Err(e));
                                return;
                            }
                        }
                    }
                    // A send fails once the taker stopped: nothing more to read.
                    if (!chunk.is_empty() && sender.send(Ok(chunk)).is_err()) || end {
                        return;
                    }
                }
            });
            for chunk in chunks {
                for row in chunk? {
                    if !take(row)? {
                        return Ok(());
                    }
                }
            }
            Ok(())
        })
    }
}

impl SheetRows<'_> {
    /// The next row holding anything; `None` at the end of the sheet.
    pub fn next_row(&mut self) -> Result<Option<SheetRow>, Error> {
        let row = match &mut self.inner {
            Rows::Range { range, next } => {
                let (height, width) = range.get_size();
                let (top, left) = range.start().unwrap_or((0, 0));
                let mut found = None;
                while *next < height {
                    let r = *next;
                    *next = next.saturating_add(1);
                    if (0..width).all(|c| matches!(range.get((r, c)), Some(Data::Empty) | None)) {
                        continue;
                    }
                    let mut cells = vec![Data::Empty; left as usize];
                    cells.extend(
                        (0..width).map(|c| range.get((r, c)).cloned().unwrap_or(Data::Empty)),
                    );
                    found = Some(SheetRow {
                        number: top.saturating_add(r as u32).saturating_add(1),
                        cells,
                    });
                    break;
                }
                found
            }
            Rows::Text { rows, next } => {
                let mut found = None;
                while let Some(cells) = rows.get(*next) {
                    *next = next.saturating_add(1);
                    if cells.is_empty() {
                        continue;
                    }
                    found = Some(SheetRow {
                        // At most MAX_ROWS rows are kept, so this fits.
                        number: *next as u32,
                        cells: cells.iter().map(|c| text_cell(c)).collect(),
                    });
                    break;
                }
                found
            }
            Rows::Xlsx {
                cells,
                pending,
                done,
            } => {
                let mut row: Option<SheetRow> = None;
                loop {
                    let next = match pending.take() {
                        Some(cell) => Some(cell),
                        None if *done => None,
                        None => match guarded(&self.path, || {
                            cells.next_cell().map_err(|e| corrupt(&self.path, e))
                        })? {
                            Some(cell) => {
                                let (r, c) = cell.get_position();
                                if r >= EXCEL_ROWS || c >= EXCEL_COLUMNS {
                                    return Err(outside_grid(&self.path, r, c));
                                }
                                Some((r, c, owned(cell.get_value().clone())))
                            }
                            None => {
                                *done = true;
                                None
                            }
                        },
                    };
                    let Some((r, c, value)) = next else { break };
                    match &mut row {
                        Some(current) if current.number != r.saturating_add(1) => {
                            *pending = Some((r, c, value));
                            break;
                        }
                        Some(current) => put(current, c, value),
                        None => {
                            let mut fresh = SheetRow {
                                number: r.saturating_add(1),
                                cells: Vec::new(),
                            };
                            put(&mut fresh, c, value);
                            row = Some(fresh);
                        }
                    }
                }
                row
            }
        };
        if row.is_some() {
            self.given = self.given.saturating_add(1);
            if self.given > MAX_ROWS {
                return Err(ImportError::TooManyRows {
                    sheet: self.sheet.clone(),
                    rows: self.given,
                }
                .into());
            }
        }
        Ok(row)
    }
}

fn text_cell(text: &str) -> Data {
    if text.is_empty() {
        Data::Empty
    } else {
        Data::String(text.to_owned())
    }
}

/// A cell the sheet places outside Excel's grid (`XFE1`, `A1048577`).
fn outside_grid(path: &Path, row: u32, column: u32) -> Error {
    corrupt_as(
        path,
        Particular::said(
            "particular.cell_outside_grid",
            vec![
                ("row", (u64::from(row) + 1).to_string()),
                ("column", (u64::from(column) + 1).to_string()),
            ],
        ),
    )
}

/// Runs a call into calamine so that a panic inside it (an arithmetic
/// overflow on a crafted cell reference such as `ZZZZZZZZZZZZ1`, found by the
/// hostile corpus) refuses the file instead of ending the program.
pub(crate) fn guarded<T>(path: &Path, read: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    // An expected panic: no 内部错误 report is written for it.
    crate::panic_report::expected(read).unwrap_or_else(|_| {
        Err(corrupt_as(
            path,
            Particular::said("particular.roster_malformed", vec![]),
        ))
    })
}

fn put(row: &mut SheetRow, column: u32, value: Data) {
    let c = column as usize;
    if row.cells.len() <= c {
        row.cells.resize(c.saturating_add(1), Data::Empty);
    }
    if let Some(cell) = row.cells.get_mut(c) {
        *cell = value;
    }
}

impl RosterFile {
    /// Opens a roster and lists its sheets. Nothing is read from the school file.
    pub fn open(path: &Path) -> Result<RosterFile, Error> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::File(FileError::FileNotFound(path.to_owned())),
            _ => Error::Import(ImportError::RosterUnreadable {
                path: path.to_owned(),
                detail: e.to_string(),
            }),
        })?;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ImportError::EmptyRoster(path.to_owned()).into());
        }
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if bytes.starts_with(ZIP_MAGIC) {
            open_zip(path, bytes, &extension)
        } else if bytes.starts_with(OLE_MAGIC) {
            open_ole(path, bytes)
        } else if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(&bytes)
            .filter(|(e, _)| *e == encoding_rs::UTF_16LE || *e == encoding_rs::UTF_16BE)
        {
            // Excel's and WPS's 「Unicode 文本」: UTF-16 with a byte order mark.
            let (text, had_errors) = encoding.decode_with_bom_removal(&bytes);
            if had_errors {
                return Err(corrupt_as(
                    path,
                    Particular::said("particular.utf16_undecodable", vec![]),
                ));
            }
            open_decoded(path, text.into_owned(), TextEncoding::Utf16)
        } else if looks_like_html(&bytes) {
            Err(ImportError::RosterIsWebPage(path.to_owned()).into())
        } else if looks_like_text(&bytes) {
            open_text(path, &bytes)
        } else {
            Err(ImportError::NotASpreadsheet(path.to_owned()).into())
        }
    }

    pub fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    /// The sheets a clerk named (by name or 1-based number); with none named,
    /// every visible sheet.
    pub fn choose_sheets(&self, wanted: &[String]) -> Result<Vec<SheetInfo>, Error> {
        if wanted.is_empty() {
            return Ok(self.sheets.iter().filter(|s| !s.hidden).cloned().collect());
        }
        wanted
            .iter()
            .map(|w| {
                let w = w.trim();
                self.sheets
                    .iter()
                    .find(|s| s.name == w)
                    .or_else(|| {
                        w.parse::<usize>()
                            .ok()
                            .and_then(|n| self.sheets.iter().find(|s| s.index == n))
                    })
                    .cloned()
                    .ok_or_else(|| {
                        Error::Import(ImportError::UnknownSheet {
                            given: w.to_owned(),
                            valid: self
                                .sheets
                                .iter()
                                .map(|s| format!("{}. {}", s.index, s.name))
                                .collect::<Vec<_>>()
                                .join("、"),
                        })
                    })
            })
            .collect()
    }

    /// The rows of one sheet, streamed where the format allows.
    pub fn rows(&mut self, sheet: &SheetInfo) -> Result<SheetRows<'_>, Error> {
        let path = self.path.clone();
        let fail = |e: String| {
            Error::Import(ImportError::CorruptRoster {
                path: path.clone(),
                detail: e.into(),
            })
        };
        let inner = match &mut self.content {
            Content::Workbook(book) => match book.as_mut() {
                Sheets::Xlsx(xlsx) => Rows::Xlsx {
                    cells: Box::new(guarded(&path, || {
                        xlsx.worksheet_cells_reader(&sheet.name)
                            .map_err(|e| fail(e.to_string()))
                    })?),
                    pending: None,
                    done: false,
                },
                other => {
                    let range = guarded(&path, || {
                        other
                            .worksheet_range(&sheet.name)
                            .map_err(|e| fail(e.to_string()))
                    })?;
                    if range.height() > MAX_ROWS {
                        return Err(ImportError::TooManyRows {
                            sheet: sheet.name.clone(),
                            rows: range.height(),
                        }
                        .into());
                    }
                    Rows::Range { range, next: 0 }
                }
            },
            Content::Text(rows) => Rows::Text { rows, next: 0 },
        };
        Ok(SheetRows {
            sheet: sheet.name.clone(),
            inner,
            given: 0,
            path: self.path.clone(),
        })
    }
}

/// A roster that cannot be read, as calamine or the CSV reader says why.
fn corrupt(path: &Path, detail: impl std::fmt::Display) -> Error {
    corrupt_as(path, Particular::Text(detail.to_string()))
}

/// A roster that cannot be read, for a reason of Taoli's own
/// ([`Particular::said`]).
fn corrupt_as(path: &Path, detail: Particular) -> Error {
    Error::Import(ImportError::CorruptRoster {
        path: path.to_owned(),
        detail,
    })
}

fn open_zip(path: &Path, bytes: Vec<u8>, extension: &str) -> Result<RosterFile, Error> {
    let is_ods = extension == "ods"
        || bytes
            .windows(b"application/vnd.oasis.opendocument.spreadsheet".len())
            .take(200)
            .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet");
    super::screen::check_zip(path, &bytes)?;
    let reader = BufReader::new(Cursor::new(bytes));
    let (book, kind) = if is_ods {
        let ods = guarded(path, || {
            calamine::open_workbook_from_rs(reader).map_err(|e| match e {
                calamine::OdsError::Password => {
                    Error::Import(ImportError::RosterPasswordProtected(path.to_owned()))
                }
                other => corrupt(path, other),
            })
        })?;
        (Sheets::Ods(ods), RosterKind::Ods)
    } else {
        let xlsx = guarded(path, || {
            calamine::open_workbook_from_rs(reader).map_err(|e| corrupt(path, e))
        })?;
        (Sheets::Xlsx(xlsx), RosterKind::Xlsx)
    };
    Ok(workbook(path, book, kind))
}

fn open_ole(path: &Path, bytes: Vec<u8>) -> Result<RosterFile, Error> {
    // A password-protected .xlsx is an OLE container holding "EncryptedPackage".
    let marker: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
        return Err(ImportError::RosterPasswordProtected(path.to_owned()).into());
    }
    super::screen::check_ole(path, &bytes)?;
    let reader = BufReader::new(Cursor::new(bytes));
    let xls = guarded(path, || {
        calamine::open_workbook_from_rs(reader).map_err(|e| match e {
            calamine::XlsError::Password => {
                Error::Import(ImportError::RosterPasswordProtected(path.to_owned()))
            }
            other => corrupt(path, other),
        })
    })?;
    Ok(workbook(path, Sheets::Xls(xls), RosterKind::Xls))
}

fn workbook(path: &Path, book: Sheets<BufReader<Cursor<Vec<u8>>>>, kind: RosterKind) -> RosterFile {
    let sheets = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .enumerate()
        .map(|(i, s)| SheetInfo {
            index: i.saturating_add(1),
            name: s.name.clone(),
            hidden: s.visible != SheetVisible::Visible,
        })
        .collect();
    RosterFile {
        path: path.to_owned(),
        kind,
        encoding: None,
        sheets,
        content: Content::Workbook(Box::new(book)),
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bytes.get(..4096).unwrap_or(bytes)).to_ascii_lowercase();
    let mut head = head.trim_start_matches('\u{feff}').trim_start();
    // Pages saved by a browser start with a comment (`<!-- saved from url=… -->`).
    while let Some(rest) = head.strip_prefix("<!--") {
        head = rest
            .split_once("-->")
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<meta",
        "<title",
        "<style",
        "<table",
    ]
    .iter()
    .any(|tag| head.starts_with(tag))
        || (head.starts_with("<?xml") && head.contains("urn:schemas-microsoft-com:office"))
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let head = bytes.get(..8192).unwrap_or(bytes);
    !head.contains(&0)
        && head
            .iter()
            .filter(|b| b.is_ascii_control() && !b.is_ascii_whitespace())
            .count()
            .saturating_mul(100)
            <= head.len()
}

/// Decodes text as UTF-8 (with or without BOM) or, failing that, GB18030 (of
/// which GBK and GB2312 are subsets); chardetng decides when the bytes are
/// valid in both.
pub fn decode_text(bytes: &[u8]) -> (String, TextEncoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            TextEncoding::Utf8,
        );
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_owned(), TextEncoding::Utf8);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    let encoding = if guess == encoding_rs::UTF_8 {
        encoding_rs::UTF_8
    } else {
        encoding_rs::GB18030
    };
    let (text, _, _) = encoding.decode(bytes);
    let kind = if encoding == encoding_rs::UTF_8 {
        TextEncoding::Utf8
    } else {
        TextEncoding::Gb18030
    };
    (text.into_owned(), kind)
}

/// The separator used most consistently over the first lines: comma,
/// semicolon or tab (quoted text is not counted).
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let count = |line: &str, d: char| {
        let mut quoted = false;
        line.chars()
            .filter(|&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                !quoted && c == d
            })
            .count()
    };
    [',', '\t', ';', '，']
        .into_iter()
        .map(|d| {
            let counts: Vec<usize> = lines.iter().map(|l| count(l, d)).collect();
            let lines_with = counts.iter().filter(|&&n| n > 0).count();
            (lines_with, counts.iter().sum::<usize>(), d)
        })
        .max_by_key(|&(lines_with, total, _)| (lines_with, total))
        .filter(|&(lines_with, _, _)| lines_with > 0)
        .map_or(b',', |(_, _, d)| if d == '，' { b',' } else { d as u8 })
}

fn open_text(path: &Path, bytes: &[u8]) -> Result<RosterFile, Error> {
    if let Some((utf8_line, other_line)) = mixed_encoding(bytes) {
        return Err(ImportError::MixedEncoding {
            path: path.to_owned(),
            utf8_line,
            other_line,
        }
        .into());
    }
    let (text, encoding) = decode_text(bytes);
    open_decoded(path, text, encoding)
}

/// A text roster once decoded: its separator found, its rows read.
fn open_decoded(
    path: &Path,
    mut text: String,
    encoding: TextEncoding,
) -> Result<RosterFile, Error> {
    let delimiter = sniff_delimiter(&text);
    if delimiter == b',' && !text.contains(',') && text.contains('，') {
        text = text.replace('，', ",");
    }
    if let Some(line) = unterminated_quote(&text, delimiter) {
        return Err(ImportError::UnterminatedQuote {
            path: path.to_owned(),
            line,
        }
        .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| corrupt(path, e))?;
        let used = record
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .last()
            .map_or(0, |(i, _)| i.saturating_add(1));
        rows.push(record.iter().take(used).map(str::to_owned).collect());
        if rows.len() > MAX_ROWS {
            return Err(ImportError::TooManyRows {
                sheet: sheet_name_of(path),
                rows: rows.len(),
            }
            .into());
        }
    }
    Ok(RosterFile {
        path: path.to_owned(),
        kind: RosterKind::Csv,
        encoding: Some(encoding),
        sheets: vec![SheetInfo {
            index: 1,
            name: sheet_name_of(path),
            hidden: false,
        }],
        content: Content::Text(rows),
    })
}

/// Where a text file is UTF-8 in some lines and another encoding (GBK) in
/// others — rows appended by a second program — the first line of each:
/// (a UTF-8 line with Chinese text, a line that is not UTF-8), numbered from 1.
/// Read either way, one part would import as mojibake under the right names.
fn mixed_encoding(bytes: &[u8]) -> Option<(usize, usize)> {
    if std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let mut utf8_line = None;
    let mut other_line = None;
    let last = bytes.split(|&b| b == b'\n').count();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        match std::str::from_utf8(line) {
            // Two CJK characters in a valid line: GBK text is practically
            // never also valid UTF-8 over that much.
            Ok(text) if text.chars().filter(|&c| crate::text::is_cjk(c)).count() >= 2 => {
                utf8_line.get_or_insert(i.saturating_add(1));
            }
            Ok(_) => {}
            // A line cut by the end of the file is not another encoding.
            Err(e) if e.error_len().is_none() && i.saturating_add(1) == last => {}
            Err(_) => {
                other_line.get_or_insert(i.saturating_add(1));
            }
        }
        if let (Some(u), Some(o)) = (utf8_line, other_line) {
            return Some((u, o));
        }
    }
    None
}

/// The line (from 1) of a quote that opens a field and is never closed: the
/// csv crate would read everything after it, rows included, into one cell.
/// Follows the csv crate's rules: a quote opens a quoted field only at the
/// start of a field; inside one, `""` is a quote and `"` ends it.
fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    let mut line = 1usize;
    let mut opened_at = None;
    let mut field_start = true;
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\n' {
            line = line.saturating_add(1);
        }
        match opened_at {
            Some(_) if b == b'"' => {
                if bytes.peek() == Some(&b'"') {
                    bytes.next();
                } else {
                    opened_at = None;
                    field_start = false;
                }
            }
            Some(_) => {}
            None if b == b'"' && field_start => {
                opened_at = Some(line);
                field_start = false;
            }
            None => field_start = b == delimiter || b == b'\n' || b == b'\r',
        }
    }
    opened_at
}

fn sheet_name_of(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("CSV")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_decoded_as_gb18030() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,1\n");
        let (text, encoding) = decode_text(&bytes);
        assert_eq!(encoding, TextEncoding::Gb18030);
        assert!(text.starts_with("姓名,身份证号"));
    }

    #[test]
    fn a_byte_order_mark_means_utf8() {
        let (text, encoding) = decode_text("\u{feff}姓名".as_bytes());
        assert_eq!((text.as_str(), encoding), ("姓名", TextEncoding::Utf8));
    }

    #[test]
    fn the_most_consistent_separator_wins() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n\"x;y\",2\n"), b',');
    }
}

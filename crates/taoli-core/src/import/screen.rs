//! Checks on a workbook's parts before calamine reads them, for the few
//! things calamine takes on trust and that a small crafted file can turn into
//! an allocation the process cannot survive (an abort, not an error):
//!
//! - `xl/sharedStrings.xml` declares how many strings it holds
//!   (`uniqueCount`) and calamine reserves room for that many up front: a
//!   4 KB file declaring 4,000,000,000,000 asks for 96 TB.
//! - An .ods repeats rows and cells by attribute (`number-rows-repeated`,
//!   `number-columns-repeated`) and calamine expands every sheet into a full
//!   grid when it opens the file: 1.7 KB can ask for 98 million cells (several
//!   GB) while staying under calamine's own cap of 100 million.
//! - An .xls is an OLE compound file whose streams are chains of sectors
//!   linked through its FAT (and mini FAT). calamine follows a chain until it
//!   ends, so a chain that loops back on itself grows a buffer until the
//!   process aborts, or spins forever (found by `tests/fuzz_readers.rs`).
//!
//! Anything else wrong with the file is left to calamine, which reports it as
//! an error.

use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use crate::error::Error;
use crate::error::{ImportError, Particular};

/// The most shared strings a workbook may declare (16 per row of a full
/// Excel sheet; calamine reserves 24 bytes for each, so at most 400 MB).
pub const MAX_SHARED_STRINGS: u64 = 16 * 1_048_576;

/// The most cells an .ods may expand to. calamine keeps a value and a
/// formula for each (about 56 bytes), so this bounds an .ods at ~560 MB; a
/// roster of 100,000 teachers by 100 columns fits.
pub const MAX_GRID_CELLS: u64 = 10_000_000;

/// Excel's and calamine's grid limits for an .ods.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Refuses a workbook whose parts would make calamine allocate beyond reason.
pub(crate) fn check_zip(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // calamine will say what is wrong with it.
        return Ok(());
    };
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index(i) else {
            continue;
        };
        let name = part
            .name()
            .map(|n| n.to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with("sharedstrings.xml") {
            check_shared_strings(path, part)?;
        } else if name == "content.xml" {
            check_ods_grid(path, part)?;
        }
    }
    Ok(())
}

/// The compound file's sector markers (MS-CFB 2.1): values from here up are
/// not sector numbers (end of chain, free, FAT and DIFAT sectors).
const MAX_SECTOR: u32 = 0xFFFF_FFFA;

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(word(b))
}

/// A little-endian word from four bytes (0 if `b` is not four bytes long).
fn word(b: &[u8]) -> u32 {
    <[u8; 4]>::try_from(b).map_or(0, u32::from_le_bytes)
}

/// Refuses a compound file (.xls) whose FAT or mini FAT links sectors in a
/// loop, or that lists more FAT sectors than it has sectors. With neither,
/// every chain calamine follows ends within the file, so what it reads is
/// bounded by the file's size.
pub(crate) fn check_ole(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let damaged = || {
        corrupt(
            path,
            Particular::said("particular.roster_chain_broken", vec![]),
        )
    };
    let size = match bytes.get(30..32) {
        Some([0x09, 0x00]) => 512,
        Some([0x0C, 0x00]) => 4096,
        // calamine will say what is wrong with it.
        _ => return Ok(()),
    };
    // calamine reads sector `id` at file offset (id + 1) × size, accepts ids
    // up to the file's length over the sector size, and sees a sector cut
    // short by the end of the file as filled up with zeros: so does this.
    let sectors = bytes.len().checked_div(size).unwrap_or(0);
    let sector = |id: u32| -> Option<Vec<u32>> {
        if id as usize > sectors {
            return None;
        }
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        let mut data = bytes.get(start..).unwrap_or_default();
        data = data.get(..size).unwrap_or(data);
        let mut words: Vec<u32> = data.chunks_exact(4).map(word).collect();
        words.resize(size / 4, 0);
        Some(words)
    };
    // The FAT's sectors: 109 listed in the header, the rest in a chain of
    // DIFAT sectors whose last entry points to the next.
    let mut difat: Vec<u32> = bytes
        .get(76..)
        .unwrap_or_default()
        .chunks_exact(4)
        .take(109)
        .map(word)
        .collect();
    let mut next = le_u32(bytes, 68).unwrap_or(u32::MAX);
    let mut steps = 0usize;
    while next <= MAX_SECTOR {
        steps = steps.saturating_add(1);
        if steps > sectors.saturating_add(1) {
            return Err(damaged());
        }
        let Some(mut entries) = sector(next) else {
            break;
        };
        next = entries.pop().unwrap_or(u32::MAX);
        difat.extend(entries);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id <= MAX_SECTOR).collect();
    if fat_sectors.len() > sectors.saturating_add(1) {
        return Err(damaged());
    }
    let fat: Vec<u32> = fat_sectors
        .into_iter()
        .filter_map(sector)
        .flatten()
        .collect();
    if has_loop(&fat) {
        return Err(damaged());
    }
    // The mini FAT is itself a chain in the (now loop-free) FAT.
    let mut mini_fat = Vec::new();
    let mut next = le_u32(bytes, 60).unwrap_or(u32::MAX);
    while next <= MAX_SECTOR {
        let Some(words) = sector(next) else { break };
        mini_fat.extend(words);
        next = fat.get(next as usize).copied().unwrap_or(u32::MAX);
    }
    if has_loop(&mini_fat) {
        return Err(damaged());
    }
    Ok(())
}

/// Whether following `next[i]` from some entry comes back to an entry
/// already on the way (a functional graph; values past its end stop a chain).
fn has_loop(next: &[u32]) -> bool {
    // 0: not visited, 1: on the current path, 2: known to end.
    let mut state = vec![0u8; next.len()];
    for start in 0..next.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state.get_mut(at) {
                Some(seen @ 0) => {
                    *seen = 1;
                    path.push(at);
                    at = next.get(at).map_or(usize::MAX, |&n| n as usize);
                }
                Some(1) => return true,
                _ => break,
            }
        }
        for p in path {
            if let Some(seen) = state.get_mut(p) {
                *seen = 2;
            }
        }
    }
    false
}

fn corrupt(path: &Path, detail: Particular) -> Error {
    Error::Import(ImportError::CorruptRoster {
        path: path.to_owned(),
        detail,
    })
}

fn number(value: &str) -> Option<u64> {
    value.trim().parse().ok()
}

fn attribute(tag: &BytesStart<'_>, name: &str) -> Option<u64> {
    tag.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| number(&a.value))
}

/// The declared count must be believable and the part must be long enough
/// to hold it: every string takes at least `<si/>`, five bytes.
fn check_shared_strings(path: &Path, part: impl Read) -> Result<(), Error> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    let declared = loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                break attribute(&e, "uniqueCount");
            }
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    };
    let Some(declared) = declared else {
        return Ok(());
    };
    let refused = || {
        corrupt(
            path,
            Particular::said(
                "particular.shared_strings_mismatch",
                vec![("declared", declared.to_string())],
            ),
        )
    };
    if declared > MAX_SHARED_STRINGS {
        return Err(refused());
    }
    let needed = declared.saturating_mul(5);
    let read = xml.buffer_position();
    let mut rest = xml.into_inner().take(needed.saturating_sub(read));
    let more = std::io::copy(&mut rest, &mut std::io::sink()).unwrap_or(0);
    if read.saturating_add(more) < needed {
        return Err(refused());
    }
    Ok(())
}

/// The grid calamine builds for one sheet (`calamine::ods::get_range`):
/// every row from the first to the last holding a value, repeats included,
/// as wide as the columns holding values. Kept up as rows arrive.
#[derive(Default)]
struct Grid {
    /// Repeats from the first row holding a value to the last.
    rows: u64,
    /// Repeats of the rows without values since the last one with values.
    pending: u64,
    seen_value: bool,
    columns: Option<(u64, u64)>,
}

impl Grid {
    fn add_row(&mut self, repeats: u64, filled: Option<(u64, u64)>) {
        match filled {
            Some((l, r)) => {
                self.rows = self
                    .rows
                    .saturating_add(self.pending)
                    .saturating_add(repeats);
                self.pending = 0;
                self.seen_value = true;
                self.columns = Some(match self.columns {
                    Some((a, b)) => (a.min(l), b.max(r)),
                    None => (l, r),
                });
            }
            None if self.seen_value => self.pending = self.pending.saturating_add(repeats),
            None => {}
        }
    }

    fn cells(&self) -> u64 {
        let width = self
            .columns
            .map_or(0, |(l, r)| r.saturating_add(1).saturating_sub(l));
        self.rows.saturating_mul(width)
    }
}

/// The `table:table-row` being read: its repeats, the first and last column
/// holding a value, and the column its next cell starts at.
struct OpenRow {
    repeats: u64,
    filled: Option<(u64, u64)>,
    column: u64,
}

/// Adds up the grids of every sheet of an .ods's `content.xml`.
fn check_ods_grid(path: &Path, part: impl Read) -> Result<(), Error> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    let mut done_sheets = 0u64;
    let mut grid = Grid::default();
    let mut rows_so_far = 0u64;
    let mut row: Option<OpenRow> = None;
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match &event {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                grid = Grid::default();
                rows_so_far = 0;
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                done_sheets = done_sheets.saturating_add(grid.cells());
                grid = Grid::default();
            }
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = attribute(e, "table:number-rows-repeated")
                    .unwrap_or(1)
                    .min(MAX_ROWS.saturating_sub(rows_so_far));
                rows_so_far = rows_so_far.saturating_add(repeats);
                row = Some(OpenRow {
                    repeats,
                    filled: None,
                    column: 0,
                });
            }
            // calamine reads `<table:table-row/>` as an empty row, repeats included.
            Event::Empty(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = attribute(e, "table:number-rows-repeated")
                    .unwrap_or(1)
                    .min(MAX_ROWS.saturating_sub(rows_so_far));
                rows_so_far = rows_so_far.saturating_add(repeats);
                grid.add_row(repeats, None);
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => {
                if let Some(done) = row.take() {
                    grid.add_row(done.repeats, done.filled);
                }
                let cells = done_sheets.saturating_add(grid.cells());
                if cells > MAX_GRID_CELLS {
                    return Err(ImportError::RosterTooLarge {
                        path: path.to_owned(),
                        cells,
                        max: MAX_GRID_CELLS,
                    }
                    .into());
                }
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let Some(OpenRow { filled, column, .. }) = row.as_mut() else {
                    continue;
                };
                let repeats = attribute(e, "table:number-columns-repeated")
                    .unwrap_or(1)
                    .min(MAX_COLUMNS.saturating_sub(*column));
                // A cell with content (an element, not `<…/>`), a value type
                // or a formula may hold a value; counted as if it did.
                let valued = matches!(event, Event::Start(_))
                    || has_attribute(e, "office:value-type")
                    || has_attribute(e, "table:formula");
                if valued && repeats > 0 {
                    let (l, r) = (*column, column.saturating_add(repeats).saturating_sub(1));
                    *filled = Some(match *filled {
                        Some((a, b)) => (a.min(l), b.max(r)),
                        None => (l, r),
                    });
                }
                *column = column.saturating_add(repeats);
            }
            _ => {}
        }
    }
    Ok(())
}

fn has_attribute(tag: &BytesStart<'_>, name: &str) -> bool {
    tag.try_get_attribute(name).ok().flatten().is_some()
}

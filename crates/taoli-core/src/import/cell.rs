//! One spreadsheet cell to the stored value of its indicator. Text goes through
//! the same normalization as typed input ([`crate::entry::normalize_value`]);
//! what only spreadsheets do — date cells, serial numbers, numbers where text
//! belongs, ID numbers mangled by Excel — is handled here. Where the cell
//! cannot be read with certainty it is never guessed: the problem goes back to
//! the planner, which refuses the row for an identity cell and otherwise keeps
//! the cell as 待修正 (`import::plan::PendingCell`).

use calamine::Data;
use serde_json::Value;

use super::Worded;
use super::table::{cell_text, number_text};
use crate::catalog::{CodeTable, EffectiveField, FieldType};
use crate::entry::{normalize_moment, normalize_value};
use crate::error::Locale;

/// Why a cell could not be imported: a stable code and the clerk's
/// message, in Chinese and in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub code: &'static str,
    pub text: String,
    pub text_en: String,
}

impl CellProblem {
    fn new(code: &'static str, worded: Worded) -> CellProblem {
        CellProblem {
            code,
            text: worded.zh,
            text_en: worded.en,
        }
    }

    /// The message in both languages.
    pub(crate) fn worded(&self) -> Worded {
        Worded {
            zh: self.text.clone(),
            en: self.text_en.clone(),
        }
    }
}

/// An indicator's label in `locale`.
fn label(field: &EffectiveField, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => field.label.clone(),
        Locale::En => field.label_en.clone(),
    }
}

/// The catalogs' advice for an ID number Excel has mangled, in `locale`.
fn excel_id_fix(locale: Locale) -> String {
    crate::error::messages::render(locale, "import.cell.excel_id_fix", &[])
}

/// Excel's date serials for 1900-01-01 … 2099-12-31; a whole number in this
/// range in a date column is a date cell that lost its format.
const SERIALS: std::ops::RangeInclusive<i64> = 10_000..=73_050;

/// The stored value of `cell` for `field`; `None` for an empty cell.
pub fn convert(
    field: &EffectiveField,
    table: Option<&CodeTable>,
    cell: &Data,
) -> Result<Option<Value>, CellProblem> {
    if let Data::Error(e) = cell {
        return Err(CellProblem::new(
            "import.cell_error",
            Worded::said("import.cell.excel_error", &[("error", format!("{e:?}"))]),
        ));
    }
    if matches!(cell, Data::Empty) {
        return Ok(None);
    }
    match field.kind {
        // A cell of spaces cleans to nothing: an empty cell, like any other.
        FieldType::IdNumber => id_number(cell).map(|v| (!v.is_empty()).then_some(Value::String(v))),
        FieldType::Date | FieldType::YearMonth | FieldType::Year => moment(field, cell),
        FieldType::Code | FieldType::MultiCode | FieldType::YesNo => code(field, table, cell),
        FieldType::Number => match cell {
            Data::Float(f) => Ok(serde_json::Number::from_f64(*f).map(Value::Number)),
            Data::Int(i) => Ok(Some(Value::from(*i))),
            other => text_value(field, table, &cell_text(other)),
        },
        FieldType::Text if field.code == "name" => {
            let name = crate::text::normalize_person_name(&cell_text(cell));
            Ok((!name.is_empty()).then_some(Value::String(name)))
        }
        FieldType::Text | FieldType::Phone | FieldType::Email | FieldType::Region => {
            text_value(field, table, &cell_text(cell))
        }
    }
}

fn text_value(
    field: &EffectiveField,
    table: Option<&CodeTable>,
    text: &str,
) -> Result<Option<Value>, CellProblem> {
    match normalize_value(field, table, text) {
        Ok(Value::Null) => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(CellProblem::new(
            "import.invalid_value",
            Worded::of_error(&e),
        )),
    }
}

/// An ID number as text, cleaned; refused when Excel has turned it into a number.
pub fn id_number(cell: &Data) -> Result<String, CellProblem> {
    let mangled = |shown: String| {
        CellProblem::new(
            "import.id_number_as_number",
            Worded::said_in("import.cell.id_as_number", |l| {
                vec![("shown", shown.clone()), ("fix", excel_id_fix(l))]
            }),
        )
    };
    let text = match cell {
        Data::Float(f) => return Err(mangled(number_text(*f))),
        Data::Int(i) => return Err(mangled(i.to_string())),
        Data::DateTime(_) | Data::DateTimeIso(_) => {
            return Err(CellProblem::new(
                "import.id_number_as_date",
                Worded::said_in("import.cell.id_as_date", |l| {
                    vec![("shown", cell_text(cell)), ("fix", excel_id_fix(l))]
                }),
            ));
        }
        other => cell_text(other),
    };
    let id = crate::id_number::normalize(&text);
    let upper = id.to_ascii_uppercase();
    let scientific = upper.split_once('E').is_some_and(|(m, e)| {
        !m.is_empty()
            && m.chars().all(|c| c.is_ascii_digit() || c == '.')
            && e.trim_start_matches('+')
                .chars()
                .all(|c| c.is_ascii_digit())
            && !e.trim_start_matches('+').is_empty()
    });
    if scientific {
        return Err(mangled(text.trim().to_owned()));
    }
    if id.len() == 18
        && id.ends_with("000")
        && id.bytes().all(|b| b.is_ascii_digit())
        && crate::id_number::check_resident_id(&id).is_err()
    {
        return Err(CellProblem::new(
            "import.id_number_as_number",
            Worded::said_in("import.cell.id_zero_tail", |l| {
                vec![("id", id.clone()), ("fix", excel_id_fix(l))]
            }),
        ));
    }
    Ok(id)
}

fn moment(field: &EffectiveField, cell: &Data) -> Result<Option<Value>, CellProblem> {
    let precision = |date: chrono::NaiveDate| -> String {
        match field.kind {
            FieldType::Year => date.format("%Y").to_string(),
            FieldType::YearMonth => date.format("%Y-%m").to_string(),
            _ => date.format("%Y-%m-%d").to_string(),
        }
    };
    let expected = match field.kind {
        FieldType::Date => "import.cell.expected.date",
        FieldType::YearMonth => "import.cell.expected.year_month",
        _ => "import.cell.expected.year",
    };
    let bad = |shown: &str, why: &str| {
        let shown = crate::text::excerpt(shown, 40);
        CellProblem::new(
            "import.invalid_date",
            Worded::said_in("import.cell.bad_moment", |l| {
                let render = crate::error::messages::render;
                vec![
                    ("label", label(field, l)),
                    ("shown", shown.clone()),
                    ("why", render(l, why, &[])),
                    ("expected", render(l, expected, &[])),
                ]
            }),
        )
    };
    let text = match cell {
        Data::DateTime(d) => {
            return match super::table::excel_datetime(d) {
                Some(dt) => Ok(Some(Value::String(precision(dt.date())))),
                None => Err(bad(&cell_text(cell), "import.cell.why.not_a_date")),
            };
        }
        Data::Float(f) if f.fract() != 0.0 => {
            let shown = number_text(*f);
            // 1985.10 typed into a number cell becomes 1985.1: January or October?
            if let Some((_, month)) = shown.split_once('.')
                && month == "1"
            {
                let year: String = shown.chars().take(4).collect();
                return Err(CellProblem::new(
                    "import.ambiguous_month",
                    Worded::said_in("import.cell.ambiguous_month", |l| {
                        vec![
                            ("label", label(field, l)),
                            ("shown", shown.clone()),
                            ("year", year.clone()),
                        ]
                    }),
                ));
            }
            shown
        }
        Data::Float(f) => whole_number_date(field, *f as i64, precision)?,
        Data::Int(i) => whole_number_date(field, *i, precision)?,
        other => cell_text(other),
    };
    let text = crate::text::to_half_width(text.trim());
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() == 5
        && field.kind != FieldType::Year
        && let Ok(serial) = text.parse::<i64>()
        && SERIALS.contains(&serial)
    {
        return Ok(Some(Value::String(precision(from_serial(serial)))));
    }
    if let Some(stored) = normalize_moment(field.kind, text) {
        return Ok(Some(Value::String(stored)));
    }
    let year_digits = text.chars().take_while(char::is_ascii_digit).count();
    Err(if year_digits == 2 {
        bad(text, "import.cell.why.two_digit_year")
    } else {
        bad(text, "import.cell.why.unrecognized")
    })
}

/// For a date field holding only a year and month (出生年月 1985.03): that
/// year-month, so the plan can complete it from the ID number.
pub fn year_month_only(cell: &Data) -> Option<String> {
    let text = match cell {
        Data::Float(f) if f.fract() == 0.0 => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            let shown = number_text(*f);
            // 1985.1 is January or October: not certain.
            if shown.split_once('.').is_some_and(|(_, m)| m == "1") {
                return None;
            }
            shown
        }
        Data::String(s) => crate::text::to_half_width(s.trim()),
        _ => return None,
    };
    normalize_moment(FieldType::Date, &text)
        .is_none()
        .then(|| normalize_moment(FieldType::YearMonth, &text))
        .flatten()
}

/// A whole number in a date column: 19850304, 198503, a year, or a date serial.
fn whole_number_date(
    field: &EffectiveField,
    n: i64,
    precision: impl Fn(chrono::NaiveDate) -> String,
) -> Result<String, CellProblem> {
    let digits = n.to_string();
    match digits.len() {
        8 | 6 => Ok(digits),
        4 if field.kind == FieldType::Year => Ok(digits),
        5 if SERIALS.contains(&n) => Ok(precision(from_serial(n))),
        _ => Ok(digits),
    }
}

/// The date of an Excel serial number (1900 date system).
fn from_serial(serial: i64) -> chrono::NaiveDate {
    // Serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never
    // was, so from serial 61 on the epoch is 1899-12-30.
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    chrono::Duration::try_days(serial)
        .and_then(|days| epoch.checked_add_signed(days))
        .unwrap_or(epoch)
}

fn code(
    field: &EffectiveField,
    table: Option<&CodeTable>,
    cell: &Data,
) -> Result<Option<Value>, CellProblem> {
    let text = match cell {
        Data::Float(f) if f.fract() == 0.0 => number_text(*f),
        Data::DateTime(_) => {
            return Err(CellProblem::new(
                "import.invalid_value",
                Worded::said_in("import.cell.date_in_code", |l| {
                    vec![("label", label(field, l)), ("shown", cell_text(cell))]
                }),
            ));
        }
        other => cell_text(other),
    };
    // A code typed as a number loses its leading zeros (民族 01 → 1).
    if let Some(table) = table
        && !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && table.resolve(&text).is_none()
        && let Some(padded) = table
            .codes
            .iter()
            .find(|c| c.code.len() > text.len() && c.code.trim_start_matches('0') == text)
    {
        return Ok(Some(match field.kind {
            FieldType::MultiCode => Value::Array(vec![Value::String(padded.code.clone())]),
            _ => Value::String(padded.code.clone()),
        }));
    }
    text_value(field, table, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_count_from_excels_epoch() {
        assert_eq!(from_serial(31_110).to_string(), "1985-03-04");
        assert_eq!(from_serial(61).to_string(), "1900-03-01");
    }

    #[test]
    fn an_id_number_in_scientific_notation_is_refused() {
        let p = id_number(&Data::String("5.10722E+17".into())).unwrap_err();
        assert_eq!(p.code, "import.id_number_as_number");
    }

    #[test]
    fn an_id_number_stored_as_a_number_is_refused() {
        let p = id_number(&Data::Float(510_722_198_503_040_000.0)).unwrap_err();
        assert_eq!(p.code, "import.id_number_as_number");
    }

    #[test]
    fn an_id_number_with_trailing_zeros_lost_by_excel_is_refused() {
        let p = id_number(&Data::String("510722198503040000".into())).unwrap_err();
        assert_eq!(p.code, "import.id_number_as_number");
    }

    #[test]
    fn an_apostrophe_spaces_and_a_small_x_are_cleaned_from_id_numbers() {
        assert_eq!(
            id_number(&Data::String("'11010519491231 002x ".into())).unwrap(),
            "11010519491231002X"
        );
    }
}

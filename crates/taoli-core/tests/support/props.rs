//! What the property tests share (`props_*.rs`, `fuzz_*.rs`): a seeded
//! runner whose case count `PROPTEST_CASES` or `TAOLI_FUZZ_SCALE` raises,
//! and text from everywhere code that counts bytes breaks: CJK (three and
//! four bytes), combining marks, emoji, right-to-left and bidi controls,
//! zero-width characters, NUL and control characters, full-width forms,
//! very long strings, and valid values with some characters swapped for
//! multi-byte ones of the same byte length (`900000000000000中` is as long
//! in bytes as a valid 18-digit number; a check that counts bytes then
//! slices by them panics there).
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRng, TestRunner};

/// A runner for `cases` cases, seeded the same on every run unless
/// `TAOLI_FUZZ_RANDOM` is set. `PROPTEST_CASES=N` runs N cases instead;
/// `TAOLI_FUZZ_SCALE=K` runs K times as many.
pub fn runner(cases: u32) -> TestRunner {
    let env = |name: &str| -> Option<u32> { std::env::var(name).ok()?.parse().ok() };
    let cases = match env("PROPTEST_CASES") {
        Some(n) => n,
        None => cases.saturating_mul(env("TAOLI_FUZZ_SCALE").unwrap_or(1)),
    };
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("TAOLI_FUZZ_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        let rng = TestRng::deterministic_rng(config.rng_algorithm);
        TestRunner::new_with_rng(config, rng)
    }
}

/// True when a message holds Chinese (a clerk's message must).
pub fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Characters that are no trouble alone and every trouble together.
const SPECIAL: [char; 34] = [
    '\u{0}', '\u{7}', '\u{1b}', '\t', '\n', '\r', '\u{85}', '\u{2028}', '\u{202E}', '\u{202A}',
    '\u{2066}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{00AD}', '\u{3000}',
    '\u{FFFD}', 'Ｘ', 'ｘ', '１', '０', '＝', '=', '\'', '‘', '"', ',', '*', '(', '）', '中', 'İ',
];

/// One character from the places text breaks.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::range('0', '9'),
        2 => proptest::char::range('\u{4E00}', '\u{9FFF}'),
        1 => proptest::char::range('\u{20000}', '\u{2A6DF}'),
        1 => proptest::char::range('\u{0300}', '\u{036F}'),
        1 => proptest::char::range('\u{1F300}', '\u{1FAFF}'),
        1 => proptest::char::range('\u{0590}', '\u{06FF}'),
        1 => proptest::char::range('\u{FF01}', '\u{FF5E}'),
        2 => prop::sample::select(SPECIAL.to_vec()),
        1 => proptest::char::range('A', 'Z'),
        2 => any::<char>(),
    ]
}

/// Text of up to `max` hostile characters.
pub fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..=max).prop_map(|cs| cs.into_iter().collect())
}

/// A very long string: one hostile piece repeated up to 3,000 times.
pub fn long_text() -> impl Strategy<Value = String> {
    (hostile_text(4), 1usize..3_000).prop_map(|(piece, n)| piece.repeat(n))
}

/// One change to a valid value.
#[derive(Debug, Clone)]
pub enum Edit {
    /// The character at a position replaced.
    Replace(Index, char),
    /// A character inserted.
    Insert(Index, char),
    /// A character removed.
    Delete(Index),
    /// As many ASCII characters as `char` has bytes replaced by it, so the
    /// value keeps its length in bytes.
    SameBytes(Index, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    let multibyte = prop_oneof![
        Just('é'),
        Just('中'),
        Just('Ｘ'),
        Just('\u{202E}'),
        Just('\u{200B}'),
        Just('😀'),
        Just('𠀀'),
        proptest::char::range('\u{80}', '\u{10FFFF}'),
    ];
    prop_oneof![
        1 => (any::<Index>(), hostile_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
        1 => (any::<Index>(), hostile_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        1 => any::<Index>().prop_map(Edit::Delete),
        3 => (any::<Index>(), multibyte).prop_map(|(i, c)| Edit::SameBytes(i, c)),
    ]
}

/// `value` with the edits made.
pub fn apply(value: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(i, c) => chars.insert(i.index(chars.len() + 1), *c),
            _ if chars.is_empty() => {}
            Edit::Replace(i, c) => {
                let at = i.index(chars.len());
                chars[at] = *c;
            }
            Edit::Delete(i) => {
                chars.remove(i.index(chars.len()));
            }
            Edit::SameBytes(i, c) => {
                let n = c.len_utf8();
                if chars.len() >= n {
                    let at = i.index(chars.len() - n + 1);
                    chars.splice(at..at + n, [*c]);
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// A valid value, or that value changed by a few edits (a multi-byte
/// character where a digit was, one character more or less …).
pub fn near(valid: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (valid, prop::collection::vec(edit(), 0..4)).prop_map(|(v, edits)| apply(&v, &edits))
}

/// Any text: hostile characters, proptest's own Unicode, long runs.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => hostile_text(40),
        2 => any::<String>(),
        1 => long_text(),
    ]
}

//! The recovery code (恢复码) as written on paper: 140 random bits in
//! Crockford's base32 (digits and capital letters without I, L, O, U), in
//! seven groups of five characters read aloud one group at a time:
//!
//! ```text
//! 7KQ4M-XR2ZP-0D9TB-…      each group: four random characters, then a check character
//! ```
//!
//! The check character of group `g` (from 0) with values `v1..v4` is
//! `(v1 + 3·v2 + 5·v3 + 7·v4 + g) mod 32`. The weights are odd, so every
//! single mistyped character changes it (an odd weight is invertible mod 32);
//! two neighbours swapped are caught unless their values differ by exactly
//! 16; and the group's number is in the sum, so two groups swapped are caught
//! too. A mistake is named by its group before any key is derived.
//!
//! Reading forgives what people and input methods do: lower case, spaces,
//! dashes of any kind, full-width characters (NFKC), and Crockford's
//! look-alikes (O for 0, I and L for 1).

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::error::RecoveryError;
use crate::error::{Error, Particular, Result};

/// The groups of a written code.
pub const GROUPS: usize = 7;
/// Characters in a group: four random, one check.
pub const GROUP_CHARS: usize = 5;
/// Random characters in a group.
const GROUP_DATA: usize = 4;
/// Characters of a code, without the dashes.
pub const CODE_CHARS: usize = GROUPS * GROUP_CHARS;
/// Random characters of a code.
const DATA_CHARS: usize = GROUPS * GROUP_DATA;
/// Random bits in a code: five per random character.
pub const CODE_BITS: usize = DATA_CHARS * 5;

/// Crockford's base32 alphabet: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The check character's weight for each random character of a group.
const WEIGHTS: [u32; GROUP_DATA] = [1, 3, 5, 7];

/// A recovery code: 28 random base32 digits (140 bits) from the operating
/// system's CSPRNG. Wiped when dropped; `Debug` never shows it.
pub struct RecoveryCode {
    /// Each 0..32.
    digits: Zeroizing<[u8; DATA_CHARS]>,
}

impl RecoveryCode {
    /// A new random code.
    pub fn generate() -> Result<RecoveryCode> {
        let mut digits = Zeroizing::new([0u8; DATA_CHARS]);
        crate::secrets::random_bytes(&mut digits[..])?;
        for digit in digits.iter_mut() {
            // 256 is a multiple of 32: the low five bits are uniform.
            *digit &= 0x1F;
        }
        Ok(RecoveryCode { digits })
    }

    /// Reads a code as a person typed it. A code of the wrong length, with a
    /// character no code has, or with a group whose check character does
    /// not match is [`RecoveryError::RecoveryCodeMalformed`], naming what is wrong
    /// (never the code itself).
    pub fn parse(typed: &str) -> Result<RecoveryCode> {
        let malformed =
            |detail: Particular| Error::Recovery(RecoveryError::RecoveryCodeMalformed { detail });
        let mut values: Vec<u8> = Vec::with_capacity(CODE_CHARS);
        let normalized: Zeroizing<String> = Zeroizing::new(typed.nfkc().collect());
        for c in normalized.chars() {
            if c.is_whitespace() || is_dash(c) {
                continue;
            }
            match value_of(c) {
                Some(v) => values.push(v),
                None => {
                    return Err(malformed(Particular::said(
                        "particular.recovery_code.character",
                        vec![("character", c.to_string())],
                    )));
                }
            }
        }
        let values = Zeroizing::new(values);
        if values.len() != CODE_CHARS {
            return Err(malformed(Particular::said(
                "particular.recovery_code.length",
                vec![
                    ("characters", CODE_CHARS.to_string()),
                    ("groups", GROUPS.to_string()),
                    ("group_characters", GROUP_CHARS.to_string()),
                    ("typed", values.len().to_string()),
                ],
            )));
        }
        let mut digits = Zeroizing::new([0u8; DATA_CHARS]);
        for (g, group) in values.chunks(GROUP_CHARS).enumerate() {
            let Some((data, check)) = group.split_at_checked(GROUP_DATA) else {
                return Err(malformed(Particular::said(
                    "particular.recovery_code.group_length",
                    vec![],
                )));
            };
            if check.first().copied() != Some(check_digit(g, data)) {
                return Err(malformed(Particular::said(
                    "particular.recovery_code.group",
                    vec![("group", g.saturating_add(1).to_string())],
                )));
            }
            for (k, v) in data.iter().enumerate() {
                if let Some(slot) = digits.get_mut(g.saturating_mul(GROUP_DATA).saturating_add(k)) {
                    *slot = *v;
                }
            }
        }
        Ok(RecoveryCode { digits })
    }

    /// The groups, each five characters: `["7KQ4M", "XR2ZP", …]`.
    pub fn groups(&self) -> Vec<String> {
        self.digits
            .chunks(GROUP_DATA)
            .enumerate()
            .map(|(g, data)| {
                let mut group: String = data.iter().map(|v| letter(*v)).collect();
                group.push(letter(check_digit(g, data)));
                group
            })
            .collect()
    }

    /// The code as written: groups joined by dashes (`7KQ4M-XR2ZP-…`).
    pub fn display(&self) -> Zeroizing<String> {
        Zeroizing::new(self.groups().join("-"))
    }

    /// The code without dashes, as keys are derived from it.
    pub(crate) fn canonical(&self) -> Zeroizing<String> {
        Zeroizing::new(self.groups().concat())
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(hidden)")
    }
}

fn check_digit(group: usize, data: &[u8]) -> u8 {
    let sum = data
        .iter()
        .zip(WEIGHTS)
        .fold(0u32, |sum, (v, w)| {
            sum.wrapping_add(u32::from(*v).wrapping_mul(w))
        })
        .wrapping_add(u32::try_from(group).unwrap_or(0));
    u8::try_from(sum % 32).unwrap_or(0)
}

fn letter(value: u8) -> char {
    ALPHABET
        .get(usize::from(value))
        .map_or('?', |b| char::from(*b))
}

/// The value of a character as typed: Crockford's decoding, case-blind,
/// with O read as 0 and I, L as 1. U and anything else is no character of a code.
fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|b| char::from(*b) == c)
        .and_then(|p| u8::try_from(p).ok())
}

/// Dashes and dots people put between groups (hyphen, en and em dash, the
/// Chinese 一-like dashes, minus, underscore, middle dot).
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '_' | '.' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{00B7}' | '\u{30FB}'
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_generated_code_reads_back_as_itself() {
        let code = RecoveryCode::generate().unwrap();
        let text = code.display();
        assert_eq!(text.len(), CODE_CHARS + GROUPS - 1);
        let back = RecoveryCode::parse(&text).unwrap();
        assert_eq!(back.display().as_str(), text.as_str());
    }

    #[test]
    fn every_single_character_mistake_is_caught() {
        let code = RecoveryCode::generate().unwrap();
        let text = code.canonical();
        for (i, original) in text.chars().enumerate() {
            for replacement in ALPHABET.iter().map(|b| char::from(*b)) {
                if replacement == original {
                    continue;
                }
                let typo: String = text
                    .chars()
                    .enumerate()
                    .map(|(k, c)| if k == i { replacement } else { c })
                    .collect();
                assert!(RecoveryCode::parse(&typo).is_err(), "{i}: {replacement}");
            }
        }
    }

    #[test]
    fn debug_never_shows_the_code() {
        let code = RecoveryCode::generate().unwrap();
        let shown = format!("{code:?}");
        assert!(!shown.contains(&code.groups()[0]), "{shown}");
    }
}

//! The fingerprint (指纹) of a sheet: the first 12 hexadecimal digits of the
//! SHA-256 of the canonical JSON of the teacher's information as printed
//! ([`TeacherInfo`]). Canonical JSON: object keys sorted by code point, no
//! white space, strings escaped as `serde_json` writes them (non-ASCII kept as
//! UTF-8). The same information always gives the same fingerprint; any change
//! to a printed value or label gives another.

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::content::TeacherInfo;
use crate::error::{Error, Result};

/// How many hexadecimal digits a fingerprint has.
pub const FINGERPRINT_LEN: usize = 12;

/// The fingerprint of a teacher's printed information.
pub fn of(info: &TeacherInfo) -> Result<String> {
    let mut text = String::new();
    canonical(&serde_json::to_value(info)?, &mut text)?;
    let digest = Sha256::digest(text.as_bytes());
    Ok(digest
        .iter()
        .take(FINGERPRINT_LEN / 2)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A fingerprint as a clerk types it (spaces, dashes, capitals) in its stored
/// form, or `None` when it is not 12 hexadecimal digits.
pub fn normalize(raw: &str) -> Option<String> {
    let clean: String = crate::text::to_half_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (clean.len() == FINGERPRINT_LEN && clean.chars().all(|c| c.is_ascii_hexdigit()))
        .then_some(clean)
}

fn canonical(value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key)?);
                out.push(':');
                canonical(item, out)?;
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out)?;
            }
            out.push(']');
        }
        scalar => out.push_str(&serde_json::to_string(scalar).map_err(Error::Json)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canonical_text(value: Value) -> String {
        let mut out = String::new();
        canonical(&value, &mut out).unwrap();
        out
    }

    #[test]
    fn canonical_json_sorts_keys_and_drops_white_space() {
        let text = canonical_text(json!({"b": [1, {"d": "丁", "c": null}], "a": true}));
        assert_eq!(text, r#"{"a":true,"b":[1,{"c":null,"d":"丁"}]}"#);
    }

    #[test]
    fn a_typed_fingerprint_is_read_without_spaces_dashes_or_capitals() {
        assert_eq!(
            normalize(" 3F9A-21C0 b7e4 ").as_deref(),
            Some("3f9a21c0b7e4")
        );
        assert_eq!(normalize("3f9a21c0b7e"), None);
        assert_eq!(normalize("3f9a21c0b7eg"), None);
    }
}

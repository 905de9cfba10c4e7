//! The two text helpers the protocol needs, small enough to keep here
//! rather than depend on `taoli-core`'s `text` module (which has the same
//! rules for the school file).

/// Full-width ASCII forms (Ａ, １, －) and the ideographic space made
/// half-width, as a clerk's input method may type them.
pub(crate) fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => {
                char::from_u32((c as u32).saturating_sub(0xFEE0)).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// At most `max` characters of `s`, cut at a character boundary, with `…`
/// when something was cut.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", s.get(..end).unwrap_or(s)),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_become_half_width() {
        assert_eq!(to_half_width("ＡＢ－１２\u{3000}ｃ"), "AB-12 c");
        assert_eq!(to_half_width("张三"), "张三");
    }

    #[test]
    fn an_excerpt_cuts_long_text_at_a_character_boundary() {
        assert_eq!(excerpt("张三李四", 2), "张三…");
        assert_eq!(excerpt("张三", 2), "张三");
        assert_eq!(excerpt("", 0), "");
    }
}

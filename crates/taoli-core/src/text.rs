//! Small text normalizations shared by every place that takes typed input.

/// Full-width ASCII forms (as typed with a Chinese input method) to half-width,
/// and the ideographic space to a plain space.
pub fn to_half_width(s: &str) -> String {
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

/// Text fit for a file name: the characters file systems refuse (and control
/// characters) replaced with `_`.
pub fn file_name_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect()
}

/// True for characters of the CJK ideograph blocks.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F | 0x3007)
}

/// A person's name as it should be stored: trimmed, inner runs of white space
/// collapsed, and no spaces at all between Chinese characters (张 三 → 张三),
/// while Latin names keep one space between words.
pub fn normalize_person_name(raw: &str) -> String {
    let words: Vec<&str> = raw
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::with_capacity(raw.len());
    let mut prev: Option<&str> = None;
    for word in words {
        if let Some(prev) = prev {
            let prev_cjk = prev.chars().last().is_some_and(is_cjk);
            let next_cjk = word.chars().next().is_some_and(is_cjk);
            if !(prev_cjk && next_cjk) {
                out.push(' ');
            }
        }
        out.push_str(word);
        prev = Some(word);
    }
    out
}

/// What kind of character `c` is, when it has no place in a name: a control
/// character (BEL, ESC …); a bidirectional control that reorders what
/// follows it (U+202E RIGHT-TO-LEFT OVERRIDE shows 王\u{202E}五六 as 王六五); a
/// zero-width character that hides in the text; or U+FFFD, which a decoder
/// leaves where it could not read the bytes (mojibake). `None` otherwise.
///
/// The kind is a code; `word.invisible.<kind>` in the message catalogs says it.
pub fn invisible_kind(c: char) -> Option<&'static str> {
    match c {
        c if c.is_control() => Some("control"),
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("direction"),
        '\u{200B}'..='\u{200D}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{180E}' => Some("zero_width"),
        '\u{FFFD}' => Some("replacement"),
        _ => None,
    }
}

/// At most `max` characters of `s`, and 「…」 when it was cut: how a message
/// quotes a value, so a 5 MB cell does not make a 5 MB message.
pub fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", s.get(..end).unwrap_or(s)),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_lose_inner_spaces() {
        assert_eq!(normalize_person_name(" 张\u{3000}三 "), "张三");
        assert_eq!(normalize_person_name("欧阳  小 明"), "欧阳小明");
    }

    #[test]
    fn an_excerpt_cuts_long_text_at_a_character_boundary() {
        assert_eq!(excerpt("张三李四", 2), "张三…");
        assert_eq!(excerpt("张三", 2), "张三");
    }

    #[test]
    fn bidi_overrides_and_zero_width_spaces_are_invisible() {
        assert_eq!(invisible_kind('\u{202E}'), Some("direction"));
        assert_eq!(invisible_kind('\u{200B}'), Some("zero_width"));
        assert_eq!(invisible_kind('\u{7}'), Some("control"));
        assert_eq!(invisible_kind('·'), None);
    }

    #[test]
    fn latin_names_keep_one_space_between_words() {
        assert_eq!(normalize_person_name("  John   Smith "), "John Smith");
    }
}

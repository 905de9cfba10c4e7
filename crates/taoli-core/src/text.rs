//! Small text normalizations shared by every place that takes typed input.

/// Full-width ASCII forms (as typed with a Chinese input method) to half-width,
/// and the ideographic space to a plain space.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
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
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            let prev_cjk = words[i - 1].chars().last().is_some_and(is_cjk);
            let next_cjk = word.chars().next().is_some_and(is_cjk);
            if !(prev_cjk && next_cjk) {
                out.push(' ');
            }
        }
        out.push_str(word);
    }
    out
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
    fn latin_names_keep_one_space_between_words() {
        assert_eq!(normalize_person_name("  John   Smith "), "John Smith");
    }
}

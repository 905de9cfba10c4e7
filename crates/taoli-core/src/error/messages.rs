//! The message catalogs: every user-facing message of the core, per
//! locale, keyed by its error code (`crates/taoli-core/messages/*.toml`).
//!
//! A template names its arguments in braces (`{path}`, `{detail}`); an
//! [`Error`](super::Error) gives them by name ([`super::Error::arguments`]).
//! The catalogs are embedded at build time and parsed once. A catalog that
//! does not parse, or lacks a key, never stops a message from being said:
//! the Chinese one is used, else the code with its arguments
//! (`tests/messages.rs` proves the shipped catalogs parse and are complete).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

const ZH_CN_TOML: &str = include_str!("../../messages/zh-CN.toml");
const EN_TOML: &str = include_str!("../../messages/en.toml");

/// The language messages are said in: Simplified Chinese unless the clerk
/// chose English (the UI's language, the CLI's `TAOLI_LANG=en`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The tag, as the UI and the catalogs' file names spell it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// A locale from a tag or a language setting (`en`, `en_US.UTF-8`,
    /// `zh-CN`, `zh`); None for a language Taoli has no messages in.
    pub fn parse(text: &str) -> Option<Locale> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.starts_with("en") {
            Some(Locale::En)
        } else if lower.starts_with("zh") {
            Some(Locale::ZhCn)
        } else {
            None
        }
    }

    fn index(self) -> u8 {
        match self {
            Locale::ZhCn => 0,
            Locale::En => 1,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Locale::ZhCn => ZH_CN_TOML,
            Locale::En => EN_TOML,
        }
    }
}

/// A locale several threads read and one place changes: the app's, set by
/// the window and read by whatever makes its messages (the sync worker too).
#[derive(Debug, Clone, Default)]
pub struct SharedLocale(Arc<AtomicU8>);

impl SharedLocale {
    pub fn new(locale: Locale) -> SharedLocale {
        SharedLocale(Arc::new(AtomicU8::new(locale.index())))
    }

    pub fn get(&self) -> Locale {
        match self.0.load(Ordering::Relaxed) {
            1 => Locale::En,
            _ => Locale::ZhCn,
        }
    }

    pub fn set(&self, locale: Locale) {
        self.0.store(locale.index(), Ordering::Relaxed);
    }
}

type Templates = HashMap<String, String>;

/// One catalog, parsed on first use: its templates, or why it did not parse.
pub fn catalog(locale: Locale) -> Result<&'static Templates, &'static str> {
    static ZH_CN: OnceLock<Result<Templates, String>> = OnceLock::new();
    static EN: OnceLock<Result<Templates, String>> = OnceLock::new();
    let slot = match locale {
        Locale::ZhCn => &ZH_CN,
        Locale::En => &EN,
    };
    slot.get_or_init(|| toml::from_str::<Templates>(locale.source()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(String::as_str)
}

/// The template of `key` in `locale`, if the catalog has it.
pub fn template(locale: Locale, key: &str) -> Option<&'static str> {
    catalog(locale).ok()?.get(key).map(String::as_str)
}

/// The message `key` in `locale` with its arguments put in: the Chinese
/// one when `locale`'s catalog lacks it, else the key and the arguments.
pub fn render(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    match template(locale, key).or_else(|| template(Locale::ZhCn, key)) {
        Some(template) => fill(template, args),
        None => {
            let named: Vec<String> = args.iter().map(|(n, v)| format!("{n}={v}")).collect();
            if named.is_empty() {
                key.to_owned()
            } else {
                format!("{key} ({})", named.join(", "))
            }
        }
    }
}

/// One of Taoli's own words for a value of `kind` (an operation, a batch's
/// state, a backup's reason …), said in `locale`: `word.<kind>.<code>` of
/// the catalogs. Where a word is also stored (in the audit trail, in a file
/// name), the stored word is the Chinese one and never changes.
pub fn word(locale: Locale, kind: &str, code: &str) -> String {
    render(locale, &format!("word.{kind}.{code}"), &[])
}

/// `items` as a list in `locale` (甲、乙、丙 / a, b, c).
pub fn listed(locale: Locale, items: impl IntoIterator<Item = String>) -> String {
    let separator = render(locale, "list.separator", &[]);
    items.into_iter().collect::<Vec<_>>().join(&separator)
}

/// A name with its code after it, in `locale` (学历（21） / Degree (21)).
pub fn named_code(locale: Locale, name: &str, code: &str) -> String {
    render(
        locale,
        "list.named_code",
        &[("name", name.to_owned()), ("code", code.to_owned())],
    )
}

/// `template` with each `{name}` replaced by its argument, in one pass (an
/// argument's own braces are left as they are). A name without an argument
/// stays as written.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len().saturating_add(32));
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let after = from_brace.get(1..).unwrap_or("");
        let value = placeholder(after).and_then(|name| args.iter().find(|(n, _)| *n == name));
        match value {
            Some((name, value)) => {
                out.push_str(value);
                rest = after.get(name.len().saturating_add(1)..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The names a template's placeholders use.
pub fn placeholders(template: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open.saturating_add(1)..).unwrap_or("");
        names.extend(placeholder(after));
        rest = after;
    }
    names
}

/// The placeholder name `text` starts with (what follows a `{`): lower-case
/// ASCII letters, digits and underscores, closed by `}`.
fn placeholder(text: &str) -> Option<&str> {
    let (name, _) = text.split_once('}')?;
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_each_argument_in_its_place() {
        let args = [("path", "a.xlsx".to_owned()), ("line", "3".to_owned())];
        assert_eq!(
            fill("花名册 {path} 第 {line} 行（{line}）", &args),
            "花名册 a.xlsx 第 3 行（3）"
        );
    }

    #[test]
    fn fill_leaves_an_argument_s_own_braces_alone() {
        let args = [("detail", "{path}".to_owned()), ("path", "x".to_owned())];
        assert_eq!(fill("{detail} {path}", &args), "{path} x");
    }

    #[test]
    fn fill_keeps_unknown_names_and_lone_braces() {
        assert_eq!(fill("{nope} { {", &[]), "{nope} { {");
    }

    #[test]
    fn render_falls_back_to_the_key_and_arguments() {
        assert_eq!(
            render(Locale::En, "no.such_key", &[("a", "1".to_owned())]),
            "no.such_key (a=1)"
        );
    }

    #[test]
    fn locale_parses_tags_and_language_settings() {
        assert_eq!(Locale::parse("en_US.UTF-8"), Some(Locale::En));
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("fr"), None);
    }

    #[test]
    fn shared_locale_is_seen_by_its_clones() {
        let shared = SharedLocale::default();
        let seen = shared.clone();
        shared.set(Locale::En);
        assert_eq!(seen.get(), Locale::En);
    }
}

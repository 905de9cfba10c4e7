//! Words in both of Taoli's languages, for what is said before the
//! language it will be read in is known (an import's preview, an error
//! raised where no locale is at hand).

use super::{Error, Locale};

/// A sentence or a name in both of Taoli's languages, worded by the message
/// catalogs (`messages/*.toml`) or taken from the indicator catalog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Worded {
    pub zh: String,
    pub en: String,
}

impl Worded {
    /// The catalogs' `key` with `args`, the same in both languages.
    pub(crate) fn said(key: &str, args: &[(&'static str, String)]) -> Worded {
        Worded::said_in(key, |_| args.to_vec())
    }

    /// The catalogs' `key` with arguments worded for each language (an
    /// indicator's label, a sentence of its own).
    pub(crate) fn said_in(
        key: &str,
        args: impl Fn(Locale) -> Vec<(&'static str, String)>,
    ) -> Worded {
        use super::messages::render;
        Worded {
            zh: render(Locale::ZhCn, key, &args(Locale::ZhCn)),
            en: render(Locale::En, key, &args(Locale::En)),
        }
    }

    /// `items` listed in both languages (甲、乙 / 甲, 乙), each item worded
    /// for the language.
    pub fn list<I: IntoIterator<Item = String>>(items: impl Fn(Locale) -> I) -> Worded {
        Worded {
            zh: super::messages::listed(Locale::ZhCn, items(Locale::ZhCn)),
            en: super::messages::listed(Locale::En, items(Locale::En)),
        }
    }

    /// An error's message in both languages, without its closing stop.
    pub(crate) fn of_error(error: &Error) -> Worded {
        let bare = |s: String| s.trim_end_matches(['。', '.']).to_owned();
        Worded {
            zh: bare(error.message(Locale::ZhCn)),
            en: bare(error.message(Locale::En)),
        }
    }

    /// This one in `locale`, taken.
    pub(crate) fn into_locale(self, locale: Locale) -> String {
        match locale {
            Locale::ZhCn => self.zh,
            Locale::En => self.en,
        }
    }

    /// This one in `locale`.
    pub(crate) fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::ZhCn => &self.zh,
            Locale::En => &self.en,
        }
    }
}

//! 行政区划 (administrative divisions, GB/T 2260) of county level and above:
//! the table `catalog/regions/regions.tsv`, which `scripts/regions/generate.mjs`
//! writes from a pinned public data package (never typed by hand; the
//! package and its edition are named in the file's header), what a clerk
//! writes resolved to a division's code, and the search that the region
//! picker and `taoli catalog --regions` share.
//!
//! A field of type `region` stores the six-digit code; any level may be
//! chosen (a province or a city alone is stored as its code).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::error::messages::{listed, named_code, render};
use crate::error::{Particular, Worded};
use serde::Serialize;
use ts_rs::TS;

/// The code table whose names (藏族, 维吾尔族 …) an autonomous division's
/// short name leaves out (阿坝藏族羌族自治州 → 阿坝).
pub const ETHNICITY_TABLE: &str = "ethnicity";

/// One administrative division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Region {
    /// Six digits, e.g. 510107.
    pub code: String,
    /// The division's own name (武侯区).
    pub name: String,
    /// 1 province, 2 prefecture-level city, 3 county.
    pub level: u8,
    /// The division it belongs to; none for a province. Counties of the four
    /// municipalities and the province-administered ones (济源市) belong to
    /// their province directly.
    pub parent: Option<String>,
    /// The name's pinyin without tones or spaces (wuhouqu).
    pub pinyin: String,
    /// The first letters of its syllables (whq).
    pub initials: String,
}

/// The whole table, with where it comes from.
#[derive(Debug, Serialize, TS)]
pub struct Regions {
    /// The data package it was made from.
    pub source: String,
    /// The data's edition, as the package names it.
    pub edition: String,
    /// Every division, in code order.
    pub regions: Vec<Region>,
    #[serde(skip)]
    #[ts(skip)]
    index: HashMap<String, usize>,
    /// Ethnic group names left out of short names.
    #[serde(skip)]
    #[ts(skip)]
    ethnic: Vec<String>,
    #[serde(skip)]
    #[ts(skip)]
    forms: OnceLock<Forms>,
}

/// Why a written value is not one division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionMiss<'a> {
    /// No division has this name.
    Unknown,
    /// Digits that are no division's code in this edition.
    UnknownCode(String),
    /// The name fits several divisions.
    Ambiguous(Vec<&'a Region>),
    /// 「代码-名称」 whose name is not the code's division.
    Mismatch { region: &'a Region, name: String },
}

/// Every name and short name a division is written as → (division, is a short name).
#[derive(Debug, Default)]
struct Forms {
    map: HashMap<String, Vec<(usize, bool)>>,
    /// The longest form, in characters.
    longest: usize,
}

/// Endings a short name drops, longest first.
const SUFFIXES: &[&str] = &[
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "矿区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
];

/// Endings an older name of a division may have had instead of its own
/// (双流县 for today's 双流区), by level. Tried only when nothing else fits.
const FORMER_SUFFIXES: [&[&str]; 3] = [
    &["省", "市", "自治区"],
    &["市", "地区", "自治州", "盟"],
    &["县", "区", "市", "旗", "自治县", "自治旗", "特区", "林区"],
];

/// The longest text read as a division (the longest full name with its code
/// is under 40 characters); longer text names none.
const MAX_TEXT: usize = 60;

/// Words statistical tables put between levels that name no division.
const NOISE: &[&str] = &["市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"];

/// Characters written between the levels of a name or around a code.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '/' | '\\'
                | '-'
                | '－'
                | '—'
                | '–'
                | '_'
                | '·'
                | '•'
                | '、'
                | ','
                | '，'
                | '>'
                | '＞'
                | '|'
                | ':'
                | '：'
                | '.'
                | '。'
        )
}

impl Regions {
    /// Reads the generated table. `ethnic` are the ethnic group names whose
    /// words an autonomous division's short name drops.
    pub(crate) fn parse(text: &str, ethnic: Vec<String>) -> Result<Regions, String> {
        let mut source = None;
        let mut edition = None;
        let mut regions = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let at = n.saturating_add(1);
            if let Some(comment) = line.strip_prefix('#') {
                if let Some((key, value)) = comment.split_once(':') {
                    match key.trim() {
                        "source" => source = Some(value.trim().to_owned()),
                        "edition" => edition = Some(value.trim().to_owned()),
                        _ => {}
                    }
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [code, name, level, parent, pinyin, initials] = cols.as_slice() else {
                return Err(format!("第 {at} 行应有 6 列，实有 {} 列", cols.len()));
            };
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("第 {at} 行的代码「{code}」不是 6 位数字"));
            }
            let level: u8 = match level.parse() {
                Ok(l @ 1..=3) => l,
                _ => return Err(format!("第 {at} 行的级别「{level}」应为 1、2 或 3")),
            };
            regions.push(Region {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                level,
                parent: (!parent.is_empty()).then(|| (*parent).to_owned()),
                pinyin: (*pinyin).to_owned(),
                initials: (*initials).to_owned(),
            });
        }
        let mut index = HashMap::with_capacity(regions.len());
        for (i, r) in regions.iter().enumerate() {
            if index.insert(r.code.clone(), i).is_some() {
                return Err(format!("代码 {} 重复", r.code));
            }
        }
        for r in &regions {
            match (&r.parent, r.level) {
                (None, 1) => {}
                (Some(p), level) if level > 1 => {
                    let parent = index
                        .get(p)
                        .and_then(|&i| regions.get(i))
                        .ok_or_else(|| format!("{} {} 的上级 {p} 不存在", r.code, r.name))?;
                    if parent.level >= level {
                        return Err(format!("{} {} 的上级 {p} 级别不高于它", r.code, r.name));
                    }
                }
                _ => return Err(format!("{} {} 的级别与上级不符", r.code, r.name)),
            }
        }
        let mut ethnic: Vec<String> = ethnic
            .into_iter()
            .filter(|e| e.ends_with('族'))
            .flat_map(|e| {
                // 维吾尔 and 蒙古 are also written without 族 (新疆维吾尔自治区).
                let stem = e.trim_end_matches('族').to_owned();
                let stem = (stem.chars().count() >= 2).then_some(stem);
                std::iter::once(e).chain(stem)
            })
            .collect();
        ethnic.sort_by_key(|e| std::cmp::Reverse(e.chars().count()));
        Ok(Regions {
            source: source.ok_or("表头缺少 source")?,
            edition: edition.ok_or("表头缺少 edition")?,
            regions,
            index,
            ethnic,
            forms: OnceLock::new(),
        })
    }

    /// The division with this six-digit code.
    pub fn get(&self, code: &str) -> Option<&Region> {
        self.index.get(code).and_then(|&i| self.regions.get(i))
    }

    fn at(&self, i: usize) -> Option<&Region> {
        self.regions.get(i)
    }

    /// The division and those above it, province first.
    pub fn path(&self, code: &str) -> Vec<&Region> {
        let mut path = Vec::with_capacity(3);
        let mut next = self.get(code);
        while let Some(r) = next {
            if path.len() >= 3 {
                break;
            }
            path.push(r);
            next = r.parent.as_deref().and_then(|p| self.get(p));
        }
        path.reverse();
        path
    }

    /// The full name, as exports and sheets write it: 四川省成都市武侯区.
    pub fn path_name(&self, code: &str) -> Option<String> {
        let path = self.path(code);
        (!path.is_empty()).then(|| path.iter().map(|r| r.name.as_str()).collect())
    }

    /// What a stored value shows: the full name of a code, else the value as stored.
    pub fn display(&self, value: &str) -> String {
        self.path_name(value.trim())
            .unwrap_or_else(|| value.trim().to_owned())
    }

    /// True when `ancestor` is above `region`.
    fn is_above(&self, ancestor: usize, region: usize) -> bool {
        let mut next = self.at(region).and_then(|r| r.parent.as_deref());
        for _ in 0..3 {
            let Some(code) = next else { return false };
            let Some(&i) = self.index.get(code) else {
                return false;
            };
            if i == ancestor {
                return true;
            }
            next = self.at(i).and_then(|r| r.parent.as_deref());
        }
        false
    }

    fn forms(&self) -> &Forms {
        self.forms.get_or_init(|| {
            let mut forms = Forms::default();
            for (i, r) in self.regions.iter().enumerate() {
                let mut add = |form: String, short: bool| {
                    forms.longest = forms.longest.max(form.chars().count());
                    forms.map.entry(form).or_default().push((i, short));
                };
                add(r.name.clone(), false);
                if let Some(short) = short_name(&r.name, &self.ethnic) {
                    add(short, true);
                }
            }
            forms
        })
    }

    /// The division a clerk's text stands for: its code (six digits, or the
    /// twelve of the statistical tables), its full name (四川省成都市武侯区),
    /// names with levels or 省/市/县 left out (四川成都武侯, 成都市武侯区) when
    /// only one division fits, 「代码-名称」 and 「名称(代码)」 when code and
    /// name agree. A short name that is a province's is the province (海南);
    /// one that names a division and one inside it is the outer one (吉林).
    pub fn resolve(&self, raw: &str) -> Result<&Region, RegionMiss<'_>> {
        let text: String = crate::text::to_half_width(raw)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let text = text.trim_matches(is_separator);
        // No division's full name, with its code, comes near this.
        if text.chars().count() > MAX_TEXT {
            return Err(RegionMiss::Unknown);
        }
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let rest: String = text.chars().skip(digits.chars().count()).collect();
            let rest = rest.trim_matches(|c| is_separator(c) || "()（）".contains(c));
            return self.coded(&digits, rest);
        }
        if let Some(body) = text.strip_suffix(')').or_else(|| text.strip_suffix('）'))
            && let Some((name, code)) = body.rsplit_once(['(', '（'])
            && !code.is_empty()
            && code.bytes().all(|b| b.is_ascii_digit())
        {
            return self.coded(code, name.trim_matches(is_separator));
        }
        let name: String = text.chars().filter(|c| !is_separator(*c)).collect();
        self.pick(self.candidates(&name))
    }

    /// A code, and the name written with it (may be empty).
    fn coded(&self, digits: &str, name: &str) -> Result<&Region, RegionMiss<'_>> {
        let code = match digits.len() {
            12 if digits.ends_with("000000") => digits.get(..6),
            6 => Some(digits),
            _ => None,
        };
        let region = code
            .and_then(|c| self.get(c))
            .ok_or_else(|| RegionMiss::UnknownCode(digits.to_owned()))?;
        let name: String = name.chars().filter(|c| !is_separator(*c)).collect();
        if name.is_empty() {
            return Ok(region);
        }
        let fits = self
            .candidates(&name)
            .into_iter()
            .filter_map(|i| self.at(i))
            .any(|r| r.code == region.code);
        if fits {
            Ok(region)
        } else {
            Err(RegionMiss::Mismatch { region, name })
        }
    }

    /// Every division the whole of `name` can be read as.
    fn candidates(&self, name: &str) -> Vec<usize> {
        let chars: Vec<char> = name.chars().collect();
        let mut found = Vec::new();
        if chars.is_empty() {
            return found;
        }
        self.walk(&chars, 0, None, false, &mut found);
        if found.is_empty() {
            self.walk(&chars, 0, None, true, &mut found);
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Reads `chars[start..]` as names of divisions, each inside the one before.
    fn walk(
        &self,
        chars: &[char],
        start: usize,
        after: Option<usize>,
        former: bool,
        found: &mut Vec<usize>,
    ) {
        let forms = self.forms();
        let rest = chars.get(start..).unwrap_or_default();
        for noise in NOISE {
            let len = noise.chars().count();
            if after.is_some()
                && rest.len() > len
                && rest.iter().take(len).copied().eq(noise.chars())
            {
                self.walk(chars, start.saturating_add(len), after, former, found);
            }
        }
        for len in 1..=forms.longest.min(rest.len()) {
            let piece: String = rest.iter().take(len).collect();
            let Some(entries) = forms.map.get(&piece) else {
                continue;
            };
            let end = start.saturating_add(len);
            for &(i, short) in entries {
                if after.is_some_and(|a| !self.is_above(a, i)) {
                    continue;
                }
                let mut ends = vec![end];
                if former
                    && short
                    && let Some(level) = self.at(i).map(|r| usize::from(r.level))
                    && let Some(suffixes) = FORMER_SUFFIXES.get(level.saturating_sub(1))
                {
                    let after_piece = chars.get(end..).unwrap_or_default();
                    for suffix in *suffixes {
                        let n = suffix.chars().count();
                        if after_piece.len() >= n
                            && after_piece.iter().take(n).copied().eq(suffix.chars())
                        {
                            ends.push(end.saturating_add(n));
                        }
                    }
                }
                for next in ends {
                    if next >= chars.len() {
                        found.push(i);
                    } else {
                        self.walk(chars, next, Some(i), former, found);
                    }
                }
            }
        }
    }

    fn pick(&self, found: Vec<usize>) -> Result<&Region, RegionMiss<'_>> {
        let regions: Vec<(usize, &Region)> = found
            .into_iter()
            .filter_map(|i| self.at(i).map(|r| (i, r)))
            .collect();
        match regions.as_slice() {
            [] => return Err(RegionMiss::Unknown),
            [(_, one)] => return Ok(one),
            _ => {}
        }
        // One division and divisions inside it: the outer one (吉林 → 吉林省).
        if let Some(&(outer, region)) = regions.iter().min_by_key(|(_, r)| r.level)
            && regions
                .iter()
                .all(|&(i, _)| i == outer || self.is_above(outer, i))
        {
            return Ok(region);
        }
        // A province's short name is the province (海南 → 海南省).
        let provinces: Vec<&Region> = regions
            .iter()
            .map(|(_, r)| *r)
            .filter(|r| r.level == 1)
            .collect();
        if let [province] = provinces.as_slice() {
            return Ok(province);
        }
        Err(RegionMiss::Ambiguous(
            regions.into_iter().map(|(_, r)| r).collect(),
        ))
    }

    /// The divisions a search finds, in code order: `query` is a code's
    /// leading digits, part of the full name, or pieces each starting a
    /// level's name, pinyin or initials, in order (四川成都, chengduwuhou,
    /// scwh, 成都wh). A division matches when its full name does, so a
    /// city's search also lists its counties. An empty query finds all.
    pub fn search(&self, query: &str) -> Vec<&Region> {
        let query: String = crate::text::to_half_width(query)
            .chars()
            .filter(|c| !is_separator(*c))
            .flat_map(char::to_lowercase)
            .collect();
        if query.chars().count() > MAX_TEXT {
            return Vec::new();
        }
        self.regions
            .iter()
            .filter(|r| query.is_empty() || self.matches(r, &query))
            .collect()
    }

    fn matches(&self, region: &Region, query: &str) -> bool {
        if query.bytes().all(|b| b.is_ascii_digit()) {
            return region.code.starts_with(query);
        }
        let path = self.path(&region.code);
        let full: String = path.iter().map(|r| r.name.as_str()).collect();
        if full.contains(query) {
            return true;
        }
        let chars: Vec<char> = query.chars().collect();
        pieces_match(&chars, &path)
    }
}

/// True when `query` reads as pieces, each the start of a later level's name,
/// pinyin or initials than the one before.
fn pieces_match(query: &[char], levels: &[&Region]) -> bool {
    if query.is_empty() {
        return true;
    }
    levels.iter().enumerate().any(|(at, level)| {
        let later = levels.get(at.saturating_add(1)..).unwrap_or_default();
        let mut piece = String::new();
        for (len, c) in query.iter().enumerate() {
            piece.push(*c);
            let starts = level.name.starts_with(&piece)
                || level.pinyin.starts_with(&piece)
                || level.initials.starts_with(&piece);
            // A longer piece cannot start the level where this one does not.
            if !starts {
                return false;
            }
            if pieces_match(
                query.get(len.saturating_add(1)..).unwrap_or_default(),
                later,
            ) {
                return true;
            }
        }
        false
    })
}

/// The name without its ending, and for an autonomous division without the
/// ethnic groups it names: 四川省 → 四川, 阿坝藏族羌族自治州 → 阿坝,
/// 新疆维吾尔自治区 → 新疆. None when that leaves fewer than two characters.
fn short_name(name: &str, ethnic: &[String]) -> Option<String> {
    let (stem, suffix) = SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s).map(|stem| (stem, *s)))?;
    let mut stem = stem.to_owned();
    if suffix.starts_with("自治") {
        while let Some(shorter) = ethnic
            .iter()
            .find_map(|e| stem.strip_suffix(e.as_str()))
            .filter(|s| s.chars().count() >= 2)
        {
            stem = shorter.to_owned();
        }
    }
    (stem.chars().count() >= 2).then_some(stem)
}

impl RegionMiss<'_> {
    /// What is wrong, for the clerk (without the field and value, which the
    /// caller names).
    pub fn problem(&self, regions: &Regions) -> Particular {
        match self {
            RegionMiss::Unknown => Particular::said("particular.region.unknown", vec![]),
            RegionMiss::UnknownCode(code) => Particular::said(
                "particular.region.unknown_code",
                vec![("code", code.clone()), ("edition", regions.edition.clone())],
            ),
            RegionMiss::Ambiguous(found) => {
                let example = found
                    .first()
                    .map(|r| regions.display(&r.code))
                    .unwrap_or_default();
                Particular::from(Worded::said_in("particular.region.ambiguous", |locale| {
                    let shown = found
                        .iter()
                        .take(6)
                        .map(|r| named_code(locale, &regions.display(&r.code), &r.code));
                    let more = if found.len() > 6 {
                        render(locale, "list.more", &[])
                    } else {
                        String::new()
                    };
                    vec![
                        ("found", format!("{}{more}", listed(locale, shown))),
                        ("example", example.clone()),
                    ]
                }))
            }
            RegionMiss::Mismatch { region, name } => Particular::said(
                "particular.region.mismatch",
                vec![
                    ("code", region.code.clone()),
                    ("region", regions.display(&region.code)),
                    ("name", name.clone()),
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_the_ending_and_the_ethnic_groups() {
        let ethnic = vec![
            "藏族".to_owned(),
            "羌族".to_owned(),
            "维吾尔".to_owned(),
            "蒙古".to_owned(),
        ];
        assert_eq!(short_name("四川省", &ethnic).as_deref(), Some("四川"));
        assert_eq!(
            short_name("阿坝藏族羌族自治州", &ethnic).as_deref(),
            Some("阿坝")
        );
        assert_eq!(
            short_name("新疆维吾尔自治区", &ethnic).as_deref(),
            Some("新疆")
        );
        assert_eq!(
            short_name("内蒙古自治区", &ethnic).as_deref(),
            Some("内蒙古")
        );
        assert_eq!(short_name("城区", &ethnic), None);
    }
}

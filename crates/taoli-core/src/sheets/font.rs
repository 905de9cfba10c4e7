//! The Chinese font sheets are set in: the file `TAOLI_FONT` names, else a
//! system font that has Simplified Chinese (Noto Sans CJK / 思源黑体 on Linux,
//! 微软雅黑 or 宋体 on Windows, 苹方 on macOS), found at the usual places,
//! through fontconfig, or by walking the font folders. The PDF embeds only
//! the glyphs it uses.

use std::path::{Path, PathBuf};
use std::process::Command;

use typst::foundations::Bytes;
use typst::text::Font;

use crate::error::SheetsError;
use crate::error::{Error, Result};

/// The variable that names a font file to use instead of the system's.
pub const FONT_VARIABLE: &str = "TAOLI_FONT";

/// Characters a face must have to print a sheet.
const NEEDED: &[char] = &['信', '息', '确', '认', '签', '字', '盖', '章'];

/// Well-known places of fonts with Simplified Chinese, best first.
const KNOWN_FILES: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
];

/// Font files under the Windows font folder, best first.
const WINDOWS_FILES: &[&str] = &["msyh.ttc", "simsun.ttc", "simhei.ttf", "msyh.ttf"];

/// Parts of file names that suggest a Chinese font, for the folder walk.
const NAME_HINTS: &[&str] = &[
    "notosanscjk",
    "notoserifcjk",
    "sourcehan",
    "notosanssc",
    "wqy",
    "droidsansfallback",
    "msyh",
    "simsun",
    "simhei",
    "pingfang",
];

/// A font file with Simplified Chinese, loaded: every face of it (and of its
/// bold sibling, where there is one), and the family the sheets use.
#[derive(Debug, Clone)]
pub struct ChineseFont {
    pub path: PathBuf,
    pub family: String,
    pub faces: Vec<Font>,
}

/// The font sheets are set in.
pub fn find() -> Result<ChineseFont> {
    if let Some(path) = std::env::var_os(FONT_VARIABLE).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        return load(&path)
            .map_err(|problem| Error::Sheets(SheetsError::UnusableFont { path, problem }));
    }
    let first = |paths: Vec<PathBuf>| paths.into_iter().find_map(|p| load(&p).ok());
    first(known_files())
        .or_else(|| first(fontconfig().into_iter().collect()))
        .or_else(|| first(walked_files()))
        .ok_or(Error::Sheets(SheetsError::NoChineseFont))
}

/// Loads a font file and picks its Simplified Chinese face, or says why not.
fn load(path: &Path) -> std::result::Result<ChineseFont, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取（{e}）"))?;
    let faces: Vec<Font> = Font::iter(Bytes::new(bytes)).collect();
    if faces.is_empty() {
        return Err("不是字体文件".to_owned());
    }
    let covers = |font: &Font| {
        NEEDED
            .iter()
            .all(|c| font.info().coverage.contains(*c as u32))
    };
    let chinese: Vec<&Font> = faces.iter().filter(|f| covers(f)).collect();
    let simplified = |family: &str| {
        let lower = family.to_lowercase();
        !lower.contains("mono") && (family.ends_with(" SC") || lower.contains("sc "))
    };
    let family = chinese
        .iter()
        .find(|f| simplified(&f.info().family))
        .or_else(|| chinese.first())
        .map(|f| f.info().family.clone())
        .ok_or_else(|| "字体中没有简体中文字形".to_owned())?;
    let mut faces = faces;
    if let Some(bold) = bold_sibling(path) {
        faces.extend(
            std::fs::read(&bold)
                .ok()
                .into_iter()
                .flat_map(|b| Font::iter(Bytes::new(b))),
        );
    }
    Ok(ChineseFont {
        path: path.to_owned(),
        family,
        faces,
    })
}

/// `NotoSansCJK-Bold.ttc` beside `NotoSansCJK-Regular.ttc`, `msyhbd.ttc` beside `msyh.ttc`.
fn bold_sibling(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let bold = if name.contains("Regular") {
        name.replace("Regular", "Bold")
    } else if name == "msyh.ttc" {
        "msyhbd.ttc".to_owned()
    } else {
        return None;
    };
    Some(path.with_file_name(bold)).filter(|p| p.is_file())
}

/// The well-known font files that exist on this computer, best first.
fn known_files() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = KNOWN_FILES.iter().map(PathBuf::from).collect();
    if let Some(windir) = std::env::var_os("WINDIR") {
        let fonts = PathBuf::from(windir).join("Fonts");
        out.extend(WINDOWS_FILES.iter().map(|f| fonts.join(f)));
    }
    out.retain(|p| p.is_file());
    out
}

/// Font files in the font folders whose names suggest Chinese.
fn walked_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in font_dirs() {
        walk(&dir, 4, &mut out);
    }
    out.sort();
    out
}

/// What fontconfig picks for Simplified Chinese, where it is installed.
fn fontconfig() -> Option<PathBuf> {
    let output = Command::new("fc-match")
        .args(["-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    (output.status.success() && path.is_file()).then_some(path)
}

fn font_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![
        PathBuf::from("/usr/share/fonts"),
        PathBuf::from("/usr/local/share/fonts"),
        PathBuf::from("/Library/Fonts"),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs
}

/// Font files under `dir` whose names suggest Chinese.
fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if depth > 0 {
                walk(&path, depth.saturating_sub(1), out);
            }
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_lowercase();
        let is_font = [".ttc", ".ttf", ".otf", ".otc"]
            .iter()
            .any(|ext| name.ends_with(ext));
        if is_font && NAME_HINTS.iter().any(|hint| name.contains(hint)) {
            out.push(path);
        }
    }
}

//! Points `TAOLI_CONSOLE_DIST` at the console's built files
//! (`console/dist`, from `npm run build` in `console/`), embedded in the
//! binary; when they are not built, at a page that says how to build them,
//! so the server (and its tests) still compile from a clean clone.

use std::env;
use std::fs;
use std::path::PathBuf;

const UNBUILT: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>桃李 · 县级管理控制台</title></head>
<body><h1>控制台页面尚未构建</h1>
<p>请在 crates/taoli-upstream/console 中运行 <code>npm install</code> 和 <code>npm run build</code>，
再重新编译 taoli-upstream（scripts/test.sh 和 scripts/run-demo.sh 会自动完成）。</p>
</body></html>
"#;

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("console").join("dist");
    println!("cargo:rerun-if-changed=console/dist");
    println!("cargo:rerun-if-changed=build.rs");
    let dir = if dist.join("index.html").is_file() {
        dist
    } else {
        let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("console-unbuilt");
        // A build script's failure to write its own output folder is fatal.
        #[allow(clippy::expect_used)]
        {
            fs::create_dir_all(&out).expect("OUT_DIR is writable");
            fs::write(out.join("index.html"), UNBUILT).expect("OUT_DIR is writable");
        }
        out
    };
    println!("cargo:rustc-env=TAOLI_CONSOLE_DIST={}", dir.display());
}

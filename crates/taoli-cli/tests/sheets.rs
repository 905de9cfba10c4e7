//! `taoli sheets` and `taoli signoff` through the real binary: the PDF
//! written, the sign-off state in `taoli teacher list`, and every refusal with
//! exit code 1, a Chinese message and the school file unchanged.
//!
//! Needs a Chinese font (Debian: fonts-noto-cjk) and poppler-utils.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::arithmetic_side_effects
)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

mod support;
use support::{add_teacher, init_school, taoli};

const ZHANG_SAN_ID: &str = "11010519491231002X";
const LI_SI_ID: &str = "110105198001011238";

/// A school with 张三 and 李四.
fn school(dir: &TempDir) -> PathBuf {
    let path = dir.path().join("school.taoli");
    init_school(&path);
    for (name, id) in [("张三", ZHANG_SAN_ID), ("李四", LI_SI_ID)] {
        add_teacher(&path, name, id);
    }
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "民族=汉族"])
        .assert()
        .success();
    path
}

/// Prints the sheets (of `teachers` only, when given) and returns the JSON answer.
fn print(path: &Path, out: &Path, teachers: &[&str]) -> serde_json::Value {
    let mut cmd = taoli();
    cmd.arg("sheets").arg(path).arg("-o").arg(out).arg("--json");
    for id in teachers {
        cmd.args(["--teacher", id]);
    }
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn fingerprint_of(printed: &serde_json::Value, id_number: &str) -> String {
    printed["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id_number"] == id_number)
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must be refused and checks that it leaves `path` as it was.
fn assert_refused_unchanged(cmd: &mut Command, path: &Path, message: &str) {
    let before = support::accounts::data_snapshot(path);
    cmd.assert()
        .code(1)
        .stderr(predicate::str::contains(message));
    assert_eq!(
        support::accounts::data_snapshot(path),
        before,
        "the school file changed"
    );
}

fn list(path: &Path) -> String {
    let out = taoli()
        .args(["teacher", "list"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sheets_writes_one_pdf_for_every_teacher_and_says_so() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = dir.path().join("确认表.pdf");
    taoli()
        .arg("sheets")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("已生成 2 位教师的信息确认表"))
        .stdout(predicate::str::contains("taoli signoff"));
    assert!(fs::read(&out).unwrap().starts_with(b"%PDF"));
    let text = pdf_text(&out);
    assert!(text.contains("张三") && text.contains("李四"));
    assert!(text.contains("汉族"));
}

#[test]
fn sheets_with_a_teacher_prints_only_that_teacher() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = dir.path().join("li.pdf");
    let printed = print(&path, &out, &[LI_SI_ID]);
    assert_eq!(printed["sheets"].as_array().unwrap().len(), 1);
    let text = pdf_text(&out);
    assert!(text.contains("李四"));
    assert!(!text.contains("张三"));
}

#[test]
fn sheets_for_an_unregistered_id_number_is_refused_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let out = dir.path().join("nobody.pdf");
    let mut cmd = taoli();
    cmd.arg("sheets")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .args(["--teacher", "110105198001011254"]);
    assert_refused_unchanged(&mut cmd, &path, "找不到证件号为 110105198001011254 的教师");
    assert!(!out.exists());
}

#[test]
fn a_font_file_that_is_not_a_font_is_refused_with_what_to_do() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let not_a_font = dir.path().join("font.ttf");
    fs::write(&not_a_font, "not a font").unwrap();
    let out = dir.path().join("sheets.pdf");
    let mut cmd = taoli();
    cmd.env("TAOLI_FONT", &not_a_font)
        .arg("sheets")
        .arg(&path)
        .arg("-o")
        .arg(&out);
    assert_refused_unchanged(&mut cmd, &path, "TAOLI_FONT 指定的字体");
    assert!(!out.exists());
}

#[test]
fn taoli_sheet_template_replaces_the_built_in_layout() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let template = dir.path().join("province.typ");
    fs::write(
        &template,
        "#let data = json(\"/data.json\")\n#set text(font: data.font)\n本省确认表 #data.teacher.name\n",
    )
    .unwrap();
    let out = dir.path().join("sheets.pdf");
    taoli()
        .env("TAOLI_SHEET_TEMPLATE", &template)
        .arg("sheets")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .args(["--teacher", ZHANG_SAN_ID])
        .assert()
        .success();
    assert!(pdf_text(&out).contains("本省确认表 张三"));
}

#[test]
fn teacher_list_shows_not_signed_before_any_signoff() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let listing = list(&path);
    assert!(listing.contains("确认表"), "{listing}");
    assert!(
        listing.contains(&format!("{ZHANG_SAN_ID}\t未签字")),
        "{listing}"
    );
}

#[test]
fn teacher_list_json_gives_each_teachers_signoff_state() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let printed = print(&path, &dir.path().join("s.pdf"), &[ZHANG_SAN_ID]);
    let fingerprint = fingerprint_of(&printed, ZHANG_SAN_ID);
    taoli()
        .arg("signoff")
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--fingerprint", &fingerprint])
        .assert()
        .success();
    let out = taoli()
        .args(["teacher", "list", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let teachers: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(teachers[0]["name"], "张三");
    assert_eq!(teachers[0]["signoff"]["state"], "signed");
    assert_eq!(teachers[0]["signoff"]["current"], fingerprint.as_str());
    assert_eq!(teachers[1]["signoff"]["state"], "none");
}

#[test]
fn signoff_with_the_printed_fingerprint_marks_the_teacher_signed() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let printed = print(&path, &dir.path().join("s.pdf"), &[]);
    let fingerprint = fingerprint_of(&printed, ZHANG_SAN_ID);
    taoli()
        .arg("signoff")
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--fingerprint", &fingerprint])
        .assert()
        .success()
        .stdout(predicate::str::contains("已登记 张三 签字的信息确认表"));
    let listing = list(&path);
    assert!(
        listing.contains(&format!("{ZHANG_SAN_ID}\t已签字")),
        "{listing}"
    );
    assert!(
        listing.contains(&format!("{LI_SI_ID}\t未签字")),
        "{listing}"
    );
}

#[test]
fn signoff_with_another_teachers_fingerprint_is_refused_and_the_file_unchanged() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let printed = print(&path, &dir.path().join("s.pdf"), &[]);
    let li_si = fingerprint_of(&printed, LI_SI_ID);
    let mut cmd = taoli();
    cmd.arg("signoff")
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--fingerprint", &li_si]);
    assert_refused_unchanged(&mut cmd, &path, "没有为教师「张三」打印过指纹为");
}

#[test]
fn signoff_before_any_sheet_is_printed_is_refused_and_says_to_print() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let mut cmd = taoli();
    cmd.arg("signoff").arg(&path).args([
        "--id-number",
        ZHANG_SAN_ID,
        "--fingerprint",
        "0123456789ab",
    ]);
    assert_refused_unchanged(&mut cmd, &path, "还没有为这位教师打印过确认表");
}

#[test]
fn teacher_list_shows_changed_since_signed_after_an_edit() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let printed = print(&path, &dir.path().join("s.pdf"), &[ZHANG_SAN_ID]);
    let fingerprint = fingerprint_of(&printed, ZHANG_SAN_ID);
    taoli()
        .arg("signoff")
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "--fingerprint", &fingerprint])
        .assert()
        .success();
    taoli()
        .args(["teacher", "set"])
        .arg(&path)
        .args(["--id-number", ZHANG_SAN_ID, "民族=回族"])
        .assert()
        .success();
    let listing = list(&path);
    assert!(
        listing.contains(&format!("{ZHANG_SAN_ID}\t签字后有改动")),
        "{listing}"
    );
}

#[test]
fn signoff_json_gives_the_state() {
    let dir = TempDir::new().unwrap();
    let path = school(&dir);
    let printed = print(&path, &dir.path().join("s.pdf"), &[ZHANG_SAN_ID]);
    let fingerprint = fingerprint_of(&printed, ZHANG_SAN_ID);
    let out = taoli()
        .arg("signoff")
        .arg(&path)
        .args([
            "--id-number",
            ZHANG_SAN_ID,
            "--fingerprint",
            &fingerprint,
            "--json",
        ])
        .output()
        .unwrap();
    let state: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(state["state"], "signed");
    assert_eq!(state["current"], fingerprint.as_str());
    assert_eq!(state["signed_by"], "测试员");
}

#[test]
fn every_sheets_and_signoff_argument_has_english_help() {
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["sheets", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Print verification sheets"))
        .stdout(predicate::str::contains("The school file"))
        .stdout(predicate::str::contains("Write to this PDF"))
        .stdout(predicate::str::contains("Only this teacher's sheet"))
        .stdout(predicate::str::contains("Use this template"))
        .stdout(predicate::str::contains("Print JSON"))
        .stdout(predicate::str::contains("学校文件").not())
        .stdout(predicate::str::contains("只打印").not());
    taoli()
        .env("TAOLI_LANG", "en")
        .args(["signoff", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Record that a teacher signed"))
        .stdout(predicate::str::contains("the teacher's ID number"))
        .stdout(predicate::str::contains(
            "The fingerprint on the signed sheet",
        ))
        .stdout(predicate::str::contains("学校文件").not())
        .stdout(predicate::str::contains("页脚").not());
}

//! The changes a payload carries beyond new and updated values: a teacher's
//! change of 人员状态 (`status_change`) and an identity correction after
//! upload (a `change_request` on the teacher). The valid documents are
//! `fixtures/protocol/*.json`; each refusal breaks one rule of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::path::Path;

use serde_json::{Value, json};
use taoli_protocol::{
    ChangeOp, MAX_REASON_CHARS, Payload, Refusal, RefusalCode, StatusEvent, compress, decompress,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/protocol")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // One line of compact JSON, ended by a newline for the editor's sake.
    bytes.strip_suffix(b"\n").unwrap_or(&bytes).to_vec()
}

fn status_changes() -> Value {
    serde_json::from_slice(&fixture("status-change-payload.json")).unwrap()
}

fn decode(json: &Value) -> Result<Payload, Refusal> {
    Payload::decode(&compress(&serde_json::to_vec(json).unwrap()).unwrap())
}

/// Chinese characters and the full-width punctuation around them.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

/// The refusal of `json`: `malformed_payload`, naming the record as a
/// status change in both languages, with `zh` and `en` in its particulars
/// and no Chinese in its English.
fn refused(json: &Value, zh: &str, en: &str) -> Refusal {
    let refusal = decode(json).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedPayload, "{refusal:?}");
    assert!(refusal.message.contains(zh), "{}", refusal.message);
    let english = refusal.message_in_english();
    assert!(english.contains(en), "{english}");
    assert!(!has_chinese(&english), "{english}");
    refusal
}

/// [`refused`] for a problem of the first record, a status change.
fn refused_status_change(json: &Value, zh: &str, en: &str) {
    let refusal = refused(json, zh, en);
    assert!(
        refusal.message.contains("第 1 条记录（在职状态变动）"),
        "{}",
        refusal.message
    );
    assert!(
        refusal
            .message_in_english()
            .contains("record 1 (status change): "),
        "{}",
        refusal.message_in_english()
    );
}

// ------------------------------------------------------------ status change

#[test]
fn a_status_change_decodes_with_its_particulars() {
    let payload = decode(&status_changes()).unwrap();
    let change = &payload.changes[0];
    assert_eq!(change.op, ChangeOp::StatusChange);
    assert_eq!(change.id, "status:ev-7");
    assert_eq!(change.teacher_id, "t-1");
    assert_eq!(change.record_id, None);
    assert_eq!(change.version, None);
    assert!(change.fields.is_empty());
    assert_eq!(
        change.status,
        Some(StatusEvent {
            event_id: "ev-7".into(),
            code: "301".into(),
            effective_date: "2026-02-28".into(),
            reason: "达到法定退休年龄".into(),
            evidence: Some("县人社局〔2026〕12号".into()),
        })
    );
}

#[test]
fn a_status_change_without_evidence_is_accepted() {
    let payload = decode(&status_changes()).unwrap();
    let status = payload.changes[1].status.as_ref().unwrap();
    assert_eq!(status.code, "203");
    assert_eq!(status.evidence, None);
}

#[test]
fn a_status_change_encodes_to_the_bytes_it_was_read_from() {
    let bytes = fixture("status-change-payload.json");
    let payload = Payload::decode(&compress(&bytes).unwrap()).unwrap();
    let encoded = decompress(&payload.encode().unwrap(), 1 << 20).unwrap();
    assert_eq!(
        String::from_utf8(encoded).unwrap(),
        String::from_utf8(bytes).unwrap()
    );
}

#[test]
fn a_status_change_op_has_its_wire_name_and_label() {
    assert_eq!(ChangeOp::StatusChange.as_str(), "status_change");
    assert_eq!(ChangeOp::StatusChange.label(), "在职状态变动");
    assert_eq!(
        ChangeOp::parse("status_change"),
        Some(ChangeOp::StatusChange)
    );
    assert!(
        ChangeOp::ALL
            .into_iter()
            .all(|op| ChangeOp::parse(op.as_str()) == Some(op))
    );
    assert_eq!(ChangeOp::parse("transfer"), None);
}

#[test]
fn a_status_change_without_its_particulars_is_refused() {
    let mut json = status_changes();
    json["changes"][0].as_object_mut().unwrap().remove("status");
    refused_status_change(
        &json,
        "缺少新的人员状态、生效日期和理由（status）",
        "it has no new personnel status, effective date and reason (status)",
    );
}

#[test]
fn a_status_code_that_is_not_three_digits_is_refused() {
    for code in ["30", "3011", "3O1", "", "３０１"] {
        let mut json = status_changes();
        json["changes"][0]["status"]["code"] = json!(code);
        refused_status_change(
            &json,
            "人员状态代码（status.code）应为 3 位数字",
            "should be 3 digits",
        );
    }
}

#[test]
fn an_effective_date_that_is_not_a_real_date_is_refused() {
    for date in [
        "2026-02-30",
        "2026-2-28",
        "2026/02/28",
        "20260228",
        "2026-02-28T00:00:00Z",
        "",
    ] {
        let mut json = status_changes();
        json["changes"][0]["status"]["effective_date"] = json!(date);
        refused_status_change(
            &json,
            "生效日期（status.effective_date）应为实际存在的日期",
            "a real date written YYYY-MM-DD",
        );
    }
}

#[test]
fn a_leap_day_is_a_real_effective_date() {
    let mut json = status_changes();
    json["changes"][0]["status"]["effective_date"] = json!("2028-02-29");
    decode(&json).unwrap();
}

#[test]
fn a_status_change_with_a_blank_reason_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["status"]["reason"] = json!(" \u{3000} ");
    refused_status_change(&json, "变动理由（status.reason）应为 1–500 个字", "1–500");
}

#[test]
fn a_status_change_reason_longer_than_the_limit_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["status"]["reason"] = json!("理".repeat(MAX_REASON_CHARS + 1));
    refused_status_change(
        &json,
        "变动理由（status.reason）",
        "its reason (status.reason)",
    );
    json["changes"][0]["status"]["reason"] = json!("理".repeat(MAX_REASON_CHARS));
    decode(&json).unwrap();
}

#[test]
fn a_blank_evidence_note_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["status"]["evidence"] = json!("");
    refused_status_change(
        &json,
        "证明材料（status.evidence）",
        "evidence notes (status.evidence)",
    );
}

#[test]
fn a_status_event_id_in_the_wrong_form_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["status"]["event_id"] = json!("事件 7");
    refused_status_change(
        &json,
        "状态变动编号（status.event_id）格式不对",
        "status event id (status.event_id)",
    );
}

#[test]
fn two_status_changes_of_one_event_in_a_batch_are_refused() {
    let mut json = status_changes();
    json["changes"][1]["status"]["event_id"] = json!("ev-7");
    refused(
        &json,
        "第 2 条记录的状态变动编号（status.event_id）与前面的重复",
        "record 2 has the same status event id",
    );
}

#[test]
fn a_status_change_with_indicator_values_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["fields"] = json!({"personnel_status": "301"});
    refused_status_change(&json, "不应带指标的值", "no indicator values");
}

#[test]
fn a_status_change_with_versions_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["version"] = json!(2);
    refused_status_change(&json, "不应有版本号（version）", "no version");
}

#[test]
fn a_status_change_on_a_record_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["record_id"] = json!("r-1");
    json["changes"][0]["group"] = json!("basic");
    refused_status_change(&json, "是教师的改动", "it changes a teacher");
}

#[test]
fn a_status_change_with_a_reason_outside_its_particulars_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["reason"] = json!("达到法定退休年龄");
    refused_status_change(&json, "status.reason", "status.reason");
}

#[test]
fn status_particulars_on_another_kind_of_change_are_refused() {
    let mut json = status_changes();
    json["changes"][0]["op"] = json!("remove_teacher");
    json["changes"][0]["base_version"] = json!(3);
    json["changes"][0]["reason"] = json!("调出本县");
    let refusal = refused(
        &json,
        "不是在职状态变动，不应带 status",
        "it is not a status change",
    );
    assert!(
        refusal.message.contains("第 1 条记录（删除教师）"),
        "{}",
        refusal.message
    );
}

#[test]
fn an_unknown_field_in_status_particulars_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["status"]["approved_by"] = json!("县教育局");
    let refusal = decode(&json).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::MalformedPayload);
    assert!(
        refusal.message.contains("approved_by"),
        "{}",
        refusal.message
    );
}

#[test]
fn a_payload_without_status_changes_carries_no_status_field() {
    // The seed payload, committed before status changes existed, decodes
    // and encodes to its own JSON: nothing was added to it.
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus/protocol_decoder/valid-payload");
    let compressed = std::fs::read(path).unwrap();
    let json = decompress(&compressed, 1 << 20).unwrap();
    let payload = Payload::decode(&compressed).unwrap();
    assert!(payload.changes.iter().all(|c| c.status.is_none()));
    assert_eq!(serde_json::to_vec(&payload).unwrap(), json);
}

// ------------------------------------------------------ identity correction

#[test]
fn an_identity_correction_is_a_change_request_on_the_teacher() {
    let bytes = fixture("identity-correction-payload.json");
    let payload = Payload::decode(&compress(&bytes).unwrap()).unwrap();
    let change = &payload.changes[0];
    assert_eq!(change.op, ChangeOp::ChangeRequest);
    assert_eq!(change.record_id, None);
    assert_eq!(change.group, None);
    assert_eq!(change.status, None);
    let fields: Vec<&str> = change.fields.keys().map(String::as_str).collect();
    assert_eq!(fields, ["id_number", "id_type", "name"]);
    assert_eq!(change.fields["name"], json!("李四"));
    assert_eq!(
        change.reason.as_deref(),
        Some("姓名和身份证件号码登记有误，以户口簿为准")
    );
    let encoded = decompress(&payload.encode().unwrap(), 1 << 20).unwrap();
    assert_eq!(encoded, bytes);
}

#[test]
fn an_identity_correction_without_a_reason_is_refused() {
    let mut json: Value =
        serde_json::from_slice(&fixture("identity-correction-payload.json")).unwrap();
    json["changes"][0].as_object_mut().unwrap().remove("reason");
    let refusal = refused(&json, "缺少理由（reason）", "it has no reason (reason)");
    assert!(
        refusal.message.contains("第 1 条记录（变更申请）"),
        "{}",
        refusal.message
    );
}

#[test]
fn a_change_with_a_malformed_signoff_is_refused() {
    let mut json = status_changes();
    json["changes"][0]["signoff"] =
        serde_json::json!({ "fingerprint": "", "signed_at": "2026-12-01T08:00:00Z" });
    refused_status_change(&json, "签字确认", "sign-off");
}

#[test]
fn a_change_carries_the_signoff_it_was_checked_on() {
    let mut json = status_changes();
    json["changes"][0]["signoff"] =
        serde_json::json!({ "fingerprint": "a1b2c3d4e5f6", "signed_at": "2026-12-01T08:00:00Z" });
    let payload = decode(&json).unwrap();
    let signoff = payload.changes[0].signoff.as_ref().unwrap();
    assert_eq!(signoff.fingerprint, "a1b2c3d4e5f6");
}

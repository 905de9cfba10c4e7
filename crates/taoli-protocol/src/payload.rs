//! The batch payload: what changed since the last accepted batch, as JSON,
//! gzip-compressed (flate2 over the pure-Rust miniz_oxide).
//!
//! Each entry of `changes` is one record (记录) the upstream reviews on its
//! own, named by its `id`. Teacher and record contents stay
//! `serde_json::Value` maps keyed by indicator field code (`docs/indicators.md`).

use std::collections::HashSet;
use std::io::Read;

use flate2::Compression;
use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::codec;
use super::manifest::Manifest;
use super::refusal::{Refusal, RefusalCode};
use super::{MAX_PAYLOAD_BYTES, MAX_PAYLOAD_JSON_BYTES, MAX_RECORDS, PROTOCOL_VERSION};

/// What one change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// A teacher the upstream has not seen: identity and 基本信息 values.
    NewTeacher,
    /// A record of a group (学习经历 …) the upstream has not seen.
    NewRecord,
    /// New values for a teacher not yet in effect upstream (`base_version` → `version`).
    UpdateTeacher,
    /// New values for a record not yet in effect upstream.
    UpdateRecord,
    /// Removing a teacher (with `reason`).
    RemoveTeacher,
    /// Removing a record (with `reason`).
    RemoveRecord,
    /// 变更申请: changing values already in effect upstream; needs `reason`
    /// and the county's approval. On a teacher (no `record_id`) its fields
    /// are identity fields: an identity correction (身份信息更正).
    ChangeRequest,
    /// 在职状态变动: a teacher's new 人员状态 as of a date, with its reason
    /// and evidence ([`StatusEvent`], in `status`); in effect when accepted.
    StatusChange,
}

impl ChangeOp {
    /// Every op, in the order of the protocol's table.
    pub const ALL: [ChangeOp; 8] = [
        ChangeOp::NewTeacher,
        ChangeOp::NewRecord,
        ChangeOp::UpdateTeacher,
        ChangeOp::UpdateRecord,
        ChangeOp::RemoveTeacher,
        ChangeOp::RemoveRecord,
        ChangeOp::ChangeRequest,
        ChangeOp::StatusChange,
    ];

    /// The op of its wire name (`status_change`), or None.
    pub fn parse(name: &str) -> Option<ChangeOp> {
        ChangeOp::ALL.into_iter().find(|op| op.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::NewTeacher => "new_teacher",
            ChangeOp::NewRecord => "new_record",
            ChangeOp::UpdateTeacher => "update_teacher",
            ChangeOp::UpdateRecord => "update_record",
            ChangeOp::RemoveTeacher => "remove_teacher",
            ChangeOp::RemoveRecord => "remove_record",
            ChangeOp::ChangeRequest => "change_request",
            ChangeOp::StatusChange => "status_change",
        }
    }

    /// The Chinese name a reviewer sees.
    pub fn label(self) -> &'static str {
        match self {
            ChangeOp::NewTeacher => "新增教师",
            ChangeOp::NewRecord => "新增记录",
            ChangeOp::UpdateTeacher => "修改教师信息",
            ChangeOp::UpdateRecord => "修改记录",
            ChangeOp::RemoveTeacher => "删除教师",
            ChangeOp::RemoveRecord => "删除记录",
            ChangeOp::ChangeRequest => "变更申请",
            ChangeOp::StatusChange => "在职状态变动",
        }
    }

    /// The name in English, for a refusal's English particulars.
    pub(crate) fn label_en(self) -> &'static str {
        match self {
            ChangeOp::NewTeacher => "new teacher",
            ChangeOp::NewRecord => "new record",
            ChangeOp::UpdateTeacher => "teacher update",
            ChangeOp::UpdateRecord => "record update",
            ChangeOp::RemoveTeacher => "teacher removal",
            ChangeOp::RemoveRecord => "record removal",
            ChangeOp::ChangeRequest => "change request",
            ChangeOp::StatusChange => "status change",
        }
    }
}

/// What is wrong with one change: in Chinese after 第 N 条记录（…）, in
/// English as a clause after `record N (…): `.
type ChangeProblem = (String, String);

fn problem(zh: impl Into<String>, en: impl Into<String>) -> ChangeProblem {
    (zh.into(), en.into())
}

/// One change, reviewed on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Unique within the batch; the receipt and review results name it.
    pub id: String,
    pub op: ChangeOp,
    /// The teacher's stable id (as the school file keeps it).
    pub teacher_id: String,
    /// The record's id: for record changes, and for a change request on a record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The information group (`education`, `work` …): with `record_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The version the upstream last saw: updates, removals, change requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_version: Option<i64>,
    /// The version this change makes: new, updates, change requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Values keyed by indicator field code: all of them for new and updated
    /// teachers and records, the changed ones for a change request, none for
    /// a removal.
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// Why: required for removals and change requests. A status change
    /// gives its reason in `status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The particulars of a status change: with `status_change` and only
    /// there. Left out of the JSON when absent, so a payload without status
    /// changes is byte for byte what it was before the field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusEvent>,
    /// The teacher's signed 信息确认表 this change's values were checked
    /// on (签字确认): present when the teacher's current information is
    /// what they signed. Left out when absent, so a payload without it is
    /// byte for byte what it was before the field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signoff: Option<SignoffMark>,
}

/// A teacher's sign-off of their 信息确认表: the sheet's fingerprint (its
/// footer and QR code) and when the school recorded it signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignoffMark {
    pub fingerprint: String,
    /// RFC 3339, as the school file recorded it.
    pub signed_at: String,
}

/// The particulars of a change of 人员状态 (在职状态变动): the new code,
/// from when, why, and on what evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusEvent {
    /// The school file's id of the event (an id the client chooses), so the
    /// review result of the change can be matched back to it.
    pub event_id: String,
    /// The new 人员状态 code (code table `personnel_status`): 3 digits.
    pub code: String,
    /// The day it takes effect, `YYYY-MM-DD`.
    pub effective_date: String,
    /// Why: 1–[`MAX_REASON_CHARS`] characters.
    pub reason: String,
    /// Evidence notes (文号 …), 1–[`MAX_REASON_CHARS`] characters when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// The written reason kept with an accepted warning (提醒理由), sent with the
/// data it explains. Not reviewed on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningReason {
    pub teacher_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The rule's id in `rules.toml`.
    pub rule: String,
    pub reason: String,
}

/// The payload before compression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    /// [`PROTOCOL_VERSION`].
    pub protocol: String,
    pub school: String,
    pub batch_id: String,
    pub changes: Vec<Change>,
    #[serde(default)]
    pub warning_reasons: Vec<WarningReason>,
}

/// The longest reason (removal, change request, status change, warning)
/// and evidence note, in characters.
pub const MAX_REASON_CHARS: usize = 500;

impl Payload {
    /// An empty payload for `school`'s batch `batch_id`.
    pub fn new(school: &str, batch_id: &str) -> Payload {
        Payload {
            protocol: PROTOCOL_VERSION.into(),
            school: school.into(),
            batch_id: batch_id.into(),
            changes: Vec::new(),
            warning_reasons: Vec::new(),
        }
    }

    /// Records to review: one per change.
    pub fn record_count(&self) -> u64 {
        self.changes.len() as u64
    }

    /// The compact JSON, gzip-compressed: the bytes the manifest hashes and
    /// the upload sends. Checked first, so what is sent would be accepted.
    pub fn encode(&self) -> Result<Vec<u8>, Refusal> {
        self.check()?;
        let json = codec::to_json_bytes(self);
        if json.len() > MAX_PAYLOAD_JSON_BYTES {
            return Err(Refusal::with_details(
                RefusalCode::TooLarge,
                format!(
                    "数据有 {} 字节，上限是 {MAX_PAYLOAD_JSON_BYTES} 字节",
                    json.len()
                ),
                format!(
                    "the data has {} bytes, more than the limit of {MAX_PAYLOAD_JSON_BYTES}",
                    json.len()
                ),
            ));
        }
        let compressed = compress(&json)?;
        if compressed.len() > MAX_PAYLOAD_BYTES {
            return Err(Refusal::with_details(
                RefusalCode::TooLarge,
                format!(
                    "压缩后的数据有 {} 字节，上限是 {MAX_PAYLOAD_BYTES} 字节",
                    compressed.len()
                ),
                format!(
                    "the compressed data has {} bytes, more than the limit of {MAX_PAYLOAD_BYTES}",
                    compressed.len()
                ),
            ));
        }
        Ok(compressed)
    }

    /// Decompresses (at most [`MAX_PAYLOAD_JSON_BYTES`]) and reads a payload.
    pub fn decode(compressed: &[u8]) -> Result<Payload, Refusal> {
        Payload::decode_with_limit(compressed, MAX_PAYLOAD_JSON_BYTES)
    }

    /// [`Payload::decode`] with a smaller bound on the decompressed size.
    pub fn decode_with_limit(compressed: &[u8], max_json: usize) -> Result<Payload, Refusal> {
        let json = decompress(compressed, max_json)?;
        let what = codec::Named {
            zh: "批次数据",
            en: "batch data",
        };
        let object =
            codec::open_object(&json, max_json, what, RefusalCode::MalformedPayload, None)?;
        let payload: Payload = codec::typed(object, what, RefusalCode::MalformedPayload)?;
        payload.check()?;
        Ok(payload)
    }

    /// Whether the payload is the one `manifest` describes: same school,
    /// same batch, as many records.
    pub fn check_against(&self, manifest: &Manifest) -> Result<(), Refusal> {
        let bad = |zh: String, en: String| {
            Err(Refusal::with_details(RefusalCode::MalformedPayload, zh, en))
        };
        if self.school != manifest.school {
            let school = codec::clip(&self.school);
            return bad(
                format!(
                    "数据的学校标识码 {school} 与批次清单的 {} 不一致",
                    manifest.school
                ),
                format!(
                    "the data's school code {school} is not the batch manifest's {}",
                    manifest.school
                ),
            );
        }
        if self.batch_id != manifest.batch_id {
            return bad(
                "数据的批次编号与批次清单的不一致".into(),
                "the data's batch id is not the batch manifest's".into(),
            );
        }
        if self.record_count() != manifest.record_count {
            return bad(
                format!(
                    "数据有 {} 条记录，批次清单写的是 {} 条",
                    self.record_count(),
                    manifest.record_count
                ),
                format!(
                    "the data has {} records and the batch manifest says {}",
                    self.record_count(),
                    manifest.record_count
                ),
            );
        }
        Ok(())
    }

    fn check(&self) -> Result<(), Refusal> {
        let bad = |zh: String, en: String| {
            Err(Refusal::with_details(RefusalCode::MalformedPayload, zh, en))
        };
        if self.protocol != PROTOCOL_VERSION {
            let version = codec::clip(&self.protocol);
            return Err(Refusal::with_details(
                RefusalCode::UnsupportedVersion,
                format!("批次数据的协议版本是「{version}」"),
                format!("the protocol version of the batch data is “{version}”"),
            ));
        }
        if !codec::is_school_code(&self.school) {
            return bad(
                "学校标识码应为 10 位数字".into(),
                "the school code should be 10 digits".into(),
            );
        }
        if !codec::is_uuid_v7(&self.batch_id) {
            return bad(
                "批次编号应为小写的 UUIDv7".into(),
                "the batch id should be a lower-case UUIDv7".into(),
            );
        }
        if self.changes.is_empty() {
            return bad(
                "批次中没有任何记录".into(),
                "the batch holds no records".into(),
            );
        }
        if self.changes.len() as u64 > MAX_RECORDS {
            return bad(
                format!("批次中的记录超过 {MAX_RECORDS} 条"),
                format!("the batch holds more than {MAX_RECORDS} records"),
            );
        }
        let mut ids = HashSet::with_capacity(self.changes.len());
        let mut events = HashSet::new();
        for (n, change) in self.changes.iter().enumerate() {
            let n = n.saturating_add(1);
            if !ids.insert(change.id.as_str()) {
                return bad(
                    format!("第 {n} 条记录的编号与前面的重复"),
                    format!("record {n} has the same id as an earlier one"),
                );
            }
            if let Some(status) = &change.status
                && !events.insert(status.event_id.as_str())
            {
                return bad(
                    format!("第 {n} 条记录的状态变动编号（status.event_id）与前面的重复"),
                    format!(
                        "record {n} has the same status event id (status.event_id) as an earlier one"
                    ),
                );
            }
            change.check().or_else(|(zh, en)| {
                bad(
                    format!("第 {n} 条记录（{}）{zh}", change.op.label()),
                    format!("record {n} ({}): {en}", change.op.label_en()),
                )
            })?;
        }
        for (n, warning) in self.warning_reasons.iter().enumerate() {
            let ok = codec::is_token(&warning.teacher_id)
                && warning.record_id.as_deref().is_none_or(codec::is_token)
                && codec::is_token(&warning.rule)
                && reason_ok(&warning.reason);
            if !ok {
                let n = n.saturating_add(1);
                return bad(
                    format!("第 {n} 条提醒理由不完整或格式不对"),
                    format!("warning reason {n} is incomplete or in the wrong form"),
                );
            }
        }
        Ok(())
    }
}

fn reason_ok(reason: &str) -> bool {
    !reason.trim().is_empty() && reason.chars().count() <= MAX_REASON_CHARS
}

impl Change {
    /// The rules of each op; the error is the detail after 第 N 条记录
    /// (`record N`).
    fn check(&self) -> Result<(), ChangeProblem> {
        if !codec::is_token(&self.id) {
            return Err(problem(
                "的编号格式不对（1–128 个字母、数字或 -_.:@）",
                "its id is in the wrong form (1–128 letters, digits or -_.:@)",
            ));
        }
        if !codec::is_token(&self.teacher_id) {
            return Err(problem(
                "的教师编号格式不对",
                "its teacher id is in the wrong form",
            ));
        }
        let on_record = matches!(
            self.op,
            ChangeOp::NewRecord | ChangeOp::UpdateRecord | ChangeOp::RemoveRecord
        );
        match (&self.record_id, &self.group) {
            (Some(r), Some(g)) if codec::is_token(r) && codec::is_token(g) => {
                if matches!(
                    self.op,
                    ChangeOp::NewTeacher
                        | ChangeOp::UpdateTeacher
                        | ChangeOp::RemoveTeacher
                        | ChangeOp::StatusChange
                ) {
                    return Err(problem(
                        "是教师的改动，不应有记录编号和信息项",
                        "it changes a teacher and should have no record id or group",
                    ));
                }
            }
            (None, None) if !on_record => {}
            (None, None) => {
                return Err(problem(
                    "缺少记录编号（record_id）和信息项（group）",
                    "it has no record id (record_id) and no group (group)",
                ));
            }
            _ => {
                return Err(problem(
                    "的记录编号和信息项应同时给出且格式正确",
                    "its record id and group should both be given, in the right form",
                ));
            }
        }
        let (needs_base, needs_version, needs_fields, needs_reason) = match self.op {
            ChangeOp::NewTeacher | ChangeOp::NewRecord => (false, true, true, false),
            ChangeOp::UpdateTeacher | ChangeOp::UpdateRecord => (true, true, true, false),
            ChangeOp::RemoveTeacher | ChangeOp::RemoveRecord => (true, false, false, true),
            ChangeOp::ChangeRequest => (true, true, true, true),
            // Its reason is the event's own, in `status`.
            ChangeOp::StatusChange => (false, false, false, false),
        };
        if needs_base != self.base_version.is_some() {
            return Err(if needs_base {
                problem(
                    "缺少原版本号（base_version）",
                    "it has no base version (base_version)",
                )
            } else {
                problem(
                    "不应有原版本号（base_version）",
                    "it should have no base version (base_version)",
                )
            });
        }
        if needs_version != self.version.is_some() {
            return Err(if needs_version {
                problem("缺少版本号（version）", "it has no version (version)")
            } else {
                problem(
                    "不应有版本号（version）",
                    "it should have no version (version)",
                )
            });
        }
        if self.base_version.is_some_and(|v| v < 1) || self.version.is_some_and(|v| v < 1) {
            return Err(problem(
                "的版本号应从 1 开始",
                "its version numbers should start at 1",
            ));
        }
        if let (Some(base), Some(version)) = (self.base_version, self.version)
            && version <= base
        {
            return Err(problem(
                "的版本号应大于原版本号",
                "its version should be greater than its base version",
            ));
        }
        if needs_fields == self.fields.is_empty() {
            return Err(if needs_fields {
                problem("没有任何指标的值", "it has no indicator values")
            } else if self.op == ChangeOp::StatusChange {
                problem(
                    "不应带指标的值（新的人员状态写在 status 中）",
                    "it should carry no indicator values (the new personnel status is in status)",
                )
            } else {
                problem(
                    "是删除，不应带指标的值",
                    "it is a removal and should carry no indicator values",
                )
            });
        }
        if self.fields.keys().any(|k| !codec::is_token(k)) {
            return Err(problem(
                "的指标代码格式不对",
                "an indicator code is in the wrong form",
            ));
        }
        match &self.reason {
            Some(_) if self.op == ChangeOp::StatusChange => {
                return Err(problem(
                    "的理由应写在 status.reason 中，不应另写 reason",
                    "its reason belongs in status.reason, not in reason",
                ));
            }
            Some(r) if !reason_ok(r) => {
                return Err(problem(
                    format!("的理由应为 1–{MAX_REASON_CHARS} 个字"),
                    format!("its reason should be 1–{MAX_REASON_CHARS} characters"),
                ));
            }
            None if needs_reason => {
                return Err(problem("缺少理由（reason）", "it has no reason (reason)"));
            }
            _ => {}
        }
        if let Some(signoff) = &self.signoff
            && (!codec::is_token(&signoff.fingerprint)
                || signoff.signed_at.is_empty()
                || signoff.signed_at.chars().count() > 40)
        {
            return Err(problem(
                "的签字确认（signoff）格式不对：应有确认表指纹和签字时间",
                "its sign-off (signoff) is malformed: it needs the sheet's fingerprint and when it was signed",
            ));
        }
        match (&self.status, self.op) {
            (Some(status), ChangeOp::StatusChange) => status.check(),
            (None, ChangeOp::StatusChange) => Err(problem(
                "缺少新的人员状态、生效日期和理由（status）",
                "it has no new personnel status, effective date and reason (status)",
            )),
            (Some(_), _) => Err(problem(
                "不是在职状态变动，不应带 status",
                "it is not a status change and should carry no status particulars (status)",
            )),
            (None, _) => Ok(()),
        }
    }
}

impl StatusEvent {
    /// The rules of a status change's particulars; the error is the detail
    /// after 第 N 条记录（在职状态变动） (`record N (status change)`).
    fn check(&self) -> Result<(), ChangeProblem> {
        if !codec::is_token(&self.event_id) {
            return Err(problem(
                "的状态变动编号（status.event_id）格式不对（1–128 个字母、数字或 -_.:@）",
                "its status event id (status.event_id) is in the wrong form (1–128 letters, digits or -_.:@)",
            ));
        }
        if !is_status_code(&self.code) {
            return Err(problem(
                "的人员状态代码（status.code）应为 3 位数字",
                "its personnel status code (status.code) should be 3 digits",
            ));
        }
        if !is_date(&self.effective_date) {
            return Err(problem(
                "的生效日期（status.effective_date）应为实际存在的日期，写作 YYYY-MM-DD",
                "its effective date (status.effective_date) should be a real date written YYYY-MM-DD",
            ));
        }
        if !reason_ok(&self.reason) {
            return Err(problem(
                format!("的变动理由（status.reason）应为 1–{MAX_REASON_CHARS} 个字"),
                format!("its reason (status.reason) should be 1–{MAX_REASON_CHARS} characters"),
            ));
        }
        if self.evidence.as_deref().is_some_and(|e| !reason_ok(e)) {
            return Err(problem(
                format!(
                    "的证明材料（status.evidence）应为 1–{MAX_REASON_CHARS} 个字，没有时不写这一项"
                ),
                format!(
                    "its evidence notes (status.evidence) should be 1–{MAX_REASON_CHARS} characters, or left out"
                ),
            ));
        }
        Ok(())
    }
}

/// True for a 人员状态 code in its wire form: 3 ASCII digits. Which codes
/// exist is the code table's business, not the protocol's.
fn is_status_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// True for a calendar date that exists, written `YYYY-MM-DD` exactly.
fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .is_ok_and(|d| d.format("%Y-%m-%d").to_string() == text)
}

/// gzip of `bytes` (default level).
pub fn compress(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    use std::io::Write;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| {
            Refusal::with_details(
                RefusalCode::MalformedPayload,
                format!("压缩失败：{e}"),
                format!("compressing failed: {e}"),
            )
        })
}

/// Inflates one gzip member, refusing more than `max` bytes of output
/// (a decompression bomb stops at `max` + 1) and anything after the member.
pub fn decompress(compressed: &[u8], max: usize) -> Result<Vec<u8>, Refusal> {
    if compressed.len() > MAX_PAYLOAD_BYTES {
        return Err(Refusal::with_details(
            RefusalCode::TooLarge,
            format!(
                "压缩后的数据有 {} 字节，上限是 {MAX_PAYLOAD_BYTES} 字节",
                compressed.len()
            ),
            format!(
                "the compressed data has {} bytes, more than the limit of {MAX_PAYLOAD_BYTES}",
                compressed.len()
            ),
        ));
    }
    let mut decoder = GzDecoder::new(compressed);
    let mut out = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    (&mut decoder)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| {
            Refusal::with_details(
                RefusalCode::MalformedPayload,
                format!("数据无法解压（不是完整的 gzip）：{e}"),
                format!("the data cannot be decompressed (it is not whole gzip): {e}"),
            )
        })?;
    if out.len() > max {
        return Err(Refusal::with_details(
            RefusalCode::TooLarge,
            format!("解压后的数据超过上限 {max} 字节"),
            format!("the decompressed data is more than the limit of {max} bytes"),
        ));
    }
    if !decoder.into_inner().is_empty() {
        return Err(Refusal::with_details(
            RefusalCode::MalformedPayload,
            "gzip 数据之后还有多余的字节",
            "there are bytes left over after the gzip data",
        ));
    }
    Ok(out)
}

//! The reviewer's page (`GET /review`): every record pending review, with a
//! 生效 button and a 退回 form that asks for the reason. Plain HTML, no
//! script; every value from a school is escaped. A status change
//! (在职状态变动) and an identity correction (变更申请 on the teacher) are
//! shown in words; every other change as its JSON.

use std::fmt::Write as _;

use serde_json::Value;
use taoli_protocol::{Change, ChangeOp, StatusEvent};

use crate::db::PendingRecord;

/// Text made safe inside HTML elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>待审核记录 · 参考上游服务器</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 0.4em; vertical-align: top; text-align: left; }
pre { white-space: pre-wrap; word-break: break-all; margin: 0; max-width: 40em; }
form { display: inline; }
dl { margin: 0; display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { color: #555; }
dd { margin: 0; }
</style></head><body>
"#;

fn op_label(op: &str) -> &str {
    ChangeOp::parse(op).map_or(op, |o| o.label())
}

/// The teacher's identity fields (`docs/protocol.md`), with their names.
const IDENTITY_FIELDS: [(&str, &str); 3] = [
    ("name", "姓名"),
    ("id_type", "身份证件类型"),
    ("id_number", "身份证件号码"),
];

/// A change request on the teacher whose fields are all identity fields.
fn is_identity_correction(change: &Change) -> bool {
    change.op == ChangeOp::ChangeRequest
        && change.record_id.is_none()
        && !change.fields.is_empty()
        && change
            .fields
            .keys()
            .all(|k| IDENTITY_FIELDS.iter().any(|(code, _)| code == k))
}

/// One `<dt>`/`<dd>` pair; `value` is escaped here.
fn item(out: &mut String, term: &str, value: &str) {
    let _ = write!(out, "<dt>{term}</dt><dd>{}</dd>", escape(value));
}

/// The type cell: the op's label, and what a change request on the teacher is.
fn kind_cell(record: &PendingRecord, change: Option<&Change>) -> String {
    let label = escape(op_label(&record.op));
    match change {
        Some(c) if is_identity_correction(c) => format!("{label}<br>（身份信息更正）"),
        _ => label,
    }
}

/// The content cell: a status change and an identity correction in words,
/// anything else as its pretty JSON.
fn content_cell(record: &PendingRecord, change: Option<&Change>) -> String {
    let signed = change
        .and_then(|c| c.signoff.as_ref())
        .map(|s| {
            format!(
                "<div class=\"signoff\">签字确认：确认表指纹 {}（{}）</div>",
                escape(&s.fingerprint),
                escape(&s.signed_at)
            )
        })
        .unwrap_or_default();
    let content = match change {
        Some(Change {
            op: ChangeOp::StatusChange,
            status: Some(status),
            ..
        }) => status_cell(status),
        Some(c) if is_identity_correction(c) => identity_cell(c),
        _ => {
            let pretty = serde_json::from_str::<Value>(&record.content)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_else(|_| record.content.clone());
            format!("<pre>{}</pre>", escape(&pretty))
        }
    };
    content + &signed
}

/// 人员状态 by its code: the upstream has no code table of its own.
fn status_cell(status: &StatusEvent) -> String {
    let mut out = String::from("<dl>");
    item(&mut out, "新的人员状态（代码）", &status.code);
    item(&mut out, "生效日期", &status.effective_date);
    item(&mut out, "变动理由", &status.reason);
    item(
        &mut out,
        "证明材料",
        status.evidence.as_deref().unwrap_or("（未提供）"),
    );
    item(&mut out, "状态变动编号", &status.event_id);
    out.push_str("</dl>");
    out
}

fn identity_cell(change: &Change) -> String {
    let mut out = String::from("<dl>");
    for (code, name) in IDENTITY_FIELDS {
        if let Some(value) = change.fields.get(code) {
            let text = match value {
                Value::String(s) => format!("改为 {s}"),
                Value::Null => "清空".to_owned(),
                other => format!("改为 {other}"),
            };
            item(&mut out, name, &text);
        }
    }
    item(
        &mut out,
        "更正理由",
        change.reason.as_deref().unwrap_or("（未提供）"),
    );
    out.push_str("</dl>");
    out
}

/// The page listing `records`, with `notice` above the table.
pub fn render(records: &[PendingRecord], notice: Option<&str>) -> String {
    let mut page = String::from(HEAD);
    page.push_str("<h1>待审核记录</h1>\n");
    if let Some(notice) = notice {
        let _ = writeln!(page, "<p>{}</p>", escape(notice));
    }
    if records.is_empty() {
        page.push_str("<p>没有待审核的记录。</p>\n</body></html>\n");
        return page;
    }
    page.push_str(
        "<table><thead><tr><th>学校标识码</th><th>批次</th><th>记录</th><th>类型</th><th>教师</th><th>内容</th><th>审核</th></tr></thead><tbody>\n",
    );
    for r in records {
        let change = serde_json::from_str::<Change>(&r.content).ok();
        let _ = writeln!(
            page,
            "<tr><td>{school}</td><td>第 {seq} 批<br><code>{batch}</code></td><td><code>{record}</code></td>\
             <td>{op}</td><td><code>{teacher}</code></td><td>{content}</td><td>\
             <form method=\"post\" action=\"/review\">\
             <input type=\"hidden\" name=\"batch\" value=\"{batch}\">\
             <input type=\"hidden\" name=\"record\" value=\"{record}\">\
             <button type=\"submit\" name=\"action\" value=\"accept\">生效</button></form> \
             <form method=\"post\" action=\"/review\">\
             <input type=\"hidden\" name=\"batch\" value=\"{batch}\">\
             <input type=\"hidden\" name=\"record\" value=\"{record}\">\
             <input type=\"text\" name=\"reason\" required maxlength=\"500\" placeholder=\"退回理由\">\
             <button type=\"submit\" name=\"action\" value=\"return\">退回</button></form></td></tr>",
            school = escape(&r.school),
            seq = r.sequence,
            batch = escape(&r.batch_id),
            record = escape(&r.record),
            op = kind_cell(r, change.as_ref()),
            teacher = escape(&r.teacher_id),
            content = content_cell(r, change.as_ref()),
        );
    }
    page.push_str("</tbody></table>\n</body></html>\n");
    page
}

/// A page with one message and a link back to the list.
pub fn message_page(message: &str) -> String {
    format!(
        "{HEAD}<h1>审核没有完成</h1>\n<p>{}</p>\n<p><a href=\"/review\">返回待审核记录</a></p>\n</body></html>\n",
        escape(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(change: &serde_json::Value) -> PendingRecord {
        PendingRecord {
            school: "2151072201".into(),
            batch_id: "0190f5e4-7a3b-7c4d-8e5f-0123456789ab".into(),
            sequence: 3,
            record: change["id"].as_str().unwrap().into(),
            op: change["op"].as_str().unwrap().into(),
            teacher_id: change["teacher_id"].as_str().unwrap().into(),
            content: change.to_string(),
        }
    }

    fn retirement() -> serde_json::Value {
        serde_json::json!({
            "id": "status:ev-7", "op": "status_change", "teacher_id": "t-1", "fields": {},
            "status": {"event_id": "ev-7", "code": "301", "effective_date": "2026-02-28",
                       "reason": "达到法定退休年龄", "evidence": "县人社局〔2026〕12号"}
        })
    }

    #[test]
    fn a_status_change_is_shown_in_words() {
        let page = render(&[pending(&retirement())], None);
        assert!(page.contains("<td>在职状态变动</td>"), "{page}");
        for shown in [
            "<dt>新的人员状态（代码）</dt><dd>301</dd>",
            "<dt>生效日期</dt><dd>2026-02-28</dd>",
            "<dt>变动理由</dt><dd>达到法定退休年龄</dd>",
            "<dt>证明材料</dt><dd>县人社局〔2026〕12号</dd>",
            "<dt>状态变动编号</dt><dd>ev-7</dd>",
            "<code>t-1</code>",
            "value=\"status:ev-7\"",
        ] {
            assert!(page.contains(shown), "{shown} not in {page}");
        }
        assert!(!page.contains("effective_date"), "{page}");
    }

    #[test]
    fn a_status_change_without_evidence_says_none_was_given() {
        let mut change = retirement();
        change["status"].as_object_mut().unwrap().remove("evidence");
        let page = render(&[pending(&change)], None);
        assert!(
            page.contains("<dt>证明材料</dt><dd>（未提供）</dd>"),
            "{page}"
        );
    }

    #[test]
    fn a_status_change_s_text_from_the_school_is_escaped() {
        let mut change = retirement();
        change["status"]["evidence"] = serde_json::json!("<script>alert(1)</script>");
        let page = render(&[pending(&change)], None);
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    }

    #[test]
    fn an_identity_correction_names_the_identity_fields_it_changes() {
        let change = serde_json::json!({
            "id": "change:t-2@5", "op": "change_request", "teacher_id": "t-2",
            "base_version": 4, "version": 5,
            "fields": {"id_number": "110105194912310029", "name": "李四"},
            "reason": "以户口簿为准"
        });
        let page = render(&[pending(&change)], None);
        for shown in [
            "变更申请<br>（身份信息更正）",
            "<dt>姓名</dt><dd>改为 李四</dd>",
            "<dt>身份证件号码</dt><dd>改为 110105194912310029</dd>",
            "<dt>更正理由</dt><dd>以户口簿为准</dd>",
        ] {
            assert!(page.contains(shown), "{shown} not in {page}");
        }
        assert!(!page.contains("身份证件类型"), "{page}");
    }

    #[test]
    fn a_change_request_on_a_record_is_shown_as_its_json() {
        let change = serde_json::json!({
            "id": "change:r-1@3", "op": "change_request", "teacher_id": "t-2",
            "record_id": "r-1", "group": "basic", "base_version": 2, "version": 3,
            "fields": {"name": "李四"}, "reason": "以户口簿为准"
        });
        let page = render(&[pending(&change)], None);
        assert!(!page.contains("身份信息更正"), "{page}");
        assert!(page.contains("<pre>{"), "{page}");
        assert!(
            page.contains("&quot;record_id&quot;: &quot;r-1&quot;"),
            "{page}"
        );
    }
}

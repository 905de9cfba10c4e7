//! The reviewer's page (`GET /review`): every record pending review, with a
//! 生效 button and a 退回 form that asks for the reason. Plain HTML, no
//! script; every value from a school is escaped.

use std::fmt::Write as _;

use taoli_protocol::ChangeOp;

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
</style></head><body>
"#;

fn op_label(op: &str) -> &str {
    ChangeOp::parse(op).map_or(op, |o| o.label())
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
        let pretty = serde_json::from_str::<serde_json::Value>(&r.content)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| r.content.clone());
        let _ = writeln!(
            page,
            "<tr><td>{school}</td><td>第 {seq} 批<br><code>{batch}</code></td><td><code>{record}</code></td>\
             <td>{op}</td><td><code>{teacher}</code></td><td><pre>{content}</pre></td><td>\
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
            op = escape(op_label(&r.op)),
            teacher = escape(&r.teacher_id),
            content = escape(&pretty),
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

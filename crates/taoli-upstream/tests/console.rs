#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
//! The county's console API against a real server on both engines: signing
//! in, what a session and CSRF token guard, what each role and level sees,
//! progress against a deadline, the review queue, and the audit log.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use support::console::PASSWORD;
use support::{Harness, OTHER_SCHOOL, SCHOOL, Store};
use taoli_upstream::officer::Role;

/// 绵阳市 with two of its counties, and 广元市's 利州区.
const CITY: &str = "510700";
const COUNTY: &str = "510722";
const NEIGHBOUR: &str = "510703";
const ELSEWHERE: &str = "510802";
const FAR_SCHOOL: &str = "2151080201";

async fn county_with_schools(store: Store) -> Harness {
    let h = Harness::start(store).await;
    h.register(SCHOOL, "三台县第一小学", COUNTY);
    h.register(OTHER_SCHOOL, "涪城区实验小学", NEIGHBOUR);
    h.register(FAR_SCHOOL, "利州区东坝小学", ELSEWHERE);
    h.officer("santai", COUNTY, Role::InfoAdmin);
    h
}

// ------------------------------------------------------------------ sign-in

async fn signing_in_gives_an_httponly_strict_session_cookie(store: Store) {
    let h = county_with_schools(store).await;
    let response = h.post_login("santai", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["officer"]["org_name"], "三台县");
    assert_eq!(body["role_label"], "信息管理员");
    assert!(body["csrf"].as_str().unwrap().len() >= 40);
}

async fn a_wrong_password_is_refused_in_chinese(store: Store) {
    let h = county_with_schools(store).await;
    let response = h.post_login("santai", "not-the-password-1").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("用户名或密码不对")
    );
}

async fn an_unknown_username_is_refused_like_a_wrong_password(store: Store) {
    let h = county_with_schools(store).await;
    let unknown = h.post_login("nobody", PASSWORD).await;
    let wrong = h.post_login("santai", "not-the-password-1").await;
    assert_eq!(unknown.status(), wrong.status());
    let (a, b): (Value, Value) = (unknown.json().await.unwrap(), wrong.json().await.unwrap());
    assert_eq!(a, b);
}

async fn five_wrong_passwords_lock_the_account_even_against_the_right_one(store: Store) {
    let h = county_with_schools(store).await;
    for _ in 0..4 {
        let r = h.post_login("santai", "not-the-password-1").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let fifth = h.post_login("santai", "not-the-password-1").await;
    assert_eq!(fifth.status(), StatusCode::LOCKED);
    let right = h.post_login("santai", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::LOCKED);
    let body: Value = right.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("已锁定"),
        "{body}"
    );
}

async fn a_reset_password_unlocks_the_account(store: Store) {
    let h = county_with_schools(store).await;
    for _ in 0..5 {
        h.post_login("santai", "not-the-password-1").await;
    }
    h.officer("admin", COUNTY, Role::SystemAdmin);
    let admin = h.sign_in("admin").await;
    let reset = admin
        .post(
            "/console/api/officers/santai/password",
            json!({ "password": "new2027password" }),
        )
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let again = h.post_login("santai", "new2027password").await;
    assert_eq!(again.status(), StatusCode::OK);
}

async fn signing_out_ends_the_session(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    assert_eq!(
        me.get("/console/api/session").await.status(),
        StatusCode::OK
    );
    let out = me.post("/console/api/logout", json!({})).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        me.get("/console/api/session").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

// ------------------------------------------------------- idle sessions

/// Signs santai in at the store; the session's token, and the instants
/// just before and just after the sign-in.
fn session_signed_in(h: &Harness) -> (String, DateTime<Utc>, DateTime<Utc>) {
    h.with_db(|db| {
        let before = Utc::now();
        let (_, secrets) = db.sign_in("santai", PASSWORD, "127.0.0.1").unwrap();
        (secrets.token, before, Utc::now())
    })
}

fn session_alive_at(h: &Harness, token: &str, at: DateTime<Utc>) -> bool {
    let token = token.to_owned();
    h.with_db(move |db| db.session_at(&token, at).unwrap().is_some())
}

async fn a_session_idle_for_just_under_thirty_minutes_is_kept(store: Store) {
    let h = county_with_schools(store).await;
    let (token, before, _) = session_signed_in(&h);
    let almost = before + TimeDelta::minutes(30) - TimeDelta::seconds(1);
    assert!(session_alive_at(&h, &token, almost));
}

async fn a_session_idle_for_thirty_minutes_ends(store: Store) {
    let h = county_with_schools(store).await;
    let (token, _, after) = session_signed_in(&h);
    let idle = after + TimeDelta::minutes(30) + TimeDelta::seconds(1);
    assert!(!session_alive_at(&h, &token, idle));
    // Ended for good: it is removed, not only refused.
    assert!(!session_alive_at(&h, &token, after));
}

async fn a_request_keeps_the_session_thirty_more_minutes(store: Store) {
    let h = county_with_schools(store).await;
    let (token, _, after) = session_signed_in(&h);
    let later = after + TimeDelta::minutes(20);
    assert!(session_alive_at(&h, &token, later));
    let past_the_first_limit = later + TimeDelta::minutes(29);
    assert!(session_alive_at(&h, &token, past_the_first_limit));
}

async fn a_request_within_a_minute_of_the_last_recorded_one_writes_nothing(store: Store) {
    let h = county_with_schools(store).await;
    let (token, before, after) = session_signed_in(&h);
    assert!(
        after - before < TimeDelta::seconds(10),
        "signing in took 10 s or more; the instants below no longer tell"
    );
    // Recorded at the sign-in; 50 seconds later the session is only read …
    assert!(session_alive_at(&h, &token, after + TimeDelta::seconds(50)));
    // … so it ends 30 minutes after the sign-in, not after that request.
    let idle = before + TimeDelta::minutes(30) + TimeDelta::seconds(40);
    assert!(!session_alive_at(&h, &token, idle));
}

// ---------------------------------------------------------------- CSRF

async fn a_change_without_the_csrf_token_is_refused(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let forged = h
        .client
        .post(h.url(&format!("/console/api/schools/{SCHOOL}/codes")))
        .header(COOKIE, &me.cookie)
        .json(&json!({ "valid_days": 30 }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let body: Value = forged.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("刷新页面"));
}

async fn a_change_from_another_origin_is_refused(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let forged = h
        .client
        .post(h.url(&format!("/console/api/schools/{SCHOOL}/codes")))
        .header(COOKIE, &me.cookie)
        .header("x-csrf-token", &me.csrf)
        .header("origin", "http://evil.example")
        .json(&json!({ "valid_days": 30 }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

async fn the_api_needs_a_session(store: Store) {
    let h = county_with_schools(store).await;
    let anonymous = h
        .client
        .get(h.url("/console/api/progress"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------- scope, roles

async fn a_county_sees_its_schools_and_a_city_sees_its_counties(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("mianyang", CITY, Role::InfoQuery);
    let county = h.sign_in("santai").await;
    let codes = |v: Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        codes(county.get_json("/console/api/schools").await),
        [SCHOOL]
    );
    let city = h.sign_in("mianyang").await;
    assert_eq!(
        codes(city.get_json("/console/api/schools").await),
        [OTHER_SCHOOL, SCHOOL]
    );
}

async fn a_county_cannot_issue_a_code_for_another_countys_school(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let response = me
        .post(
            &format!("/console/api/schools/{OTHER_SCHOOL}/codes"),
            json!({ "valid_days": 30 }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

async fn an_info_query_officer_cannot_issue_codes(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("chaxun", COUNTY, Role::InfoQuery);
    let me = h.sign_in("chaxun").await;
    let response = me
        .post(
            &format!("/console/api/schools/{SCHOOL}/codes"),
            json!({ "valid_days": 30 }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("信息查询员"));
}

async fn an_info_query_officer_reads_progress_the_queue_and_teachers(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("chaxun", COUNTY, Role::InfoQuery);
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("chaxun").await;
    let deadline = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    let progress = me
        .get_json(&format!("/console/api/progress?deadline={deadline}"))
        .await;
    assert_eq!(progress["total"]["reported"], 1);
    assert_eq!(me.get_json("/console/api/queue").await["total"], 2);
    assert_eq!(me.get_json("/console/api/teachers").await["total"], 0);
    assert_eq!(me.get_json("/console/api/stats").await["teachers"], 0);
}

async fn an_info_query_officer_cannot_review(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("chaxun", COUNTY, Role::InfoQuery);
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("chaxun").await;
    let response = me
        .post(
            "/console/api/queue/decide",
            json!({
                "items": [{ "batch_id": batch.id, "record": receipt.records[0].id }],
                "decision": "returned",
                "reason": "姓名与证件不符",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("信息查询员"),
        "{body}"
    );
    assert!(h.review_page(&school, 0).await.results.is_empty());
}

async fn an_info_query_officer_cannot_register_a_school(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("chaxun", COUNTY, Role::InfoQuery);
    let me = h.sign_in("chaxun").await;
    let response = me
        .post(
            "/console/api/schools",
            json!({ "code": "2151072299", "name": "三台县新建小学", "county": COUNTY }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let schools = me.get_json("/console/api/schools").await;
    assert_eq!(schools.as_array().unwrap().len(), 1);
}

// ------------------------------------------------------------- schools

async fn a_code_issued_in_the_console_enrolls_the_school(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let issued: Value = me
        .post(
            &format!("/console/api/schools/{SCHOOL}/codes"),
            json!({ "valid_days": 30 }),
        )
        .await
        .json()
        .await
        .unwrap();
    let code = issued["code"].as_str().unwrap();
    h.enroll_with_code(SCHOOL, code).await;
    let schools = me.get_json("/console/api/schools").await;
    assert_eq!(schools[0]["enrolled"], true);
    assert_eq!(schools[0]["open_codes"], 0);
}

async fn revoking_a_schools_key_refuses_its_next_batch(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let me = h.sign_in("santai").await;
    let revoked: Value = me
        .post(
            &format!("/console/api/schools/{SCHOOL}/revoke-key"),
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["count"], 1);
    let batch = school.next_batch(1);
    let response = h.upload(&batch).await;
    support::assert_refused(response, taoli_protocol::RefusalCode::KeyRevoked).await;
    school.last = None;
}

// ------------------------------------------------------------- progress

async fn progress_counts_reported_schools_and_rolls_them_up(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("mianyang", CITY, Role::InfoQuery);
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(2);
    h.upload_ok(&mut school, &batch).await;
    let city = h.sign_in("mianyang").await;
    let today = chrono::Utc::now().date_naive();
    let deadline = today + chrono::Duration::days(30);
    let progress = city
        .get_json(&format!("/console/api/progress?deadline={deadline}"))
        .await;
    assert_eq!(progress["total"]["expected"], 2);
    assert_eq!(progress["total"]["reported"], 1);
    assert_eq!(progress["total"]["on_time"], 1);
    assert_eq!(progress["total"]["reporting_rate"], 50.0);
    assert_eq!(progress["total"]["pending"], 4);
    let counties: Vec<&str> = progress["counties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(counties, ["涪城区", "三台县"]);
}

async fn a_batch_after_the_deadline_and_its_grace_is_reported_but_late(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Duration::days(2);
    let late = me
        .get_json(&format!("/console/api/progress?deadline={yesterday}"))
        .await;
    assert_eq!(late["schools"][0]["reported"], true);
    assert_eq!(late["schools"][0]["on_time"], false);
    let graced = me
        .get_json(&format!(
            "/console/api/progress?deadline={yesterday}&grace=5"
        ))
        .await;
    assert_eq!(graced["schools"][0]["on_time"], true);
    assert_eq!(graced["total"]["on_time_rate"], 100.0);
}

async fn progress_exports_as_a_workbook(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let response = me.get("/console/api/progress.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["学校", "按县汇总", "按市汇总"]);
    let schools = book.worksheet_range("学校").unwrap();
    assert_eq!(
        schools
            .get_value((1, 1))
            .map(ToString::to_string)
            .as_deref(),
        Some("三台县第一小学")
    );
}

// ------------------------------------------------------------- review

async fn the_queue_shows_each_value_by_its_indicator_label(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let page = me.get_json("/console/api/queue?page=1&size=10").await;
    assert_eq!(page["total"], 2);
    let teacher = &page["items"][0];
    assert_eq!(teacher["op_label"], "新增教师");
    assert_eq!(teacher["school_name"], "三台县第一小学");
    assert_eq!(teacher["teacher_name"], "教师0");
    let labels: Vec<&str> = teacher["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"姓名"), "{labels:?}");
    assert!(labels.contains(&"出生日期"), "{labels:?}");
    let record = &page["items"][1];
    assert_eq!(record["group_label"], "学习经历");
    assert_eq!(record["teacher_name"], "教师0");
}

async fn a_change_request_shows_what_is_in_effect_before_and_after(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &first).await;
    let me = h.sign_in("santai").await;
    let items: Vec<Value> = receipt
        .records
        .iter()
        .map(|r| json!({ "batch_id": first.id, "record": r.id }))
        .collect();
    let decided: Value = me
        .post(
            "/console/api/queue/decide",
            json!({ "items": items, "decision": "accepted" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(decided["decided"], 2);

    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!("教师零"));
    let correction = taoli_protocol::Change {
        id: "correction:1".into(),
        op: taoli_protocol::ChangeOp::ChangeRequest,
        teacher_id: "t-0000".into(),
        record_id: None,
        group: None,
        base_version: Some(1),
        version: Some(2),
        fields,
        reason: Some("姓名录入错误".into()),
        status: None,
        signoff: None,
    };
    let second = school.next_batch_of(vec![correction]);
    h.upload_ok(&mut school, &second).await;
    let page = me.get_json("/console/api/queue").await;
    let item = &page["items"][0];
    assert_eq!(item["op_label"], "变更申请");
    assert_eq!(item["reason"], "姓名录入错误");
    assert_eq!(
        item["changes"],
        json!([{ "field": "name", "label": "姓名", "before": "教师0", "after": "教师零" }])
    );
}

async fn a_bulk_accept_lists_what_was_already_reviewed(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let one = json!({ "batch_id": batch.id, "record": receipt.records[0].id });
    let two = json!({ "batch_id": batch.id, "record": receipt.records[1].id });
    me.post(
        "/console/api/queue/decide",
        json!({ "items": [one.clone()], "decision": "returned", "reason": "姓名与证件不符" }),
    )
    .await;
    let bulk: Value = me
        .post(
            "/console/api/queue/decide",
            json!({ "items": [one, two], "decision": "accepted" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bulk["decided"], 1);
    let skipped = &bulk["not_decided"][0];
    assert_eq!(skipped["record"], receipt.records[0].id);
    assert!(
        skipped["why"].as_str().unwrap().contains("退回"),
        "{skipped}"
    );
    // The school hears of both decisions.
    let reviews = h.review_page(&school, 0).await;
    assert_eq!(reviews.results.len(), 2);
}

async fn a_bulk_return_sends_each_record_back_with_the_one_reason(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let records: Vec<String> = receipt.records.iter().map(|r| r.id.clone()).collect();
    let bulk: Value = me
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records), "decision": "returned", "reason": "学历证书编号缺失" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bulk, json!({ "decided": 2, "not_decided": [] }));
    let reviews = h.review_page(&school, 0).await;
    assert_eq!(reviews.results.len(), 2);
    for result in &reviews.results {
        assert_eq!(result.decision, taoli_protocol::Decision::Returned);
        assert_eq!(result.reason.as_deref(), Some("学历证书编号缺失"));
    }
    assert_eq!(me.get_json("/console/api/queue").await["total"], 0);
}

async fn a_bulk_return_lists_what_was_not_returned_and_why(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let records: Vec<String> = receipt.records.iter().map(|r| r.id.clone()).collect();
    // Another reviewer accepts the first record meanwhile.
    me.post(
        "/console/api/queue/decide",
        json!({ "items": refs(&batch, &records[..1]), "decision": "accepted" }),
    )
    .await;
    let bulk: Value = me
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records), "decision": "returned", "reason": "学历证书编号缺失" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bulk["decided"], 1);
    let skipped = &bulk["not_decided"][0];
    assert_eq!(skipped["record"], records[0].as_str());
    assert_eq!(
        skipped["why"],
        format!(
            "批次 {} 的记录「{}」已经审核为「生效」，不能再次审核。",
            batch.id, records[0]
        )
    );
}

async fn a_bulk_return_without_a_reason_returns_nothing(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let records: Vec<String> = receipt.records.iter().map(|r| r.id.clone()).collect();
    let response = me
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records), "decision": "returned" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(me.get_json("/console/api/queue").await["total"], 2);
    assert!(h.review_page(&school, 0).await.results.is_empty());
}

async fn returning_without_a_reason_is_refused(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let response = me
        .post(
            "/console/api/queue/decide",
            json!({
                "items": [{ "batch_id": batch.id, "record": receipt.records[0].id }],
                "decision": "returned",
                "reason": "  ",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("理由"));
}

async fn a_system_admin_cannot_review(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("admin", COUNTY, Role::SystemAdmin);
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let admin = h.sign_in("admin").await;
    let response = admin
        .post(
            "/console/api/queue/decide",
            json!({
                "items": [{ "batch_id": batch.id, "record": receipt.records[0].id }],
                "decision": "accepted",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

// ------------------------------------------------------- 逐级审核

/// A county and its city both review; 三台县第一小学 has sent one teacher
/// (a teacher and a record). Returns the harness, the school and the batch.
async fn county_then_city(store: Store) -> (Harness, support::School, support::Batch, Vec<String>) {
    let h = county_with_schools(store).await;
    h.officer("mianyang", CITY, Role::InfoAdmin);
    h.with_db(|db| {
        let levels = taoli_upstream::db::review_levels::ReviewLevels::parse("county,city").unwrap();
        db.set_review_levels(&taoli_upstream::db::console::Actor::operator(), &levels)
            .unwrap()
    });
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch(1);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let records = receipt.records.iter().map(|r| r.id.clone()).collect();
    (h, school, batch, records)
}

fn refs(batch: &support::Batch, records: &[String]) -> Value {
    Value::Array(
        records
            .iter()
            .map(|r| json!({ "batch_id": batch.id, "record": r }))
            .collect(),
    )
}

async fn a_county_approval_passes_the_record_up_without_telling_the_school(store: Store) {
    let (h, school, batch, records) = county_then_city(store).await;
    let county = h.sign_in("santai").await;
    let decided: Value = county
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records[..1]), "decision": "accepted" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(decided["decided"], 1);
    assert!(h.review_page(&school, 0).await.results.is_empty());
    let county_queue = county.get_json("/console/api/queue").await;
    assert_eq!(county_queue["total"], 1, "only the undecided record stays");

    let city = h.sign_in("mianyang").await;
    let city_queue = city.get_json("/console/api/queue").await;
    assert_eq!(city_queue["total"], 1);
    let item = &city_queue["items"][0];
    assert_eq!(item["stage"], "city");
    assert_eq!(item["approvals"][0]["level"], "county");
    assert_eq!(item["approvals"][0]["by"], "三台县 测试干部");
}

async fn the_last_levels_acceptance_takes_effect_and_reaches_the_school(store: Store) {
    let (h, school, batch, records) = county_then_city(store).await;
    let county = h.sign_in("santai").await;
    county
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records[..1]), "decision": "accepted" }),
        )
        .await;
    let city = h.sign_in("mianyang").await;
    city.post(
        "/console/api/queue/decide",
        json!({ "items": refs(&batch, &records[..1]), "decision": "accepted" }),
    )
    .await;
    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results.len(), 1);
    assert_eq!(page.results[0].decision, taoli_protocol::Decision::Accepted);
    let found = city.get_json("/console/api/teachers?q=教师0").await;
    assert_eq!(found["total"], 1);
}

async fn a_city_cannot_decide_a_record_still_at_the_county(store: Store) {
    let (h, _school, batch, records) = county_then_city(store).await;
    let city = h.sign_in("mianyang").await;
    let decided: Value = city
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records[..1]), "decision": "accepted" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(decided["decided"], 0);
    let why = decided["not_decided"][0]["why"].as_str().unwrap();
    assert!(why.contains("等待县级审核"), "{why}");
}

async fn a_city_sends_a_record_back_to_the_county_with_its_reason(store: Store) {
    let (h, school, batch, records) = county_then_city(store).await;
    let county = h.sign_in("santai").await;
    county
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records[..1]), "decision": "accepted" }),
        )
        .await;
    let city = h.sign_in("mianyang").await;
    let sent: Value = city
        .post(
            "/console/api/queue/send-back",
            json!({ "items": refs(&batch, &records[..1]), "reason": "请核对出生日期" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["decided"], 1);
    assert_eq!(city.get_json("/console/api/queue").await["total"], 0);
    let again = county.get_json("/console/api/queue").await;
    let back = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["record"] == records[0].as_str())
        .unwrap();
    assert_eq!(back["stage"], "county");
    assert_eq!(back["sent_back"], "绵阳市 测试干部：请核对出生日期");
    assert!(h.review_page(&school, 0).await.results.is_empty());
}

async fn a_county_return_goes_straight_to_the_school(store: Store) {
    let (h, school, batch, records) = county_then_city(store).await;
    let county = h.sign_in("santai").await;
    county
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records[..1]), "decision": "returned", "reason": "姓名有误" }),
        )
        .await;
    let page = h.review_page(&school, 0).await;
    assert_eq!(page.results[0].decision, taoli_protocol::Decision::Returned);
}

async fn the_county_has_no_level_below_to_send_back_to(store: Store) {
    let (h, _school, batch, records) = county_then_city(store).await;
    let county = h.sign_in("santai").await;
    let response = county
        .post(
            "/console/api/queue/send-back",
            json!({ "items": refs(&batch, &records[..1]), "reason": "重审" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

// ------------------------------------------------------- 查询与统计

fn teacher(
    n: usize,
    name: &str,
    gender: &str,
    birth: &str,
    education: &str,
) -> taoli_protocol::Change {
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!(name));
    fields.insert("gender".into(), json!(gender));
    fields.insert("id_type".into(), json!("1"));
    fields.insert("id_number".into(), json!(format!("51072219850101{n:04}")));
    fields.insert("birth_date".into(), json!(birth));
    fields.insert("highest_education".into(), json!(education));
    taoli_protocol::Change {
        id: format!("teacher:t{n}"),
        op: taoli_protocol::ChangeOp::NewTeacher,
        teacher_id: format!("t{n}"),
        record_id: None,
        group: None,
        base_version: None,
        version: Some(1),
        fields,
        reason: None,
        status: None,
        signoff: None,
    }
}

/// 三台县第一小学 with three teachers, two of them accepted.
async fn three_teachers_two_in_effect(store: Store) -> Harness {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let batch = school.next_batch_of(vec![
        teacher(1, "王芳", "2", "1985-01-01", "21"),
        teacher(2, "李强", "1", "1999-06-30", "31"),
        teacher(3, "赵敏", "2", "1970-05-05", "21"),
    ]);
    let receipt = h.upload_ok(&mut school, &batch).await;
    let me = h.sign_in("santai").await;
    let items: Vec<Value> = receipt.records[..2]
        .iter()
        .map(|r| json!({ "batch_id": batch.id, "record": r.id }))
        .collect();
    me.post(
        "/console/api/queue/decide",
        json!({ "items": items, "decision": "accepted" }),
    )
    .await;
    h
}

async fn teachers_in_effect_are_found_by_name_id_tail_and_school(store: Store) {
    let h = three_teachers_two_in_effect(store).await;
    let me = h.sign_in("santai").await;
    let by_name = me.get_json("/console/api/teachers?q=王").await;
    assert_eq!(by_name["total"], 1);
    assert_eq!(by_name["items"][0]["name"], "王芳");
    assert_eq!(by_name["items"][0]["gender"], "女");
    assert_eq!(by_name["items"][0]["id_tail"], "0001");
    let by_tail = me.get_json("/console/api/teachers?q=0002").await;
    assert_eq!(by_tail["items"][0]["name"], "李强");
    let by_school = me.get_json("/console/api/teachers?q=三台").await;
    assert_eq!(by_school["total"], 2);
}

async fn the_teachers_list_names_the_id_type(store: Store) {
    let h = three_teachers_two_in_effect(store).await;
    let me = h.sign_in("santai").await;
    let found = me.get_json("/console/api/teachers?q=王芳").await;
    assert_eq!(found["items"][0]["id_type"], "居民身份证");
}

async fn a_change_of_id_type_shows_both_types_by_name(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch_of(vec![teacher(1, "王芳", "2", "1985-01-01", "21")]);
    let receipt = h.upload_ok(&mut school, &first).await;
    let me = h.sign_in("santai").await;
    me.post(
        "/console/api/queue/decide",
        json!({ "items": [{ "batch_id": first.id, "record": receipt.records[0].id }], "decision": "accepted" }),
    )
    .await;
    let mut fields = serde_json::Map::new();
    fields.insert("id_type".into(), json!("A"));
    let correction = taoli_protocol::Change {
        id: "correction:1".into(),
        op: taoli_protocol::ChangeOp::ChangeRequest,
        teacher_id: "t1".into(),
        record_id: None,
        group: None,
        base_version: Some(1),
        version: Some(2),
        fields,
        reason: Some("证件类型录入错误".into()),
        status: None,
        signoff: None,
    };
    let second = school.next_batch_of(vec![correction]);
    h.upload_ok(&mut school, &second).await;
    let page = me.get_json("/console/api/queue").await;
    assert_eq!(
        page["items"][0]["changes"],
        json!([{ "field": "id_type", "label": "身份证件类型", "before": "1 居民身份证", "after": "A 护照" }])
    );
}

/// A 变更申请 of teacher `t{n}`'s 姓名.
fn rename(n: usize, name: &str) -> taoli_protocol::Change {
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!(name));
    taoli_protocol::Change {
        id: format!("rename:t{n}"),
        op: taoli_protocol::ChangeOp::ChangeRequest,
        teacher_id: format!("t{n}"),
        record_id: None,
        group: None,
        base_version: Some(1),
        version: Some(2),
        fields,
        reason: Some("姓名录入错误".into()),
        status: None,
        signoff: None,
    }
}

async fn each_record_on_a_page_shows_its_own_teachers_values_before(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let first = school.next_batch_of(vec![
        teacher(1, "王芳", "2", "1985-01-01", "21"),
        teacher(2, "李强", "1", "1999-06-30", "31"),
    ]);
    let receipt = h.upload_ok(&mut school, &first).await;
    let me = h.sign_in("santai").await;
    let records: Vec<String> = receipt.records.iter().map(|r| r.id.clone()).collect();
    me.post(
        "/console/api/queue/decide",
        json!({ "items": refs(&first, &records), "decision": "accepted" }),
    )
    .await;
    let renames = school.next_batch_of(vec![rename(1, "王芳芳"), rename(2, "李强强")]);
    h.upload_ok(&mut school, &renames).await;
    let page = me.get_json("/console/api/queue?size=10").await;
    let seen: Vec<(Value, Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["op"] == "change_request")
        .map(|item| (item["teacher_name"].clone(), item["changes"].clone()))
        .collect();
    let changed = |before: &str, after: &str| json!([{ "field": "name", "label": "姓名", "before": before, "after": after }]);
    assert_eq!(
        seen,
        vec![
            (json!("王芳芳"), changed("王芳", "王芳芳")),
            (json!("李强强"), changed("李强", "李强强")),
        ]
    );
}

async fn a_teacher_waiting_for_review_is_not_in_effect(store: Store) {
    let h = three_teachers_two_in_effect(store).await;
    let me = h.sign_in("santai").await;
    let found = me.get_json("/console/api/teachers?q=赵敏").await;
    assert_eq!(found["total"], 0);
}

async fn statistics_count_teachers_in_effect_by_gender_and_education(store: Store) {
    let h = three_teachers_two_in_effect(store).await;
    h.officer("mianyang", CITY, Role::InfoQuery);
    let city = h.sign_in("mianyang").await;
    let stats = city.get_json("/console/api/stats").await;
    assert_eq!(stats["teachers"], 2);
    let dimension = |key: &str| -> Vec<(String, u64)> {
        stats["dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == key)
            .unwrap()["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["label"].as_str().unwrap().to_owned(),
                    b["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        dimension("gender"),
        [("女".to_owned(), 1), ("男".to_owned(), 1)]
    );
    assert_eq!(dimension("age_band").iter().map(|(_, n)| n).sum::<u64>(), 2);
    let education = dimension("education");
    assert_eq!(education.len(), 2, "{education:?}");
}

async fn statistics_export_as_a_workbook_with_a_total(store: Store) {
    let h = three_teachers_two_in_effect(store).await;
    let me = h.sign_in("santai").await;
    let response = me.get("/console/api/stats.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let gender = book.worksheet_range("性别").unwrap();
    let last = gender.height() - 1;
    assert_eq!(
        gender
            .get_value((last as u32, 0))
            .map(ToString::to_string)
            .as_deref(),
        Some("合计")
    );
    assert_eq!(
        gender
            .get_value((last as u32, 1))
            .map(ToString::to_string)
            .as_deref(),
        Some("2")
    );
}

/// `changes` sent by 三台县第一小学 and accepted by its county.
async fn accepted(h: &Harness, school: &mut support::School, changes: Vec<taoli_protocol::Change>) {
    let batch = school.next_batch_of(changes);
    let receipt = h.upload_ok(school, &batch).await;
    let records: Vec<String> = receipt.records.iter().map(|r| r.id.clone()).collect();
    let me = h.sign_in("santai").await;
    let decided = me
        .post(
            "/console/api/queue/decide",
            json!({ "items": refs(&batch, &records), "decision": "accepted" }),
        )
        .await;
    assert_eq!(decided.status(), StatusCode::OK);
}

/// Teacher `t{n}` named `name`, with the ID number `id_number`.
fn teacher_with_id(n: usize, name: &str, id_number: &str) -> taoli_protocol::Change {
    let mut change = teacher(n, name, "2", "1985-01-01", "21");
    change.fields.insert("id_number".into(), json!(id_number));
    change
}

/// A 变更申请 of teacher `t{n}`'s `field`.
fn correction(n: usize, field: &str, value: &str) -> taoli_protocol::Change {
    let mut change = rename(n, "");
    change.id = format!("correction:t{n}:{field}");
    change.fields = serde_json::Map::new();
    change.fields.insert(field.into(), json!(value));
    change.reason = Some("录入错误".into());
    change
}

fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

fn teacher_ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["teacher_id"].as_str().unwrap())
        .collect()
}

async fn an_id_tail_ending_in_x_is_found_when_typed_with_a_lower_case_x(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![
            teacher_with_id(1, "王芳", "51072219850101123X"),
            teacher_with_id(2, "李强", "510722198501011234"),
        ],
    )
    .await;
    let me = h.sign_in("santai").await;
    let found = me.get_json("/console/api/teachers?q=123x").await;
    assert_eq!(found["total"], 1);
    assert_eq!(names(&found), ["王芳"]);
    assert_eq!(found["items"][0]["id_tail"], "123X");
}

async fn an_id_number_entered_with_a_lower_case_x_is_found_by_its_tail(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![teacher_with_id(1, "王芳", "51072219850101123x")],
    )
    .await;
    let me = h.sign_in("santai").await;
    let found = me.get_json("/console/api/teachers?q=123X").await;
    assert_eq!(names(&found), ["王芳"]);
}

/// Two teachers in effect, `literal` and `other`; a search for `query`
/// (already URL-encoded) finds `literal` alone.
async fn a_search_finds_only(store: Store, literal: &str, other: &str, query: &str) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![
            teacher(1, literal, "2", "1985-01-01", "21"),
            teacher(2, other, "2", "1985-01-01", "21"),
        ],
    )
    .await;
    let me = h.sign_in("santai").await;
    let found = me
        .get_json(&format!("/console/api/teachers?q={query}"))
        .await;
    assert_eq!(found["total"], 1);
    assert_eq!(names(&found), [literal]);
}

async fn an_underscore_in_a_search_matches_only_an_underscore(store: Store) {
    a_search_finds_only(store, "王_芳", "王小芳", "王_芳").await;
}

async fn a_percent_sign_in_a_search_matches_only_a_percent_sign(store: Store) {
    a_search_finds_only(store, "李%强", "李小强", "李%25强").await;
}

async fn a_backslash_in_a_search_matches_only_a_backslash(store: Store) {
    a_search_finds_only(store, r"赵\敏", "赵敏", "赵%5C敏").await;
}

async fn a_name_search_tells_upper_from_lower_case_on_both_stores(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![
            teacher(1, "Li Ming", "1", "1985-01-01", "21"),
            teacher(2, "li ming", "1", "1985-01-01", "21"),
        ],
    )
    .await;
    let me = h.sign_in("santai").await;
    let found = me.get_json("/console/api/teachers?q=Li").await;
    assert_eq!(names(&found), ["Li Ming"]);
}

async fn the_second_page_holds_the_next_teachers_and_the_total_counts_all(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    let five = (1..=5)
        .map(|n| teacher(n, &format!("教师{n}"), "1", "1985-01-01", "21"))
        .collect();
    accepted(&h, &mut school, five).await;
    let me = h.sign_in("santai").await;
    let page = me.get_json("/console/api/teachers?size=2&page=2").await;
    assert_eq!(page["total"], 5);
    assert_eq!(page["page"], 2);
    assert_eq!(page["page_size"], 2);
    assert_eq!(teacher_ids(&page), ["t3", "t4"]);
}

async fn the_total_of_a_search_counts_only_the_teachers_it_found(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![
            teacher(1, "王芳", "2", "1985-01-01", "21"),
            teacher(2, "李强", "1", "1985-01-01", "21"),
            teacher(3, "王磊", "1", "1985-01-01", "21"),
            teacher(4, "赵敏", "2", "1985-01-01", "21"),
            teacher(5, "王静", "2", "1985-01-01", "21"),
        ],
    )
    .await;
    let me = h.sign_in("santai").await;
    let page = me
        .get_json("/console/api/teachers?q=王&size=2&page=2")
        .await;
    assert_eq!(page["total"], 3);
    assert_eq!(names(&page), ["王静"]);
}

async fn a_renamed_teacher_is_found_by_the_new_name_and_not_the_old(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![teacher(1, "王芳", "2", "1985-01-01", "21")],
    )
    .await;
    accepted(&h, &mut school, vec![rename(1, "王小芳")]).await;
    let me = h.sign_in("santai").await;
    let by_old = me.get_json("/console/api/teachers?q=王芳").await;
    assert_eq!(by_old["total"], 0);
    let by_new = me.get_json("/console/api/teachers?q=王小芳").await;
    assert_eq!(names(&by_new), ["王小芳"]);
}

/// The buckets of the statistics' dimension `key`: (label, count).
fn buckets(stats: &Value, key: &str) -> Vec<(String, u64)> {
    stats["dimensions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == key)
        .unwrap()["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_owned(),
                b["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

async fn statistics_count_a_corrected_teacher_by_the_new_values_only(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![teacher(1, "王芳", "2", "1985-01-01", "21")],
    )
    .await;
    accepted(
        &h,
        &mut school,
        vec![correction(1, "highest_education", "31")],
    )
    .await;
    let me = h.sign_in("santai").await;
    let stats = me.get_json("/console/api/stats").await;
    assert_eq!(stats["teachers"], 1);
    assert_eq!(
        buckets(&stats, "education"),
        [("大学专科毕业".to_owned(), 1)]
    );
}

async fn statistics_count_a_value_not_given_as_not_filled_in(store: Store) {
    let h = county_with_schools(store).await;
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![teacher(1, "王芳", "2", "1985-01-01", "21")],
    )
    .await;
    let me = h.sign_in("santai").await;
    let stats = me.get_json("/console/api/stats").await;
    assert_eq!(buckets(&stats, "title"), [("未填".to_owned(), 1)]);
}

async fn a_search_within_one_school_lists_only_its_teachers(store: Store) {
    let h = county_with_schools(store).await;
    h.register("2151072203", "三台县第二小学", COUNTY);
    let mut first = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut first,
        vec![teacher(1, "王芳", "2", "1985-01-01", "21")],
    )
    .await;
    let mut second = h.enroll("2151072203").await;
    accepted(
        &h,
        &mut second,
        vec![teacher(1, "王磊", "1", "1985-01-01", "21")],
    )
    .await;
    let me = h.sign_in("santai").await;
    let all = me.get_json("/console/api/teachers?q=王").await;
    assert_eq!(all["total"], 2);
    let one = me
        .get_json("/console/api/teachers?q=王&school=2151072203")
        .await;
    assert_eq!(names(&one), ["王磊"]);
}

async fn a_county_does_not_list_another_countys_teachers(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("fucheng", NEIGHBOUR, Role::InfoAdmin);
    let mut school = h.enroll(SCHOOL).await;
    accepted(
        &h,
        &mut school,
        vec![teacher(1, "王芳", "2", "1985-01-01", "21")],
    )
    .await;
    let neighbour = h.sign_in("fucheng").await;
    let found = neighbour.get_json("/console/api/teachers").await;
    assert_eq!(found["total"], 0);
    let stats = neighbour.get_json("/console/api/stats").await;
    assert_eq!(stats["teachers"], 0);
}

// ------------------------------------------- a database from before 0006

/// The SQL of migrations 0001–0005 of `store`'s engine, recorded as
/// applied: a database as an upstream before 0006 left it.
fn schema_before_0006(store: Store) -> String {
    let files = match store {
        Store::Sqlite => [
            include_str!("../migrations/sqlite/0001_batches.sql"),
            include_str!("../migrations/sqlite/0002_console.sql"),
            include_str!("../migrations/sqlite/0003_notices.sql"),
            include_str!("../migrations/sqlite/0004_review_levels.sql"),
            include_str!("../migrations/sqlite/0005_rush.sql"),
        ],
        Store::Postgres => [
            include_str!("../migrations/postgres/0001_batches.sql"),
            include_str!("../migrations/postgres/0002_console.sql"),
            include_str!("../migrations/postgres/0003_notices.sql"),
            include_str!("../migrations/postgres/0004_review_levels.sql"),
            include_str!("../migrations/postgres/0005_rush.sql"),
        ],
    };
    let mut sql = files.join("\n;\n");
    sql.push_str(
        ";
        CREATE TABLE schema_migration (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        INSERT INTO schema_migration VALUES
            (1, '0001_batches', '2026-09-01T00:00:00Z'),
            (2, '0002_console', '2026-09-01T00:00:00Z'),
            (3, '0003_notices', '2026-09-01T00:00:00Z'),
            (4, '0004_review_levels', '2026-09-01T00:00:00Z'),
            (5, '0005_rush', '2026-09-01T00:00:00Z');",
    );
    sql
}

/// Runs `sql` on the database, as a client of the engine's own.
fn run_sql(store: Store, database: &str, sql: &str) {
    match store {
        Store::Sqlite => {
            let conn = rusqlite::Connection::open(database).unwrap();
            conn.pragma_update(None, "application_id", 0x544c_5550)
                .unwrap();
            conn.execute_batch(sql).unwrap();
        }
        Store::Postgres => {
            let mut client = ::postgres::Client::connect(database, ::postgres::NoTls).unwrap();
            client.batch_execute(sql).unwrap();
        }
    }
}

/// 三台县第一小学 on a database written before 0006 and then migrated:
/// 王芳 in effect (her name typed between spaces, a full-width one after,
/// her ID number with a lower-case x), one of her records, and 李强,
/// removed.
async fn migrated_from_before_0006(store: Store) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let location = store.fresh_location(dir.path());
    let database = location.database.clone();
    let written = r#"
        INSERT INTO teacher_state
            (school, teacher_id, record_id, grp, fields, version, removed, accepted_at)
        VALUES
            ('2151072201', 't1', '', '',
             '{"name":" 王芳\u3000","gender":"2","id_type":"1","id_number":"51072219850101123x","birth_date":"1985-01-01","highest_education":"21","current_title":null}',
             1, 0, '2026-10-01T00:00:00Z'),
            ('2151072201', 't1', 'r1', 'education', '{"name":"王芳的学习经历"}',
             1, 0, '2026-10-01T00:00:00Z'),
            ('2151072201', 't2', '', '',
             '{"name":"李强","gender":"1","id_type":"1","id_number":"510722199906300012","birth_date":"1999-06-30","highest_education":"31"}',
             1, 1, '2026-10-01T00:00:00Z');"#;
    let sql = format!("{}\n{written}", schema_before_0006(store));
    support::off_runtime(move || run_sql(store, &database, &sql));
    let opened = location.clone();
    let db = support::off_runtime(move || {
        let db = taoli_upstream::Db::connect_unmigrated(&opened).unwrap();
        assert_eq!(db.migrate().unwrap(), ["0006_teacher_columns"]);
        db
    });
    let server = taoli_upstream::Server::start(
        db,
        "127.0.0.1:0".parse().unwrap(),
        false,
        taoli_upstream::Faults::default(),
    )
    .await
    .unwrap();
    let h = Harness {
        server,
        client: reqwest::Client::builder().no_proxy().build().unwrap(),
        dir,
        location,
    };
    h.register(SCHOOL, "三台县第一小学", COUNTY);
    h.officer("santai", COUNTY, Role::InfoAdmin);
    h
}

async fn a_database_from_before_0006_lists_its_teachers_as_their_json_says(store: Store) {
    let h = migrated_from_before_0006(store).await;
    let me = h.sign_in("santai").await;
    let listed = me.get_json("/console/api/teachers").await;
    assert_eq!(listed["total"], 1);
    assert_eq!(
        listed["items"],
        json!([{
            "school": SCHOOL,
            "school_name": "三台县第一小学",
            "teacher_id": "t1",
            "name": "王芳",
            "gender": "女",
            "birth_date": "1985-01-01",
            "id_type": "居民身份证",
            "id_tail": "123X",
            "education": "大学本科毕业",
            "title": "未填",
        }])
    );
}

async fn a_database_from_before_0006_finds_a_teacher_by_the_tail_of_the_id_number(store: Store) {
    let h = migrated_from_before_0006(store).await;
    let me = h.sign_in("santai").await;
    let found = me.get_json("/console/api/teachers?q=123X").await;
    assert_eq!(names(&found), ["王芳"]);
}

async fn a_database_from_before_0006_counts_its_teachers_in_effect(store: Store) {
    let h = migrated_from_before_0006(store).await;
    let me = h.sign_in("santai").await;
    let stats = me.get_json("/console/api/stats").await;
    assert_eq!(stats["teachers"], 1);
    assert_eq!(buckets(&stats, "gender"), [("女".to_owned(), 1)]);
}

// ------------------------------------------------------- 督促提醒

async fn a_reminder_reaches_the_school_at_its_next_signed_read(store: Store) {
    let h = county_with_schools(store).await;
    let school = h.enroll(SCHOOL).await;
    let me = h.sign_in("santai").await;
    let sent: Value = me
        .post(
            "/console/api/notices",
            json!({ "schools": [SCHOOL], "message": "请于3月31日前完成报送" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["count"], 1);
    let path = format!("/v1/schools/{SCHOOL}/notices?after=0");
    let response = h.signed_get(&school.key, &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap();
    let page = taoli_protocol::NoticePage::decode(&bytes, SCHOOL, 0).unwrap();
    assert_eq!(page.notices.len(), 1);
    assert_eq!(page.notices[0].message, "请于3月31日前完成报送");
    assert_eq!(page.notices[0].from, "三台县 测试干部");
    let after = h
        .signed_get(
            &school.key,
            &format!("/v1/schools/{SCHOOL}/notices?after={}", page.next),
        )
        .await;
    let later =
        taoli_protocol::NoticePage::decode(&after.bytes().await.unwrap(), SCHOOL, page.next)
            .unwrap();
    assert!(later.notices.is_empty());
}

async fn notices_are_refused_without_the_schools_signature(store: Store) {
    let h = county_with_schools(store).await;
    let anonymous = h
        .client
        .get(h.url(&format!("/v1/schools/{SCHOOL}/notices?after=0")))
        .send()
        .await
        .unwrap();
    assert!(anonymous.status().is_client_error());
}

async fn a_county_cannot_remind_another_countys_school(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let response = me
        .post(
            "/console/api/notices",
            json!({ "schools": [SCHOOL, OTHER_SCHOOL], "message": "请尽快报送" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Nothing was sent, not even to its own school.
    let school = h.enroll(SCHOOL).await;
    let page = h
        .signed_get(
            &school.key,
            &format!("/v1/schools/{SCHOOL}/notices?after=0"),
        )
        .await;
    let page = taoli_protocol::NoticePage::decode(&page.bytes().await.unwrap(), SCHOOL, 0).unwrap();
    assert!(page.notices.is_empty());
}

async fn an_empty_reminder_is_refused(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    let response = me
        .post(
            "/console/api/notices",
            json!({ "schools": [SCHOOL], "message": "   " }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

// ------------------------------------------------------------- audit

async fn every_officer_action_is_in_the_audit_log(store: Store) {
    let h = county_with_schools(store).await;
    h.officer("admin", COUNTY, Role::SystemAdmin);
    h.post_login("santai", "not-the-password-1").await;
    let me = h.sign_in("santai").await;
    me.post(
        &format!("/console/api/schools/{SCHOOL}/codes"),
        json!({ "valid_days": 7 }),
    )
    .await;
    let admin = h.sign_in("admin").await;
    let log = admin.get_json("/console/api/audit").await;
    let actions: Vec<(String, String)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["username"].as_str().unwrap().to_owned(),
                l["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("santai", "登录失败"),
        ("santai", "登录"),
        ("santai", "签发报送码"),
        ("admin", "登录"),
    ] {
        assert!(
            actions
                .iter()
                .any(|(u, a)| u == expected.0 && a == expected.1),
            "{expected:?} not in {actions:?}"
        );
    }
    assert_eq!(log[0]["address"], "127.0.0.1");
}

async fn an_info_admin_cannot_read_the_audit_log(store: Store) {
    let h = county_with_schools(store).await;
    let me = h.sign_in("santai").await;
    assert_eq!(
        me.get("/console/api/audit").await.status(),
        StatusCode::FORBIDDEN
    );
}

// ------------------------------------------------------------- the bare page

async fn the_bare_review_page_is_not_served_without_admin(store: Store) {
    let h = Harness::start(store).await;
    let page = h.client.get(h.url("/review")).send().await.unwrap();
    assert!(page.status().is_client_error(), "{}", page.status());
    assert!(!page.text().await.unwrap().contains("<form"));
}

async fn the_console_app_is_served_with_a_strict_content_policy(store: Store) {
    let h = Harness::start(store).await;
    let page = h.client.get(h.url("/console/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(page.text().await.unwrap().contains("桃李"));
}

on_both_stores!(
    signing_in_gives_an_httponly_strict_session_cookie,
    a_wrong_password_is_refused_in_chinese,
    an_unknown_username_is_refused_like_a_wrong_password,
    five_wrong_passwords_lock_the_account_even_against_the_right_one,
    a_reset_password_unlocks_the_account,
    signing_out_ends_the_session,
    a_session_idle_for_just_under_thirty_minutes_is_kept,
    a_session_idle_for_thirty_minutes_ends,
    a_request_keeps_the_session_thirty_more_minutes,
    a_request_within_a_minute_of_the_last_recorded_one_writes_nothing,
    a_change_without_the_csrf_token_is_refused,
    a_change_from_another_origin_is_refused,
    the_api_needs_a_session,
    a_county_sees_its_schools_and_a_city_sees_its_counties,
    a_county_cannot_issue_a_code_for_another_countys_school,
    an_info_query_officer_cannot_issue_codes,
    an_info_query_officer_reads_progress_the_queue_and_teachers,
    an_info_query_officer_cannot_review,
    an_info_query_officer_cannot_register_a_school,
    a_code_issued_in_the_console_enrolls_the_school,
    revoking_a_schools_key_refuses_its_next_batch,
    progress_counts_reported_schools_and_rolls_them_up,
    a_batch_after_the_deadline_and_its_grace_is_reported_but_late,
    progress_exports_as_a_workbook,
    the_queue_shows_each_value_by_its_indicator_label,
    a_change_request_shows_what_is_in_effect_before_and_after,
    a_bulk_accept_lists_what_was_already_reviewed,
    a_bulk_return_sends_each_record_back_with_the_one_reason,
    a_bulk_return_lists_what_was_not_returned_and_why,
    a_bulk_return_without_a_reason_returns_nothing,
    returning_without_a_reason_is_refused,
    a_system_admin_cannot_review,
    every_officer_action_is_in_the_audit_log,
    an_info_admin_cannot_read_the_audit_log,
    the_bare_review_page_is_not_served_without_admin,
    teachers_in_effect_are_found_by_name_id_tail_and_school,
    the_teachers_list_names_the_id_type,
    a_change_of_id_type_shows_both_types_by_name,
    each_record_on_a_page_shows_its_own_teachers_values_before,
    a_teacher_waiting_for_review_is_not_in_effect,
    statistics_count_teachers_in_effect_by_gender_and_education,
    statistics_export_as_a_workbook_with_a_total,
    an_id_tail_ending_in_x_is_found_when_typed_with_a_lower_case_x,
    an_id_number_entered_with_a_lower_case_x_is_found_by_its_tail,
    an_underscore_in_a_search_matches_only_an_underscore,
    a_percent_sign_in_a_search_matches_only_a_percent_sign,
    a_backslash_in_a_search_matches_only_a_backslash,
    a_name_search_tells_upper_from_lower_case_on_both_stores,
    the_second_page_holds_the_next_teachers_and_the_total_counts_all,
    the_total_of_a_search_counts_only_the_teachers_it_found,
    a_renamed_teacher_is_found_by_the_new_name_and_not_the_old,
    statistics_count_a_corrected_teacher_by_the_new_values_only,
    statistics_count_a_value_not_given_as_not_filled_in,
    a_search_within_one_school_lists_only_its_teachers,
    a_county_does_not_list_another_countys_teachers,
    a_database_from_before_0006_lists_its_teachers_as_their_json_says,
    a_database_from_before_0006_finds_a_teacher_by_the_tail_of_the_id_number,
    a_database_from_before_0006_counts_its_teachers_in_effect,
    a_reminder_reaches_the_school_at_its_next_signed_read,
    notices_are_refused_without_the_schools_signature,
    a_county_cannot_remind_another_countys_school,
    an_empty_reminder_is_refused,
    a_county_approval_passes_the_record_up_without_telling_the_school,
    the_last_levels_acceptance_takes_effect_and_reaches_the_school,
    a_city_cannot_decide_a_record_still_at_the_county,
    a_city_sends_a_record_back_to_the_county_with_its_reason,
    a_county_return_goes_straight_to_the_school,
    the_county_has_no_level_below_to_send_back_to,
    the_console_app_is_served_with_a_strict_content_policy,
);

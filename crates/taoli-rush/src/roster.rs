//! What the simulated schools send: schools with their codes and keys, and
//! their signed batches of `teachers` new teachers each, in the shape of
//! the upstream's tests (`sample_payload` in
//! crates/taoli-upstream/tests/support/mod.rs: per teacher a `new_teacher`
//! with the identity and a `new_record` of 学习经历), with realistic
//! content: Chinese names, valid 18-digit resident ID numbers whose birth
//! date and sex agree with the fields, the codes a county roster has, and
//! UUIDv7 ids as the app makes them. Seeded, so a run can be made again.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};
use taoli_protocol::{
    self as protocol, Change, ChangeOp, Manifest, ManifestFields, Payload, SignedManifest,
    SigningKey,
};
use uuid::Uuid;

use crate::error::Result;

/// Counties the schools are in: the first six digits of their teachers' ID
/// numbers, and the regions a province would partition by.
const COUNTIES: [&str; 8] = [
    "510722", "510723", "510724", "510725", "511302", "511321", "511322", "511323",
];

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "罗", "高", "林", "欧阳", "诸葛", "司马", "上官",
];

const GIVEN: [&str; 32] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓燕", "志强", "文", "红梅",
    "子涵", "雨萱", "浩然", "思远",
];

const MAJORS: [&str; 10] = [
    "汉语言文学",
    "数学与应用数学",
    "英语",
    "物理学",
    "化学",
    "生物科学",
    "历史学",
    "思想政治教育",
    "体育教育",
    "小学教育",
];

const INSTITUTIONS: [&str; 6] = [
    "四川师范大学",
    "西华师范大学",
    "绵阳师范学院",
    "乐山师范学院",
    "内江师范学院",
    "成都大学",
];

/// A school of the rush: its 学校标识码 and its signing key.
#[derive(Debug)]
pub struct School {
    pub code: String,
    pub key: SigningKey,
}

impl School {
    /// School number `n` of the rush, with a new key.
    pub fn new(n: usize) -> Result<School> {
        Ok(School {
            code: school_code(n),
            key: SigningKey::generate()?,
        })
    }
}

/// The 10-digit 学校标识码 of school `n`: `2`, a county number, the school's
/// number within the county (a thousand schools to a county).
pub fn school_code(n: usize) -> String {
    let county = n.checked_div(1000).unwrap_or(0).wrapping_add(1);
    let within = n.checked_rem(1000).unwrap_or(0);
    format!("21{county:04}{within:04}")
}

/// One signed batch, ready to send: the envelope (`POST /v1/batches`) and
/// the compressed payload (`PUT …/payload`).
#[derive(Debug, Clone)]
pub struct Batch {
    /// Which school of the rush sends it.
    pub school: usize,
    pub id: String,
    pub manifest: Manifest,
    pub envelope: Vec<u8>,
    pub payload: Vec<u8>,
}

/// School `index`'s batches `1..=count`, each following the one before
/// (`previous_batch` is the id the school chose for it), each of
/// `teachers` new teachers.
pub fn batches_of(
    index: usize,
    school: &School,
    count: usize,
    teachers: usize,
    seed: u64,
) -> Result<Vec<Batch>> {
    let mut out: Vec<Batch> = Vec::with_capacity(count);
    for sequence in 1..=count as u64 {
        let previous = out.last().map(|b| b.id.clone());
        let id = Uuid::now_v7().hyphenated().to_string();
        let mut rng = StdRng::seed_from_u64(
            seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ sequence,
        );
        let payload = payload(&school.code, &id, teachers, &mut rng);
        out.push(sign(index, school, payload, sequence, previous.as_deref())?);
    }
    Ok(out)
}

fn sign(
    index: usize,
    school: &School,
    payload: Payload,
    sequence: u64,
    previous: Option<&str>,
) -> Result<Batch> {
    let bytes = payload.encode()?;
    let created_at = protocol::now();
    let manifest = Manifest::new(
        &school.key,
        ManifestFields {
            school: &school.code,
            batch_id: &payload.batch_id,
            sequence,
            previous_batch: previous,
            created_at: &created_at,
            record_count: payload.record_count(),
            payload: &bytes,
        },
    )?;
    let envelope = SignedManifest::sign(&manifest, &school.key).encode();
    Ok(Batch {
        school: index,
        id: payload.batch_id.clone(),
        manifest,
        envelope,
        payload: bytes,
    })
}

/// A payload of `teachers` new teachers, each a `new_teacher` (identity and
/// 基本信息) and a `new_record` of 学习经历: two records a teacher.
pub fn payload(school: &str, batch_id: &str, teachers: usize, rng: &mut impl Rng) -> Payload {
    let mut payload = Payload::new(school, batch_id);
    for _ in 0..teachers {
        let person = Person::random(rng);
        let teacher_id = Uuid::now_v7().hyphenated().to_string();
        let record_id = Uuid::now_v7().hyphenated().to_string();
        let mut fields = Map::new();
        fields.insert("name".into(), json!(person.name));
        fields.insert("id_type".into(), json!("1"));
        fields.insert("id_number".into(), json!(person.id_number));
        fields.insert("gender".into(), json!(person.gender));
        fields.insert("birth_date".into(), json!(person.birth_date));
        fields.insert("nationality".into(), json!("156"));
        fields.insert("ethnicity".into(), json!("01"));
        fields.insert(
            "political_status".into(),
            json!(pick(rng, &["01", "03", "13"])),
        );
        fields.insert(
            "work_start_month".into(),
            json!(format!("{}-09", person.graduated)),
        );
        fields.insert(
            "school_start_month".into(),
            json!(format!("{}-09", person.graduated)),
        );
        fields.insert("on_establishment".into(), json!("1"));
        payload.changes.push(Change {
            id: format!("teacher:{teacher_id}"),
            op: ChangeOp::NewTeacher,
            teacher_id: teacher_id.clone(),
            record_id: None,
            group: None,
            base_version: None,
            version: Some(1),
            fields,
            reason: None,
            status: None,
            signoff: None,
        });
        let mut education = Map::new();
        education.insert(
            "education".into(),
            Value::from(pick(rng, &["21", "31", "14"])),
        );
        education.insert("major".into(), json!(pick(rng, &MAJORS)));
        education.insert(
            "education_institution".into(),
            json!(pick(rng, &INSTITUTIONS)),
        );
        education.insert(
            "enrollment_month".into(),
            json!(format!("{}-09", person.graduated.saturating_sub(4))),
        );
        education.insert(
            "graduation_month".into(),
            json!(format!("{}-06", person.graduated)),
        );
        education.insert("full_time".into(), json!("1"));
        payload.changes.push(Change {
            id: format!("record:{record_id}@1"),
            op: ChangeOp::NewRecord,
            teacher_id,
            record_id: Some(record_id),
            group: Some("education".into()),
            base_version: None,
            version: Some(1),
            fields: education,
            reason: None,
            status: None,
            signoff: None,
        });
    }
    payload
}

fn pick<'a>(rng: &mut impl Rng, from: &[&'a str]) -> &'a str {
    let at = rng.random_range(0..from.len().max(1));
    from.get(at).copied().unwrap_or_default()
}

/// A teacher's identity, agreeing with itself.
struct Person {
    name: String,
    id_number: String,
    gender: &'static str,
    birth_date: String,
    graduated: u32,
}

impl Person {
    fn random(rng: &mut impl Rng) -> Person {
        let name = format!("{}{}", pick(rng, &SURNAMES), pick(rng, &GIVEN));
        let year: u32 = rng.random_range(1962..=2001);
        let month: u32 = rng.random_range(1..=12);
        let day: u32 = rng.random_range(1..=28);
        let order: u32 = rng.random_range(0..1000);
        let county = pick(rng, &COUNTIES);
        let body = format!("{county}{year:04}{month:02}{day:02}{order:03}");
        let id_number = format!("{body}{}", check_character(&body));
        // The 17th digit: odd for a man (1), even for a woman (2).
        let gender = if order.checked_rem(2) == Some(1) {
            "1"
        } else {
            "2"
        };
        Person {
            name,
            id_number,
            gender,
            birth_date: format!("{year:04}-{month:02}-{day:02}"),
            graduated: year.saturating_add(22),
        }
    }
}

/// The check character of a resident ID number's first 17 digits
/// (GB 11643, ISO 7064 MOD 11-2).
pub fn check_character(body: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECKS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum = body
        .chars()
        .filter_map(|c| c.to_digit(10))
        .zip(WEIGHTS)
        .fold(0u32, |sum, (digit, weight)| {
            sum.wrapping_add(digit.wrapping_mul(weight))
        });
    let at = usize::try_from(sum.checked_rem(11).unwrap_or(0)).unwrap_or(0);
    CHECKS.get(at).copied().unwrap_or('X')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_number_check_character_follows_gb_11643() {
        // The standard's own example: 11010519491231002X.
        assert_eq!(check_character("11010519491231002"), 'X');
    }

    #[test]
    fn a_payload_holds_two_records_a_teacher_and_decodes() {
        let mut rng = StdRng::seed_from_u64(1);
        let p = payload(
            "2100010001",
            "0190f5e4-7a3b-7c4d-8e5f-0123456789ab",
            300,
            &mut rng,
        );
        assert_eq!(p.record_count(), 600);
        let bytes = p.encode().unwrap();
        assert_eq!(Payload::decode(&bytes).unwrap(), p);
    }

    #[test]
    fn school_codes_are_ten_digits_and_distinct() {
        let codes: std::collections::HashSet<String> = (0..5000).map(school_code).collect();
        assert_eq!(codes.len(), 5000);
        assert!(codes.iter().all(|c| c.len() == 10));
    }
}

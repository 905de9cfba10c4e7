//! Field-by-field data entry (`taoli teacher set`, `taoli record add`, the
//! form): a clerk's `FIELD=VALUE` pairs, where FIELD is an indicator code or
//! label and VALUE a code, label or synonym, normalized through the catalog
//! before anything is stored.

use serde_json::Value;

use crate::account::Permission;
use crate::catalog::{CodeTable, EffectiveCatalog, EffectiveField, EffectiveGroup, FieldType};
use crate::correction_request::CorrectionRequest;
use crate::correction_requests;
use crate::error::messages::{listed, named_code};
use crate::error::{EntryError, TeacherError};
use crate::error::{Error, Locale, Particular, Result, Worded};
use crate::record::{Fields, IndicatorRecord};
use crate::store::{SchoolFile, records, teachers};
use crate::teacher::{NewTeacher, Teacher};
use crate::validate::value::Moment;

/// Splits `FIELD=VALUE` (or the full-width ＝).
pub fn parse_assignment(raw: &str) -> Result<(String, String)> {
    raw.split_once('=')
        .or_else(|| raw.split_once('＝'))
        .map(|(f, v)| (f.trim().to_owned(), v.trim().to_owned()))
        .filter(|(f, _)| !f.is_empty())
        .ok_or_else(|| Error::Entry(EntryError::BadAssignment(raw.to_owned())))
}

/// Finds the field a clerk named, by code, label or header synonym.
pub fn find_field<'a>(group: &'a EffectiveGroup, name: &str) -> Result<&'a EffectiveField> {
    let name = name.trim().trim_start_matches('*');
    group
        .fields
        .iter()
        .find(|f| {
            f.code == name
                || f.label == name
                || (!f.label_en.is_empty() && f.label_en.eq_ignore_ascii_case(name))
                || f.header_synonyms.iter().any(|s| s == name)
        })
        .ok_or_else(|| {
            let fillable = |locale| {
                let fields = group.fields.iter().filter(|f| !f.derived);
                listed(
                    locale,
                    fields.map(|f| named_code(locale, f.worded_label().get(locale), &f.code)),
                )
            };
            Error::Entry(EntryError::UnknownField {
                group: Box::new(group.worded_name()),
                field: name.to_owned(),
                valid: Box::new(Worded {
                    zh: fillable(Locale::ZhCn),
                    en: fillable(Locale::En),
                }),
            })
        })
}

/// Turns what a clerk typed into the stored value for `field`. Empty text
/// clears the field.
pub fn normalize_value(
    field: &EffectiveField,
    table: Option<&CodeTable>,
    raw: &str,
) -> Result<Value> {
    // Full-width forms become half-width where the value is a code, date,
    // number or address; free text keeps what the clerk wrote (（语文）).
    let raw = if field.kind == FieldType::Text {
        raw.trim().to_owned()
    } else {
        crate::text::to_half_width(raw.trim())
    };
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    let invalid = |problem: Particular| {
        Error::Entry(EntryError::InvalidValue {
            field: Box::new(field.worded_label()),
            value: crate::text::excerpt(raw, 60),
            problem,
        })
    };
    // `None`: a way of saying "none" where the table has no code for it.
    let resolve = |part: &str| -> Result<Option<String>> {
        use crate::catalog::Reading;
        match table.map(|t| t.read(part)) {
            Some(Reading::Code(code)) => Ok(Some(code.code.clone())),
            Some(Reading::Empty) => Ok(None),
            Some(Reading::Mismatch { code, written_name }) => Err(invalid(Particular::said(
                "particular.value.code_name_mismatch",
                vec![
                    ("code", code.code.clone()),
                    ("name", code.name.clone()),
                    ("written", crate::text::excerpt(&written_name, 30)),
                ],
            ))),
            _ if field.kind == FieldType::YesNo => match part {
                "是" | "1" => Ok(Some("1".into())),
                "否" | "0" => Ok(Some("0".into())),
                _ if part.eq_ignore_ascii_case("yes") => Ok(Some("1".into())),
                _ if part.eq_ignore_ascii_case("no") => Ok(Some("0".into())),
                _ => Err(invalid(Particular::said(
                    "particular.value.yes_or_no",
                    vec![],
                ))),
            },
            _ => Err(invalid(match table {
                Some(t) => Particular::from(Worded::said_in(
                    "particular.value.not_in_code_table",
                    |locale| {
                        let name = match locale {
                            Locale::ZhCn => &t.name,
                            Locale::En => &t.name_en,
                        };
                        vec![("table", name.clone()), ("id", t.id.clone())]
                    },
                )),
                None => Particular::said("particular.value.no_code_table", vec![]),
            })),
        }
    };
    Ok(match field.kind {
        FieldType::Code | FieldType::YesNo => match resolve(raw)? {
            Some(code) => Value::String(code),
            None => Value::Null,
        },
        FieldType::MultiCode => {
            let codes: Vec<Value> = raw
                .split([',', '，', '、', ';', '；'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .filter_map(|p| resolve(p).transpose())
                .map(|r| r.map(Value::String))
                .collect::<Result<_>>()?;
            if codes.is_empty() {
                Value::Null
            } else {
                Value::Array(codes)
            }
        }
        FieldType::Date | FieldType::YearMonth | FieldType::Year => {
            Value::String(normalize_moment(field.kind, raw).ok_or_else(|| {
                invalid(Particular::said(
                    match field.kind {
                        FieldType::Date => "particular.value.date",
                        FieldType::YearMonth => "particular.value.year_month",
                        _ => "particular.value.year",
                    },
                    vec![],
                ))
            })?)
        }
        FieldType::Number => {
            let n: f64 = raw
                .replace(',', "")
                .parse()
                .map_err(|_| invalid(Particular::said("particular.value.number", vec![])))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| invalid(Particular::said("particular.value.number", vec![])))?
        }
        FieldType::IdNumber => Value::String(crate::id_number::normalize(raw)),
        FieldType::Region => {
            let regions = crate::catalog::catalog()?.regions();
            match regions.resolve(raw) {
                Ok(region) => Value::String(region.code.clone()),
                Err(miss) => return Err(invalid(miss.problem(regions))),
            }
        }
        FieldType::Text | FieldType::Phone | FieldType::Email => Value::String(raw.to_owned()),
    })
}

/// `1985-3-4`, `1985/03/04`, `1985.03`, `1985年3月` … to the stored form of
/// the field's precision. Anything ambiguous (a two-digit year) is refused.
pub(crate) fn normalize_moment(kind: FieldType, raw: &str) -> Option<String> {
    let raw = raw.trim();
    // A time of day after the date (`1985-03-04 00:00:00`, `1985-03-04T00:00`) is dropped.
    let raw = raw
        .split_once([' ', 'T'])
        .filter(|(_, time)| time.contains(':'))
        .map_or(raw, |(date, _)| date);
    // Compact forms: 198503, 19850304.
    let expanded;
    let raw = if raw.bytes().all(|b| b.is_ascii_digit()) {
        expanded = match (raw.len(), raw.get(..4), raw.get(4..6), raw.get(6..)) {
            (6, Some(year), Some(month), _) => format!("{year}-{month}"),
            (8, Some(year), Some(month), Some(day)) => format!("{year}-{month}-{day}"),
            _ => raw.to_owned(),
        };
        expanded.as_str()
    } else {
        raw
    };
    let cleaned: String = raw
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', "")
        .trim_end_matches('-')
        .to_owned();
    let parts: Vec<&str> = cleaned.split('-').filter(|p| !p.is_empty()).collect();
    let two = |p: &str| {
        p.parse::<u32>()
            .ok()
            .filter(|n| *n < 100)
            .map(|n| format!("{n:02}"))
    };
    let year = parts.first().filter(|y| y.len() == 4)?;
    let text = match (kind, parts.as_slice()) {
        (FieldType::Year, [_]) => year.to_string(),
        (FieldType::YearMonth, [_, m]) => format!("{year}-{}", two(m)?),
        // A whole date where a year and month will do: the date must still be real.
        (FieldType::YearMonth, [_, m, d]) => {
            Moment::parse(&format!("{year}-{}-{}", two(m)?, two(d)?))?;
            format!("{year}-{}", two(m)?)
        }
        (FieldType::Date, [_, m, d]) => format!("{year}-{}-{}", two(m)?, two(d)?),
        _ => return None,
    };
    Moment::parse(&text).map(|_| text)
}

fn effective_for(file: &SchoolFile) -> Result<EffectiveCatalog> {
    file.effective_catalog()
}

/// Field-by-field entry (录入): adding a teacher, setting fields, adding a
/// record of a group, the form's drafts and what an ID number gives.
///
/// A service of the school file, reached with [`SchoolFile::entry`];
/// each public method checks the signed-in role first.
#[derive(Debug)]
pub struct DataEntry<'a> {
    pub(crate) school: &'a mut SchoolFile,
}

impl DataEntry<'_> {
    /// Registers a teacher. Refuses a second teacher with the same ID type and number.
    /// A valid resident ID number also gives the teacher's 出生日期 and 性别
    /// ([`crate::id_derived`]): they are written as the teacher's first
    /// 基本信息 in the same transaction, as an import fills them.
    pub fn add_teacher(&mut self, new: &NewTeacher) -> Result<Teacher> {
        let actor = &self.school.require(Permission::TeachersEdit)?;
        let valid = new.validate()?;
        // A school without an indicator set (its type out of scope) has no
        // 基本信息 to fill: the teacher is registered all the same.
        let from_id = match self.school.effective_catalog() {
            Ok(effective) => crate::id_derived::id_derived_values(
                &*self.school.catalog()?,
                &effective,
                valid.id_type,
                &valid.id_number,
            ),
            Err(_) => Vec::new(),
        };
        self.school.write(|tx| {
            let teacher = teachers::insert(tx, actor, &valid)?;
            let mut basic = Fields::new();
            if !crate::id_derived::fill_empty(&mut basic, &from_id).is_empty() {
                records::insert(tx, actor, &teacher.id, crate::validate::BASIC_GROUP, basic)?;
            }
            Ok(teacher)
        })
    }

    /// Adds a record to a teacher's information group, after the existing rows.
    pub fn add_record(
        &mut self,
        teacher_id: &str,
        group_code: &str,
        fields: Fields,
    ) -> Result<IndicatorRecord> {
        let actor = &self.school.require(Permission::TeachersEdit)?;
        refuse_locked(self.school, teacher_id, group_code)?;
        self.school
            .write(|tx| records::add(tx, actor, teacher_id, group_code, fields))
    }

    /// Replaces a record's fields. `expected_version` is the version the edit
    /// started from; a record changed in the meantime is refused.
    pub fn update_record(
        &mut self,
        record_id: &str,
        expected_version: i64,
        fields: Fields,
    ) -> Result<IndicatorRecord> {
        let actor = &self.school.require(Permission::TeachersEdit)?;
        let stored = self.school.stored_record(record_id)?;
        refuse_locked(self.school, &stored.teacher_id, &stored.group_code)?;
        refuse_status_edit(self.school, &stored, &fields)?;
        self.school
            .write(|tx| records::update(tx, actor, record_id, expected_version, fields))
    }

    /// Removes a record; its last values stay in the revision history.
    pub fn delete_record(&mut self, record_id: &str) -> Result<()> {
        let actor = &self.school.require(Permission::TeachersEdit)?;
        let stored = self.school.stored_record(record_id)?;
        refuse_locked(self.school, &stored.teacher_id, &stored.group_code)?;
        self.school
            .write(|tx| records::delete(tx, actor, record_id))
    }
}

/// A correction of a teacher's identity (更正): the new name, ID type and
/// number (each as registered, unchanged ones as they are), why, and the
/// evidence (文号, 证明材料) a correction the county reviews may cite.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct IdentityCorrection {
    pub teacher_id: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub reason: String,
    #[serde(default)]
    pub evidence: Option<String>,
}

/// What a correction did: the teacher as on file now, and, for a teacher
/// whose identity the county holds in effect, the request that waits for
/// it (the teacher keeps the identity in effect until it is accepted).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct CorrectionOutcome {
    pub teacher: Teacher,
    pub request: Option<CorrectionRequest>,
}

impl DataEntry<'_> {
    /// Corrects a teacher's name, ID type and number, with the reason
    /// (audited). While the county holds no identity of the teacher in
    /// effect (never reported, or not yet accepted) it takes the new values
    /// at once, and the next batch carries them. Once it does (生效), the
    /// correction is a request (更正申请) that goes upstream as a 变更申请
    /// with this reason and evidence, and the teacher keeps the identity in
    /// effect until the county accepts it.
    pub fn correct_identity(
        &mut self,
        correction: &IdentityCorrection,
    ) -> Result<CorrectionOutcome> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let reason = correction.reason.trim();
        if reason.is_empty() {
            return Err(TeacherError::CorrectionReasonMissing.into());
        }
        for note in std::iter::once(reason).chain(correction.evidence.as_deref()) {
            if note.chars().count() > crate::status_changes::MAX_NOTE_CHARS {
                return Err(TeacherError::StatusNoteTooLong {
                    len: note.chars().count(),
                    max: crate::status_changes::MAX_NOTE_CHARS,
                }
                .into());
            }
        }
        let stored = self.school.stored_teacher(&correction.teacher_id)?;
        let valid = NewTeacher {
            name: correction.name.clone(),
            id_type: correction.id_type.clone(),
            id_number: correction.id_number.clone(),
        }
        .validate()?;
        if valid.name == stored.name
            && valid.id_type.code == stored.id_type
            && valid.id_number == stored.id_number
        {
            return Err(TeacherError::CorrectionUnchanged { name: stored.name }.into());
        }
        if correction_requests::identity_in_effect(self.school, &stored)? {
            let request = correction_requests::request(
                self.school,
                &actor,
                &stored,
                &valid,
                reason,
                correction.evidence.as_deref(),
            )?;
            return Ok(CorrectionOutcome {
                teacher: self.school.shown(stored),
                request: Some(request),
            });
        }
        let teacher = self
            .school
            .write(|tx| teachers::correct(tx, &actor, &stored.id, &valid, reason))?;
        Ok(CorrectionOutcome {
            teacher: self.school.shown(teacher),
            request: None,
        })
    }

    /// The teacher's identity correction still open (waiting for the county,
    /// or returned with its note), if any.
    pub fn correction_request(&self, teacher_id: &str) -> Result<Option<CorrectionRequest>> {
        self.school.require(Permission::TeachersView)?;
        self.school.stored_teacher(teacher_id)?;
        let masked = self.school.masked();
        Ok(
            correction_requests::open_request(&self.school.conn, teacher_id)?.map(|mut request| {
                if masked {
                    let kind = crate::catalog::FieldType::IdNumber;
                    request.id_number = crate::account::mask(&request.id_number, kind);
                    request.old_id_number = crate::account::mask(&request.old_id_number, kind);
                }
                request
            }),
        )
    }

    /// Withdraws the teacher's open identity correction (waiting, or
    /// returned): the identity in effect stays (audited).
    pub fn withdraw_correction(&mut self, teacher_id: &str) -> Result<CorrectionRequest> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let teacher = self.school.stored_teacher(teacher_id)?;
        correction_requests::withdraw(self.school, &actor, &teacher)
    }

    /// Removes a teacher entered by mistake, with why (audited: the entry
    /// keeps what was removed). Only before the teacher was ever reported:
    /// after, the county holds them, and a teacher who left is a change of
    /// status ([`crate::status_changes::StatusChanges::change`]).
    pub fn remove_teacher(&mut self, teacher_id: &str, reason: &str) -> Result<Teacher> {
        let actor = self.school.require(Permission::TeachersEdit)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(TeacherError::RemovalReasonMissing.into());
        }
        let stored = self.school.stored_teacher(teacher_id)?;
        if crate::batches::outbox::ever_reported(self.school, teacher_id)? {
            return Err(TeacherError::RemovalAfterReport { name: stored.name }.into());
        }
        let records = self.school.stored_records(teacher_id)?;
        self.school
            .write(|tx| teachers::remove(tx, &actor, &stored.id, &records, reason))
    }
}

/// Refuses a write to a group the teacher's 人员状态 locks (a teacher who
/// left: `catalog/status_changes.toml`, `locks`).
fn refuse_locked(school: &SchoolFile, teacher_id: &str, group_code: &str) -> Result<()> {
    let Some(status) = crate::status_changes::locking_status(school, teacher_id, group_code)?
    else {
        return Ok(());
    };
    let teacher = school.stored_teacher(teacher_id)?;
    let catalog = school.catalog()?;
    let group = match school.effective_catalog()?.group(group_code) {
        Some(group) => group.worded_name(),
        None => Worded {
            zh: group_code.to_owned(),
            en: group_code.to_owned(),
        },
    };
    Err(TeacherError::GroupLockedByStatus {
        name: teacher.name,
        group: Box::new(group),
        status: Box::new(crate::status_changes::worded_status(&catalog, &status)),
    }
    .into())
}

/// Refuses changing a 人员状态 already on file as a plain value: a change
/// of status is an event with its date and reason (`StatusChanges::change`).
/// Entering the first one, or leaving it as it is, is an edit like any other.
fn refuse_status_edit(
    school: &SchoolFile,
    stored: &IndicatorRecord,
    fields: &Fields,
) -> Result<()> {
    use crate::status_changes::status_in;
    if stored.group_code != crate::validate::BASIC_GROUP {
        return Ok(());
    }
    let (before, after) = (status_in(&stored.fields), status_in(fields));
    match before {
        Some(before) if Some(&before) != after.as_ref() => {
            let teacher = school.stored_teacher(&stored.teacher_id)?;
            Err(TeacherError::StatusThroughChange { name: teacher.name }.into())
        }
        _ => Ok(()),
    }
}

fn normalize_all(
    effective: &EffectiveCatalog,
    group: &EffectiveGroup,
    assignments: &[(String, String)],
    into: &mut Fields,
) -> Result<()> {
    for (name, raw) in assignments {
        let field = find_field(group, name)?;
        if field.derived {
            return Err(EntryError::DerivedField(field.worded_label()).into());
        }
        if crate::teacher::is_identity_field(&group.id, &field.code) {
            return Err(EntryError::IdentityField(field.worded_label()).into());
        }
        let table = field
            .code_table
            .as_deref()
            .and_then(|t| effective.code_table(t));
        match normalize_value(field, table, raw)? {
            Value::Null => {
                into.remove(&field.code);
            }
            value => {
                into.insert(field.code.clone(), value);
            }
        }
    }
    Ok(())
}

impl DataEntry<'_> {
    /// Sets fields of a single-record group (基本信息 by default), creating its
    /// record on first use. An empty value clears the field.
    pub fn set_fields(
        &mut self,
        teacher_id: &str,
        group: &str,
        assignments: &[(String, String)],
    ) -> Result<IndicatorRecord> {
        self.school.require(Permission::TeachersEdit)?;
        let effective = effective_for(self.school)?;
        let group = find_group(&effective, group)?;
        if group.multi {
            return Err(EntryError::MultiRecordGroup(group.worded_name()).into());
        }
        let existing = self
            .school
            .stored_records(teacher_id)?
            .into_iter()
            .find(|r| r.group_code == group.id);
        let mut fields = existing
            .as_ref()
            .map(|r| r.fields.clone())
            .unwrap_or_default();
        normalize_all(&effective, group, assignments, &mut fields)?;
        match existing {
            Some(record) => self.update_record(&record.id, record.version, fields),
            None => self.add_record(teacher_id, &group.id, fields),
        }
    }

    /// Adds a row to a multi-record group (学习经历 …).
    pub fn add_group_record(
        &mut self,
        teacher_id: &str,
        group: &str,
        assignments: &[(String, String)],
    ) -> Result<IndicatorRecord> {
        self.school.require(Permission::TeachersEdit)?;
        let effective = effective_for(self.school)?;
        let group = find_group(&effective, group)?;
        if !group.multi {
            return Err(EntryError::SingleRecordGroup(group.worded_name()).into());
        }
        let mut fields = Fields::new();
        normalize_all(&effective, group, assignments, &mut fields)?;
        self.add_record(teacher_id, &group.id, fields)
    }
}

/// A record as the form sends it, before it is saved or checked.
#[derive(Debug, Clone, serde::Deserialize, ts_rs::TS)]
pub struct RecordDraft {
    pub teacher_id: String,
    /// The group's id (`education`) or name.
    pub group: String,
    /// The stored record being edited; none for a new row (or a first 基本信息).
    pub record_id: Option<String>,
    /// The version the edit started from, to refuse edits of a changed record.
    #[ts(type = "number | null")]
    pub expected_version: Option<i64>,
    /// Values keyed by field code: codes, dates, numbers or text as the form holds them.
    #[ts(type = "Record<string, unknown>")]
    pub fields: Fields,
}

/// Normalizes every value of a draft through the catalog, refusing unknown,
/// derived and identity fields. A `region` value the form sends back as the
/// record stores it (text kept from before the field held codes) is kept as
/// stored, not read again: it stays until the clerk picks a division.
fn normalize_draft(
    effective: &EffectiveCatalog,
    group: &EffectiveGroup,
    fields: &Fields,
    stored: Option<&Fields>,
) -> Result<Fields> {
    let mut out = Fields::new();
    let unchanged_region = |code: &str, value: &Value| {
        group
            .field(code)
            .is_some_and(|f| f.kind == FieldType::Region)
            && stored.and_then(|s| s.get(code)).is_some_and(|kept| {
                crate::validate::value::text(kept) == crate::validate::value::text(value)
            })
    };
    for (code, value) in fields {
        if unchanged_region(code, value)
            && let Some(kept) = stored.and_then(|s| s.get(code))
        {
            out.insert(code.clone(), kept.clone());
        }
    }
    let assignments: Vec<(String, String)> = fields
        .iter()
        .filter(|(code, value)| !unchanged_region(code, value))
        .map(|(code, value)| {
            let text = match value {
                Value::Array(items) => items
                    .iter()
                    .map(crate::validate::value::text)
                    .collect::<Vec<_>>()
                    .join(","),
                other => crate::validate::value::text(other),
            };
            (code.clone(), text)
        })
        .collect();
    normalize_all(effective, group, &assignments, &mut out)?;
    Ok(out)
}

impl DataEntry<'_> {
    /// Saves a record from the form: creates it, or replaces the fields of the
    /// one named (checking its version). A single-record group's first save
    /// creates its record.
    pub fn save_draft(&mut self, draft: &RecordDraft) -> Result<IndicatorRecord> {
        self.school.require(Permission::TeachersEdit)?;
        let effective = effective_for(self.school)?;
        let group = find_group(&effective, &draft.group)?;
        let existing = match &draft.record_id {
            Some(id) => Some(id.clone()),
            None if !group.multi => self
                .school
                .stored_records(&draft.teacher_id)?
                .into_iter()
                .find(|r| r.group_code == group.id)
                .map(|r| r.id),
            None => None,
        };
        let stored = existing
            .as_deref()
            .map(|id| self.school.stored_record(id))
            .transpose()?;
        let fields = normalize_draft(
            &effective,
            group,
            &draft.fields,
            stored.as_ref().map(|r| &r.fields),
        )?;
        match (existing, stored) {
            (Some(id), Some(stored)) => {
                let version = draft.expected_version.unwrap_or(stored.version);
                let fields = keep_unformed(group, &stored.fields, fields);
                self.update_record(&id, version, fields)
            }
            _ => self.add_record(&draft.teacher_id, &group.id, fields),
        }
    }

    /// The problems a teacher would have with `draft` saved, without saving it:
    /// what the form shows as the clerk types. Values that cannot even be
    /// normalized come back as the error.
    pub fn check_draft(&self, draft: &RecordDraft) -> Result<Vec<crate::validate::Problem>> {
        self.school.require(Permission::TeachersEdit)?;
        let effective = effective_for(self.school)?;
        let group = find_group(&effective, &draft.group)?;
        let teacher = self.school.stored_teacher(&draft.teacher_id)?;
        let mut records = self.school.stored_records(&teacher.id)?;
        let draft_id = draft.record_id.clone().or_else(|| {
            (!group.multi)
                .then(|| {
                    records
                        .iter()
                        .find(|r| r.group_code == group.id)
                        .map(|r| r.id.clone())
                })
                .flatten()
        });
        let stored = draft_id
            .as_deref()
            .and_then(|id| records.iter().find(|r| r.id == id))
            .map(|r| r.fields.clone());
        let fields = normalize_draft(&effective, group, &draft.fields, stored.as_ref())?;
        match draft_id
            .as_deref()
            .and_then(|id| records.iter_mut().find(|r| r.id == id))
        {
            Some(record) => record.fields = fields,
            None => records.push(IndicatorRecord {
                id: String::new(),
                teacher_id: teacher.id.clone(),
                group_code: group.id.clone(),
                row_order: (records.iter().filter(|r| r.group_code == group.id).count() as i64)
                    .saturating_add(1),
                fields,
                version: 0,
                updated_at: String::new(),
            }),
        }
        let catalog = self.school.catalog()?;
        let validator = crate::validate::Validator::new(&catalog, &effective.set.id)?;
        Ok(validator.teacher(&teacher, &records))
    }
}

/// The form sends only the fields a clerk may type. What else the stored record
/// holds — derived values (e.g. from an import) and fields of other sets or an
/// earlier province pack — is kept, never silently dropped by a save.
fn keep_unformed(group: &EffectiveGroup, stored: &Fields, mut fields: Fields) -> Fields {
    for (code, value) in stored {
        let typed_in_form = group.field(code).is_some_and(|f| !f.derived);
        if !typed_in_form && !fields.contains_key(code) {
            fields.insert(code.clone(), value.clone());
        }
    }
    fields
}

/// A group of the school's set, by id or name (Chinese or English).
pub fn find_group<'a>(effective: &'a EffectiveCatalog, name: &str) -> Result<&'a EffectiveGroup> {
    let name = name.trim();
    effective
        .groups
        .iter()
        .find(|g| {
            g.id == name
                || g.name == name
                || (!g.name_en.is_empty() && g.name_en.eq_ignore_ascii_case(name))
        })
        .ok_or_else(|| {
            let groups = || effective.groups.iter();
            Error::Entry(EntryError::UnknownGroup {
                group: name.to_owned(),
                valid: Box::new(Worded {
                    zh: listed(Locale::ZhCn, groups().map(|g| g.name.clone())),
                    en: listed(
                        Locale::En,
                        groups().map(|g| named_code(Locale::En, &g.name_en, &g.id)),
                    ),
                }),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clerks_dates_become_the_stored_form() {
        assert_eq!(
            normalize_moment(FieldType::YearMonth, "1985.3").as_deref(),
            Some("1985-03")
        );
        assert_eq!(
            normalize_moment(FieldType::YearMonth, "1985年3月").as_deref(),
            Some("1985-03")
        );
        assert_eq!(
            normalize_moment(FieldType::Date, "1985/3/4").as_deref(),
            Some("1985-03-04")
        );
        assert_eq!(
            normalize_moment(FieldType::Date, "1985年3月4日").as_deref(),
            Some("1985-03-04")
        );
    }

    #[test]
    fn compact_dates_and_trailing_times_are_understood() {
        assert_eq!(
            normalize_moment(FieldType::YearMonth, "198503").as_deref(),
            Some("1985-03")
        );
        assert_eq!(
            normalize_moment(FieldType::Date, "19850304").as_deref(),
            Some("1985-03-04")
        );
        assert_eq!(
            normalize_moment(FieldType::Date, "1985-03-04 00:00:00").as_deref(),
            Some("1985-03-04")
        );
        assert_eq!(normalize_moment(FieldType::Date, "850304"), None);
    }

    #[test]
    fn two_digit_years_and_impossible_dates_are_refused() {
        assert_eq!(normalize_moment(FieldType::YearMonth, "85.3"), None);
        assert_eq!(normalize_moment(FieldType::Date, "2023-02-29"), None);
        assert_eq!(normalize_moment(FieldType::YearMonth, "2023-02-30"), None);
    }

    #[test]
    fn assignments_split_on_the_first_equals_sign() {
        assert_eq!(
            parse_assignment("备注=a=b").unwrap(),
            ("备注".to_owned(), "a=b".to_owned())
        );
        assert!(parse_assignment("民族").is_err());
    }
}

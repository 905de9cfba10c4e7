//! A roster row's fate — 新增 / 更新 / 无变化 / 未通过 ([`RowStatus`]) — and
//! the rules that decide it: why a row is refused ([`Refusal`]: only who the
//! row is can refuse it), and how a row's values merge with what is stored
//! (the same value is no change, a different one is a conflict the clerk's
//! [`OnConflict`] settles, an empty field is filled; a multi-record group's row
//! is already there, an update of the row with the same key, or a new row).
//! [`classify`] is the one place the status is decided.

use std::ops::BitOrAssign;

use super::*;
use crate::error::TeacherError;
use crate::teacher::ValidNewTeacher;

/// What planning a row did.
#[derive(Debug)]
pub(super) enum RowOutcome {
    /// Not imported.
    Refused(Refusal),
    /// Matched to a person and merged.
    Planned {
        /// Whether the person is a teacher the school file already holds.
        stored: bool,
        effect: Effect,
    },
}

/// The row kind of the preview: 未通过 when refused, 新增 for a teacher not
/// yet stored, 更新 when the row writes anything for a stored teacher,
/// 无变化 when it adds nothing to one.
pub(super) fn classify(outcome: &RowOutcome) -> RowStatus {
    match outcome {
        RowOutcome::Refused(_) => RowStatus::Refused,
        RowOutcome::Planned { stored: false, .. } => RowStatus::New,
        RowOutcome::Planned { effect, .. } if effect.wrote || effect.changed_stored => {
            RowStatus::Update
        }
        RowOutcome::Planned { .. } => RowStatus::Unchanged,
    }
}

/// What merging a row's values planned.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Effect {
    /// A write is planned.
    pub wrote: bool,
    /// The write changes something stored (not only a record this import adds).
    pub changed_stored: bool,
}

impl Effect {
    const NONE: Effect = Effect {
        wrote: false,
        changed_stored: false,
    };
}

impl BitOrAssign for Effect {
    fn bitor_assign(&mut self, other: Effect) {
        self.wrote |= other.wrote;
        self.changed_stored |= other.changed_stored;
    }
}

/// Why a row is not imported (未通过).
#[derive(Debug)]
pub(super) struct Refusal {
    /// The refusal's own message (code, text); none when the messages of the
    /// identity cells already say why.
    pub message: Option<(&'static str, Worded)>,
    /// The cells to mark in the refused-rows workbook: column index and why.
    pub bad_cells: Vec<(usize, String)>,
    /// Whether the preview shows what could be read of the row.
    pub shows_values: bool,
}

impl Refusal {
    /// An identity cell (姓名, 证件类型, 证件号) could not be read.
    fn unreadable_identity(bad_cells: Vec<(usize, String)>) -> Refusal {
        Refusal {
            message: None,
            bad_cells,
            shows_values: true,
        }
    }

    /// 姓名 or 身份证件号 is missing.
    fn identity_missing(name: bool, id_number: bool) -> Refusal {
        let missing = match (name, id_number) {
            (true, true) => "import.row.identity_missing.both",
            (true, false) => "import.row.identity_missing.name",
            _ => "import.row.identity_missing.id_number",
        };
        Refusal {
            message: Some(("import.identity_missing", Worded::said(missing, &[]))),
            bad_cells: Vec::new(),
            shows_values: false,
        }
    }

    /// The identity cells read but are not a valid teacher (a bad ID number,
    /// an unknown ID type, a name too long); the cells at fault are marked.
    fn invalid_identity(error: &Error, columns: &[ColumnMapping]) -> Refusal {
        let bad_cells = columns
            .iter()
            .filter(|c| c.target.as_ref().is_some_and(is_identity))
            .filter(|c| {
                let field = c.target.as_ref().map(|t| t.field.as_str());
                matches!(
                    (error, field),
                    (
                        Error::Teacher(TeacherError::InvalidIdNumber { .. }),
                        Some("id_number")
                    ) | (
                        Error::Teacher(TeacherError::UnknownIdType(..)),
                        Some("id_type")
                    ) | (
                        Error::Teacher(TeacherError::TeacherNameTooLong { .. }),
                        Some("name")
                    )
                )
            })
            .map(|c| (c.index as usize, error.to_string()))
            .collect();
        Refusal {
            message: Some((error.code(), Worded::of_error(error))),
            bad_cells,
            shows_values: true,
        }
    }

    /// A second row of the same person gives values to a single-record group
    /// (基本信息, 联系方式) a first row gave: only the first is imported.
    pub(super) fn duplicate_person(first_sheet: &str, first_row: u32, id_number: &str) -> Refusal {
        Refusal {
            message: Some((
                "import.duplicate_person",
                Worded::said(
                    "import.row.duplicate_person",
                    &[
                        ("sheet", first_sheet.to_owned()),
                        ("row", first_row.to_string()),
                        ("id_number", id_number.to_owned()),
                    ],
                ),
            )),
            bad_cells: Vec::new(),
            shows_values: true,
        }
    }
}

/// Who the row is, from its identity cells as the preview shows them (a
/// missing 证件类型 is the school's default); refused when an identity cell
/// could not be read, 姓名 or 身份证件号 is missing, or they are not valid.
pub(super) fn identify(
    preview: &RowPreview,
    bad_cells: Vec<(usize, String)>,
    columns: &[ColumnMapping],
    default_id_type: &str,
) -> Result<ValidNewTeacher, Refusal> {
    if !bad_cells.is_empty() {
        return Err(Refusal::unreadable_identity(bad_cells));
    }
    if preview.name.is_empty() || preview.id_number.is_empty() {
        return Err(Refusal::identity_missing(
            preview.name.is_empty(),
            preview.id_number.is_empty(),
        ));
    }
    let written = NewTeacher {
        name: preview.name.clone(),
        id_type: preview
            .id_type
            .clone()
            .unwrap_or_else(|| default_id_type.to_owned()),
        id_number: preview.id_number.clone(),
    };
    written
        .validate()
        .map_err(|e| Refusal::invalid_identity(&e, columns))
}

impl Planner<'_> {
    /// The stored name differs: a conflict like any other value, taken as a
    /// rename when the clerk takes the roster's values.
    pub(super) fn plan_name(
        &mut self,
        person: usize,
        valid: &ValidNewTeacher,
        preview: &mut RowPreview,
    ) -> Effect {
        let Some(Person {
            existing: Some(existing),
            rename,
            ..
        }) = self.persons.get(person)
        else {
            return Effect::NONE;
        };
        if existing.name == valid.name || rename.as_deref() == Some(valid.name.as_str()) {
            return Effect::NONE;
        }
        let take = self.on_conflict == OnConflict::Take;
        preview.changes.push(FieldChange {
            group: BASIC_GROUP.into(),
            group_name: self
                .group(BASIC_GROUP)
                .map_or_else(String::new, |g| g.name.clone()),
            field: "name".into(),
            label: self
                .group(BASIC_GROUP)
                .and_then(|g| g.field("name"))
                .map_or_else(|| "姓名".into(), |f| label_in(f, self.locale)),
            stored: existing.name.clone(),
            imported: valid.name.clone(),
            conflict: true,
            taken: take,
        });
        if take && let Some(renamed) = self.persons.get_mut(person) {
            renamed.rename = Some(valid.name.clone());
            self.writes.push(Write::RenameTeacher { person });
            return Effect {
                wrote: true,
                changed_stored: true,
            };
        }
        Effect::NONE
    }

    /// Merges each group's values into the person's records.
    pub(super) fn plan_groups(
        &mut self,
        person: usize,
        values: &BTreeMap<String, Fields>,
        preview: &mut RowPreview,
    ) -> Effect {
        let mut effect = Effect::NONE;
        for (group_id, fields) in values {
            let effective = self.effective;
            let Some(group) = effective.group(group_id) else {
                continue;
            };
            effect |= if group.multi {
                self.plan_multi(person, group, fields, preview)
            } else {
                self.plan_single(person, group, fields, preview)
            };
        }
        effect
    }

    /// Compares imported values with `current`; returns the merged fields and
    /// whether anything changes, and adds the changes to show to the preview.
    pub(super) fn merge(
        &self,
        group: &EffectiveGroup,
        current: &Fields,
        imported: &Fields,
        preview: &mut RowPreview,
        stored: bool,
    ) -> (Fields, bool) {
        let take = self.on_conflict == OnConflict::Take;
        let locale = self.locale;
        let mut merged = current.clone();
        let mut changed = false;
        let change =
            |code: &String, stored: String, imported: &Value, conflict: bool| FieldChange {
                group: group.id.clone(),
                group_name: group.name.clone(),
                field: code.clone(),
                label: group
                    .field(code)
                    .map_or(code.clone(), |f| label_in(f, locale)),
                stored,
                imported: display(imported),
                conflict,
                taken: take || !conflict,
            };
        for (code, value) in imported {
            match current.get(code) {
                Some(old) if old == value => {}
                Some(old) if !old.is_null() => {
                    preview
                        .changes
                        .push(change(code, display(old), value, true));
                    if take {
                        merged.insert(code.clone(), value.clone());
                        changed = true;
                    }
                }
                _ => {
                    // A new teacher's values are the row's values: no change list.
                    if stored {
                        preview
                            .changes
                            .push(change(code, String::new(), value, false));
                    }
                    merged.insert(code.clone(), value.clone());
                    changed = true;
                }
            }
        }
        (merged, changed)
    }

    /// 基本信息, 联系方式: fills the one record.
    pub(super) fn plan_single(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> Effect {
        let current = self.single_fields(person, &group.id);
        let stored = self.is_stored(person);
        let creates = self
            .states
            .get(person)
            .and_then(|s| s.records.get(&group.id))
            .is_none_or(|r| r.is_empty());
        let with_defaults;
        let fields = if creates {
            with_defaults = self.with_defaults(group, fields);
            &with_defaults
        } else {
            fields
        };
        let (merged, changed) = self.merge(group, &current, fields, preview, stored);
        let key = self.group_key(&group.id);
        let Some(state) = self.states.get_mut(person) else {
            return Effect::NONE;
        };
        let records = state.records.entry(&key);
        if records.is_empty() {
            records.push(WorkingRecord {
                stored: None,
                text: "{}".into(),
                write: NO_WRITE,
                dirty: false,
                touched: false,
                matched: false,
            });
        }
        let Some(record) = records.first_mut() else {
            return Effect::NONE;
        };
        record.touched = true;
        if !changed {
            return Effect::NONE;
        }
        record.text = Value::Object(merged).to_string().into();
        if record.written() {
            mark_dirty(record, self.sent, &mut self.dirty);
        } else {
            record.write = write_position(&self.writes);
            self.writes.push(single_write(record, person, key, stored));
        }
        Effect {
            wrote: true,
            changed_stored: record.stored.is_some(),
        }
    }

    /// A row of a multi-record group: already there, an update of the row with
    /// the same key, or a new row.
    pub(super) fn plan_multi(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> Effect {
        let key = self.group_key(&group.id);
        let Some(state) = self.states.get_mut(person) else {
            return Effect::NONE;
        };
        let records = state.records.entry(&key);
        // Only stored rows are matched (a roster may hold two equal rows, and
        // both are imported), each at most once.
        let parsed: Vec<Option<Fields>> = records
            .iter()
            .map(|r| (r.stored.is_some() && !r.matched).then(|| r.fields()))
            .collect();
        if let Some(same) = parsed
            .iter()
            .position(|r| {
                r.as_ref()
                    .is_some_and(|r| fields.iter().all(|(k, v)| r.get(k) == Some(v)))
            })
            .and_then(|i| records.get_mut(i))
        {
            same.touched = true;
            same.matched = true;
            preview.messages.push(RowMessage::new(
                self.locale,
                "import.record_exists",
                MessageSeverity::Info,
                None,
                None,
                Worded::said_in("import.row.record_exists", |l| {
                    let name = match l {
                        crate::error::Locale::ZhCn => group.name.clone(),
                        crate::error::Locale::En => group.name_en.clone(),
                    };
                    vec![("group", name)]
                }),
            ));
            return Effect::NONE;
        }
        let keyed = !group.key.is_empty() && group.key.iter().all(|k| fields.contains_key(k));
        let same_key = keyed
            .then(|| {
                parsed.iter().position(|r| {
                    r.as_ref()
                        .is_some_and(|r| group.key.iter().all(|k| r.get(k) == fields.get(k)))
                })
            })
            .flatten();
        match same_key {
            Some(i) => {
                let current = parsed.get(i).cloned().flatten().unwrap_or_default();
                self.update_multi(person, group, i, &current, fields, preview)
            }
            None => self.add_multi(person, group, fields, preview),
        }
    }

    /// A multi-record group's row with the same key as the stored row `index`:
    /// merged into it.
    fn update_multi(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        index: usize,
        current: &Fields,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> Effect {
        let stored = self.is_stored(person);
        let (merged, changed) = self.merge(group, current, fields, preview, stored);
        let Some(record) = self
            .states
            .get_mut(person)
            .and_then(|s| s.records.get_mut(&group.id))
            .and_then(|r| r.get_mut(index))
        else {
            return Effect::NONE;
        };
        record.touched = true;
        record.matched = true;
        if !changed {
            return Effect::NONE;
        }
        record.text = Value::Object(merged).to_string().into();
        let was_stored = record.stored.is_some();
        if record.written() {
            mark_dirty(record, self.sent, &mut self.dirty);
        } else if was_stored {
            record.write = write_position(&self.writes);
            self.writes.push(Write::UpdateRecord {
                person,
                group: self.group_key(&group.id),
                index,
            });
        }
        Effect {
            wrote: true,
            changed_stored: was_stored,
        }
    }

    /// A multi-record group's row matching no stored row: a new record.
    fn add_multi(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> Effect {
        let locale = self.locale;
        let stored = self.is_stored(person);
        if stored {
            for (code, value) in fields {
                preview.changes.push(FieldChange {
                    group: group.id.clone(),
                    group_name: group.name.clone(),
                    field: code.clone(),
                    label: group
                        .field(code)
                        .map_or(code.clone(), |f| label_in(f, locale)),
                    stored: String::new(),
                    imported: display(value),
                    conflict: false,
                    taken: true,
                });
            }
        }
        let fields = self.with_defaults(group, fields);
        let key = self.group_key(&group.id);
        let Some(state) = self.states.get_mut(person) else {
            return Effect::NONE;
        };
        let records = state.records.entry(&key);
        let index = records.len();
        records.push(WorkingRecord {
            stored: None,
            text: Value::Object(fields).to_string().into(),
            write: write_position(&self.writes),
            dirty: false,
            touched: true,
            matched: false,
        });
        self.writes.push(Write::AddRecord {
            person,
            group: key,
            index,
            // A new teacher's rows are numbered here; a stored
            // teacher's go after the rows the file holds.
            numbered: !stored,
        });
        Effect {
            wrote: true,
            changed_stored: false,
        }
    }
}

/// The write of a single-record group's record: an update of the stored one,
/// or the record added (first of a new teacher's).
/// An indicator's label in `locale`.
fn label_in(field: &EffectiveField, locale: crate::error::Locale) -> String {
    field.worded_label().into_locale(locale)
}

/// The position the next write takes in the plan's writes. A plan holds
/// far fewer than four billion writes (a roster's rows are bounded long
/// before), so the position fits the record's 32 bits.
fn write_position(writes: &[Write]) -> u32 {
    u32::try_from(writes.len()).unwrap_or(NO_WRITE)
}

/// Notes that a record whose write already went down the pipe changed:
/// the next batch carries its text again.
fn mark_dirty(record: &mut WorkingRecord, sent: usize, dirty: &mut Vec<u32>) {
    if (record.write as usize) < sent && !record.dirty {
        record.dirty = true;
        dirty.push(record.write);
    }
}

fn single_write(record: &WorkingRecord, person: usize, group: Arc<str>, stored: bool) -> Write {
    if record.stored.is_some() {
        Write::UpdateRecord {
            person,
            group,
            index: 0,
        }
    } else {
        Write::AddRecord {
            person,
            group,
            index: 0,
            numbered: !stored,
        }
    }
}

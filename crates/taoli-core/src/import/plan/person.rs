//! Matching rows to people (the same ID type and number is one person) and
//! to the teachers stored, merging a row's values with what is stored, and
//! the writes a commit will make.

use super::*;

impl Planner<'_> {
    pub(super) fn person(&mut self, key: &(String, String), name: &str) -> usize {
        let joined: Box<str> = format!("{}\u{1f}{}", key.0, key.1).into();
        if let Some(&i) = self.by_key.get(&joined) {
            return i;
        }
        let existing = self.stored_teachers.get(key).cloned().map(Box::new);
        let mut state = PersonState::default();
        if let Some(t) = &existing
            && let Some(records) = self.stored_records.remove(&t.id)
        {
            for r in records {
                state.records.entry(&r.group_code).push(WorkingRecord {
                    stored: Some((r.id.clone(), r.version)),
                    text: Value::Object(r.fields).to_string().into(),
                    write: None,
                    touched: false,
                    matched: false,
                });
            }
        }
        self.persons.push(Person {
            existing,
            name: name.to_owned(),
            id_type: key.0.clone(),
            id_number: key.1.clone(),
            rename: None,
            planned: false,
        });
        self.states.push(state);
        let person = self.persons.len().saturating_sub(1);
        self.by_key.insert(joined, person);
        person
    }

    /// Whether the person is a teacher the school file already holds.
    pub(super) fn is_stored(&self, person: usize) -> bool {
        self.persons
            .get(person)
            .is_some_and(|p| p.existing.is_some())
    }

    pub(super) fn single_fields(&self, person: usize, group: &str) -> Fields {
        self.states
            .get(person)
            .and_then(|s| s.records.get(group))
            .and_then(|r| r.first())
            .map(WorkingRecord::fields)
            .unwrap_or_default()
    }

    /// Compares imported values with `current`; returns the merged fields,
    /// whether anything changes, and the changes to show.
    pub(super) fn merge(
        &self,
        group: &EffectiveGroup,
        current: &Fields,
        imported: &Fields,
        preview: &mut RowPreview,
        stored: bool,
    ) -> (Fields, bool) {
        let take = self.on_conflict == OnConflict::Take;
        let mut merged = current.clone();
        let mut changed = false;
        let change =
            |code: &String, stored: String, imported: &Value, conflict: bool| FieldChange {
                group: group.id.clone(),
                group_name: group.name.clone(),
                field: code.clone(),
                label: group.field(code).map_or(code.clone(), |f| f.label.clone()),
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

    /// 基本信息, 联系方式: fills the one record. Returns (wrote, changed stored).
    pub(super) fn plan_single(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> (bool, bool) {
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
            return (false, false);
        };
        let records = state.records.entry(&group.id);
        if records.is_empty() {
            records.push(WorkingRecord {
                stored: None,
                text: "{}".into(),
                write: None,
                touched: false,
                matched: false,
            });
        }
        let Some(record) = records.first_mut() else {
            return (false, false);
        };
        record.touched = true;
        if !changed {
            return (false, false);
        }
        record.text = Value::Object(merged).to_string().into();
        let was_stored = record.stored.is_some();
        if record.write.is_none() {
            let write = match record.stored.clone() {
                Some((record_id, version)) => Write::UpdateRecord {
                    person,
                    group: key.clone(),
                    index: 0,
                    record_id,
                    version,
                },
                None => Write::AddRecord {
                    person,
                    group: key.clone(),
                    index: 0,
                    row_order: (!stored).then_some(1),
                },
            };
            record.write = Some(self.writes.len());
            self.writes.push(write);
        }
        (true, was_stored)
    }

    /// A row of a multi-record group: already there, an update of the row with
    /// the same key, or a new row.
    pub(super) fn plan_multi(
        &mut self,
        person: usize,
        group: &EffectiveGroup,
        fields: &Fields,
        preview: &mut RowPreview,
    ) -> (bool, bool) {
        let stored = self.is_stored(person);
        let Some(state) = self.states.get_mut(person) else {
            return (false, false);
        };
        let records = state.records.entry(&group.id);
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
            preview.messages.push(RowMessage {
                code: "import.record_exists".into(),
                severity: MessageSeverity::Info,
                column: None,
                field: None,
                text: format!("{}中已有相同的一条记录，不再重复添加", group.name).into(),
            });
            return (false, false);
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
                let (merged, changed) = self.merge(group, &current, fields, preview, stored);
                let Some(record) = self
                    .states
                    .get_mut(person)
                    .and_then(|s| s.records.get_mut(&group.id))
                    .and_then(|r| r.get_mut(i))
                else {
                    return (false, false);
                };
                record.touched = true;
                record.matched = true;
                if !changed {
                    return (false, false);
                }
                record.text = Value::Object(merged).to_string().into();
                let was_stored = record.stored.is_some();
                if record.write.is_none()
                    && let Some((record_id, version)) = record.stored.clone()
                {
                    record.write = Some(self.writes.len());
                    self.writes.push(Write::UpdateRecord {
                        person,
                        group: self.group_key(&group.id),
                        index: i,
                        record_id,
                        version,
                    });
                }
                (true, was_stored)
            }
            None => {
                if stored {
                    for (code, value) in fields {
                        preview.changes.push(FieldChange {
                            group: group.id.clone(),
                            group_name: group.name.clone(),
                            field: code.clone(),
                            label: group.field(code).map_or(code.clone(), |f| f.label.clone()),
                            stored: String::new(),
                            imported: display(value),
                            conflict: false,
                            taken: true,
                        });
                    }
                }
                let fields = self.with_defaults(group, fields);
                let Some(state) = self.states.get_mut(person) else {
                    return (false, false);
                };
                let records = state.records.entry(&group.id);
                let index = records.len();
                records.push(WorkingRecord {
                    stored: None,
                    text: Value::Object(fields).to_string().into(),
                    write: Some(self.writes.len()),
                    touched: true,
                    matched: false,
                });
                self.writes.push(Write::AddRecord {
                    person,
                    group: self.group_key(&group.id),
                    index,
                    // A new teacher's rows are numbered here; a stored
                    // teacher's go after the rows the file holds.
                    row_order: (!stored).then_some((index as i64).saturating_add(1)),
                });
                (true, false)
            }
        }
    }
}

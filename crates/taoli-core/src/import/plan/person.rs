//! Matching rows to people (the same ID type and number is one person) and
//! to the teachers stored; merging a row's values with theirs is
//! [`super::classify`]'s.

use super::classify::Refusal;
use super::*;
use crate::teacher::ValidNewTeacher;

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
                let group = self.group_key(&r.group_code);
                state.records.entry(&group).push(WorkingRecord {
                    stored: Some(Box::new(StoredRecord {
                        id: r.id,
                        version: r.version,
                    })),
                    text: Value::Object(r.fields).to_string().into(),
                    write: NO_WRITE,
                    dirty: false,
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

    /// The person the row is (registered with a 新增 write when not stored),
    /// claiming the single-record groups (基本信息, 联系方式) the row gives
    /// values for; refused when an earlier row of the person claimed one.
    pub(super) fn claim_person(
        &mut self,
        sheet: &Arc<str>,
        row: u32,
        valid: &ValidNewTeacher,
        values: &BTreeMap<String, Fields>,
    ) -> Result<usize, Refusal> {
        let key = (valid.id_type.code.clone(), valid.id_number.clone());
        let single_groups: Vec<String> = values
            .iter()
            .filter(|(g, fields)| {
                self.group(g).is_some_and(|g| !g.multi)
                    && fields.keys().any(|f| {
                        !(*g == BASIC_GROUP
                            && matches!(f.as_str(), "name" | "id_type" | "id_number"))
                    })
            })
            .map(|(g, _)| g.clone())
            .collect();
        let person = self.person(&key, &valid.name);
        if let Some((_, first_sheet, first_row)) = self.states.get(person).and_then(|s| {
            s.single_rows
                .iter()
                .find(|(g, _, _)| single_groups.iter().any(|s| **s == **g))
        }) {
            return Err(Refusal::duplicate_person(
                first_sheet,
                *first_row,
                &valid.id_number,
            ));
        }
        for group in single_groups {
            let group = self.group_key(&group);
            if let Some(state) = self.states.get_mut(person) {
                state.single_rows.push((group, sheet.clone(), row));
            }
        }
        let row_index = self.rows.len();
        if let Some(state) = self.states.get_mut(person) {
            state.rows.push(row_index);
        }
        if let Some(new) = self.persons.get_mut(person)
            && new.existing.is_none()
            && !new.planned
        {
            new.planned = true;
            self.writes.push(Write::NewTeacher { person });
        }
        Ok(person)
    }
}

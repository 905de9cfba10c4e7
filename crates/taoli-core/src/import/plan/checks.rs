//! Validation of every planned teacher as the commit would leave them, for
//! the preview's messages (on as many threads as the computer has).

use super::*;

impl Planner<'_> {
    /// Runs the validation engine over each imported teacher as the commit
    /// would leave them, and attaches the problems of the groups the import
    /// touched to the teacher's first row.
    pub(super) fn validate(&mut self, validator: &Validator<'_>) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let chunk = self.states.len().div_ceil(threads).max(1);
        let (persons, states, locale) = (&self.persons, &self.states, self.locale);
        let found: Vec<(usize, Vec<RowMessage>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = persons
                .chunks(chunk)
                .zip(states.chunks(chunk))
                .map(|(persons, states)| {
                    scope.spawn(move || {
                        let mut texts = HashMap::new();
                        persons
                            .iter()
                            .zip(states)
                            .filter_map(|(person, state)| {
                                person_problems(validator, person, state, locale, &mut texts)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect()
        });
        for (row, messages) in found {
            if let Some(row) = self.rows.get_mut(row) {
                row.messages.extend(messages);
            }
        }
        // A large roster's preview holds a row each: no spare capacity.
        for row in &mut self.rows {
            row.messages.shrink_to_fit();
        }
    }
}

/// One shared copy of a message text that many rows carry.
fn intern(texts: &mut HashMap<String, Arc<str>>, text: String) -> Arc<str> {
    if let Some(shared) = texts.get(&text) {
        return shared.clone();
    }
    let shared: Arc<str> = text.as_str().into();
    texts.insert(text, shared.clone());
    shared
}

/// The problems the validation engine finds in one imported teacher as the
/// commit would leave them, limited to the groups the import touched, for the
/// teacher's first row.
fn person_problems(
    validator: &Validator<'_>,
    p: &Person,
    state: &PersonState,
    locale: crate::error::Locale,
    texts: &mut HashMap<String, Arc<str>>,
) -> Option<(usize, Vec<RowMessage>)> {
    let &first_row = state.rows.first()?;
    let teacher = Teacher {
        id: p
            .existing
            .as_ref()
            .map_or_else(String::new, |t| t.id.clone()),
        name: p.rename.clone().unwrap_or_else(|| p.name.clone()),
        id_type: p.id_type.clone(),
        id_type_name: String::new(),
        id_number: p.id_number.clone(),
        version: 0,
        created_at: String::new(),
        updated_at: String::new(),
    };
    let mut records = Vec::new();
    let mut touched_groups = Vec::new();
    for (group, rows) in state.records.iter() {
        if rows.iter().any(|r| r.touched) {
            touched_groups.push(group);
        }
        for (i, r) in rows.iter().enumerate() {
            records.push(IndicatorRecord {
                id: r.stored.as_ref().map_or_else(String::new, |s| s.id.clone()),
                teacher_id: teacher.id.clone(),
                group_code: group.to_owned(),
                row_order: (i as i64).saturating_add(1),
                fields: r.fields(),
                version: 0,
                updated_at: String::new(),
            });
        }
    }
    let problems = validator.teacher_brief(&teacher, &records);
    let effective = validator.effective();
    let mut missing: Vec<Worded> = Vec::new();
    let mut messages = Vec::new();
    for problem in problems
        .into_iter()
        .filter(|p| touched_groups.contains(&p.group.as_str()))
    {
        let group = effective.group(&problem.group);
        let label = problem.field.as_deref().and_then(|f| {
            group
                .and_then(|g| g.field(f))
                .map(EffectiveField::worded_label)
        });
        if problem.rule == "required" && problem.severity == Severity::Error {
            let label = label.unwrap_or_default();
            let name = match (problem.row_order.is_some(), group) {
                (true, Some(g)) => Worded {
                    zh: format!("{}·{}", g.name, label.zh),
                    en: format!("{} · {}", g.name_en, label.en),
                },
                _ => label,
            };
            if !missing.contains(&name) {
                missing.push(name);
            }
            continue;
        }
        let text = match locale {
            crate::error::Locale::ZhCn => problem.message,
            crate::error::Locale::En => problem.message_en,
        };
        messages.push(RowMessage {
            code: format!("validate.{}", problem.rule).into(),
            severity: match problem.severity {
                Severity::Error => MessageSeverity::Error,
                Severity::Warning => MessageSeverity::Warning,
            },
            column: None,
            field: label.map(|l| l.into_locale(locale)).or(problem.field_label),
            text: text.into(),
        });
    }
    if !missing.is_empty() {
        let text = Worded::said_in("import.row.still_required", |l| {
            let separator = crate::error::messages::render(l, "import.row.list_separator", &[]);
            let names: Vec<&str> = missing.iter().map(|m| m.get(l)).collect();
            vec![("fields", names.join(&separator))]
        });
        messages.insert(
            0,
            RowMessage {
                code: "validate.required".into(),
                severity: MessageSeverity::Error,
                column: None,
                field: None,
                text: intern(texts, text.into_locale(locale)),
            },
        );
    }
    Some((first_row, messages))
}

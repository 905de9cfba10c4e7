//! Reading one data row: each mapped cell normalized to the stored value,
//! refused with its reason where it cannot be read with certainty, and the
//! row's values grouped by information group.

use super::*;

impl Planner<'_> {
    pub(super) fn group(&self, id: &str) -> Option<&EffectiveGroup> {
        self.effective.group(id)
    }

    /// Plans one data row; returns it whole when refused.
    pub(super) fn plan_row(
        &mut self,
        sheet: &Arc<str>,
        row: &SheetRow,
        columns: &[ColumnMapping],
    ) -> Option<RefusedRow> {
        let mut values: BTreeMap<String, Fields> = BTreeMap::new();
        let mut messages = Vec::new();
        let mut bad_cells = Vec::new();
        let mut pending: Vec<PendingCell> = Vec::new();
        // 出生年月 with only a year and month: completed from the ID below.
        let mut birth_month: Option<(String, usize, String, String, CellProblem)> = None;
        for column in columns {
            let Some(target) = &column.target else {
                continue;
            };
            let j = column.index as usize;
            let cell = row.cell(j);
            let effective = self.effective;
            let Some(field) = effective
                .group(&target.group)
                .and_then(|g| g.field(&target.field))
            else {
                continue;
            };
            let table_ref = field
                .code_table
                .as_deref()
                .and_then(|t| effective.code_table(t));
            let converted = convert(field, table_ref, cell);
            if converted.is_ok() {
                self.note_form(sheet, &column.letter, field, table_ref, cell, row.number);
            }
            match converted {
                Ok(None) => {}
                Ok(Some(v)) => {
                    values
                        .entry(target.group.clone())
                        .or_default()
                        .insert(target.field.clone(), v);
                }
                Err(problem)
                    if target.group == BASIC_GROUP
                        && self.birth_field.as_deref() == Some(target.field.as_str())
                        && let Some(month) = crate::import::cell::year_month_only(cell) =>
                {
                    birth_month = Some((
                        month,
                        j,
                        column.letter.clone(),
                        field.label.clone(),
                        problem,
                    ));
                }
                // Only who the row is can refuse it; any other bad cell is
                // kept as written, on an error the clerk must fix (待修正).
                Err(CellProblem { code, text }) if is_identity(target) => {
                    bad_cells.push((j, text.clone()));
                    messages.push(RowMessage {
                        code: code.into(),
                        severity: MessageSeverity::Refusal,
                        column: Some(column.letter.clone()),
                        field: Some(field.label.clone()),
                        text: text.into(),
                    });
                }
                Err(CellProblem { code, text }) => {
                    let raw = crate::text::excerpt(cell_text(cell).trim(), 200);
                    messages.push(RowMessage {
                        code: PENDING_CODE.into(),
                        severity: MessageSeverity::Error,
                        column: Some(column.letter.clone()),
                        field: Some(field.label.clone()),
                        text: format!("{text}。这一项先空着导入，原文「{raw}」记为待修正").into(),
                    });
                    pending.push(PendingCell {
                        person: 0,
                        group: target.group.clone(),
                        field: target.field.clone(),
                        label: field.label.clone(),
                        raw,
                        problem_code: code,
                        problem: text,
                        sheet: sheet.to_string(),
                        row: row.number,
                        column: column.letter.clone(),
                    });
                }
            }
        }
        let row_number = row.number;
        let basic = values.get(BASIC_GROUP);
        let get = |code: &str| {
            basic
                .and_then(|b| b.get(code))
                .map(display)
                .unwrap_or_default()
        };
        let (name, id_type, id_number) = (get("name"), get("id_type"), get("id_number"));
        let mut preview = RowPreview {
            sheet: sheet.clone(),
            row: row_number,
            status: RowStatus::Refused,
            name: name.clone(),
            id_type: (!id_type.is_empty()).then(|| id_type.clone()),
            id_number: id_number.clone(),
            values: crate::import::raw_values(&BTreeMap::new()),
            changes: Vec::new(),
            messages,
        };
        let refuse = |mut preview: RowPreview,
                      this: &mut Self,
                      code: &'static str,
                      text: String,
                      bad: Vec<(usize, String)>| {
            if !code.is_empty() {
                preview.messages.push(RowMessage {
                    code: code.into(),
                    severity: MessageSeverity::Refusal,
                    column: None,
                    field: None,
                    text: text.as_str().into(),
                });
            }
            let reason = preview
                .messages
                .iter()
                .filter(|m| m.severity == MessageSeverity::Refusal)
                .map(|m| match &m.field {
                    Some(f) => format!("{f}：{}", m.text),
                    None => m.text.to_string(),
                })
                .collect::<Vec<_>>()
                .join("；");
            preview.status = RowStatus::Refused;
            this.rows.push(preview);
            Some(RefusedRow {
                sheet: sheet.to_string(),
                row: row_number,
                cells: row.cells.clone(),
                bad_cells: bad,
                reason,
            })
        };
        if !bad_cells.is_empty() {
            return refuse(
                with_values(preview, &values),
                self,
                "",
                String::new(),
                bad_cells,
            );
        }
        if name.is_empty() || id_number.is_empty() {
            let missing = match (name.is_empty(), id_number.is_empty()) {
                (true, true) => "姓名和身份证件号",
                (true, false) => "姓名",
                _ => "身份证件号",
            };
            return refuse(
                preview,
                self,
                "import.identity_missing",
                format!("这一行没有{missing}，无法确定是哪位教师。请补上后重新导入"),
                Vec::new(),
            );
        }
        let id_type = if id_type.is_empty() {
            self.default_id_type.clone()
        } else {
            id_type
        };
        let new = NewTeacher {
            name: name.clone(),
            id_type: id_type.clone(),
            id_number: id_number.clone(),
        };
        let valid = match new.validate() {
            Ok(v) => v,
            Err(e) => {
                let bad = columns
                    .iter()
                    .filter(|c| c.target.as_ref().is_some_and(is_identity))
                    .filter(|c| {
                        let field = c.target.as_ref().map(|t| t.field.as_str());
                        matches!(
                            (&e, field),
                            (Error::InvalidIdNumber { .. }, Some("id_number"))
                                | (Error::UnknownIdType(..), Some("id_type"))
                                | (Error::TeacherNameTooLong { .. }, Some("name"))
                        )
                    })
                    .map(|c| (c.index as usize, e.to_string()))
                    .collect();
                return refuse(
                    with_values(preview, &values),
                    self,
                    e.code(),
                    e.to_string(),
                    bad,
                );
            }
        };
        if let Some((month, _, letter, label, problem)) = birth_month.take() {
            let from_id = (valid.id_type.form == IdNumberForm::ResidentId)
                .then(|| crate::id_number::check_resident_id(&valid.id_number).ok())
                .flatten()
                .map(|r| r.birth_date);
            match (from_id, &self.birth_field) {
                (Some(date), Some(field)) if date.format("%Y-%m").to_string() == month => {
                    values
                        .entry(BASIC_GROUP.to_owned())
                        .or_default()
                        .insert(field.clone(), Value::String(date.to_string()));
                    preview.messages.push(RowMessage {
                        code: "import.birth_date_completed".into(),
                        severity: MessageSeverity::Info,
                        column: Some(letter),
                        field: Some(label),
                        text: format!("花名册只有出生年月 {month}，已按身份证件号补全为 {date}")
                            .into(),
                    });
                }
                (Some(date), Some(field)) => {
                    // The ID states the date: filled from it, the roster's
                    // year-month kept on the message.
                    values
                        .entry(BASIC_GROUP.to_owned())
                        .or_default()
                        .insert(field.clone(), Value::String(date.to_string()));
                    preview.messages.push(RowMessage {
                        code: "import.birth_date_from_id".into(),
                        severity: MessageSeverity::Warning,
                        column: Some(letter),
                        field: Some(label),
                        text: format!(
                            "花名册只有出生年月 {month}，与身份证件号中的出生日期 {date} 不一致，已按身份证件号填为 {date}。如果人事档案不同，请在教师信息中改正"
                        )
                        .into(),
                    });
                }
                (_, _) => {
                    preview.messages.push(RowMessage {
                        code: PENDING_CODE.into(),
                        severity: MessageSeverity::Error,
                        column: Some(letter.clone()),
                        field: Some(label.clone()),
                        text: format!(
                            "{}。这一项先空着导入，原文「{month}」记为待修正",
                            problem.text
                        )
                        .into(),
                    });
                    pending.push(PendingCell {
                        person: 0,
                        group: BASIC_GROUP.to_owned(),
                        field: self.birth_field.clone().unwrap_or_default(),
                        label,
                        raw: month,
                        problem_code: problem.code,
                        problem: problem.text,
                        sheet: sheet.to_string(),
                        row: row_number,
                        column: letter,
                    });
                }
            }
        }
        preview.id_type = Some(valid.id_type.code.clone());
        preview.id_number = valid.id_number.clone();
        preview.name = valid.name.clone();
        let key = (valid.id_type.code.clone(), valid.id_number.clone());
        // The single-record groups (基本信息, 联系方式) this row gives values for.
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
        if let Some((_, sheet, row)) = self.states.get(person).and_then(|s| {
            s.single_rows
                .iter()
                .find(|(g, _, _)| single_groups.iter().any(|s| **s == **g))
        }) {
            let text = format!(
                "与工作表「{sheet}」第 {row} 行是同一人（证件号 {}），只导入第一次出现的那一行。如果这一行才是对的，请删去那一行后重新导入",
                valid.id_number
            );
            return refuse(
                with_values(preview, &values),
                self,
                "import.duplicate_person",
                text,
                Vec::new(),
            );
        }
        for group in single_groups {
            let group = self.group_key(&group);
            if let Some(state) = self.states.get_mut(person) {
                state.single_rows.push((group, sheet.clone(), row_number));
            }
        }
        let row_index = self.rows.len();
        if let Some(state) = self.states.get_mut(person) {
            state.rows.push(row_index);
        }
        let mut wrote = false;
        let mut changed_stored = false;
        if let Some(new) = self.persons.get_mut(person)
            && new.existing.is_none()
            && !new.planned
        {
            new.planned = true;
            self.writes.push(Write::NewTeacher { person });
        }
        // The stored name differs: a conflict like any other value.
        if let Some(Person {
            existing: Some(existing),
            rename,
            ..
        }) = self.persons.get(person)
            && existing.name != valid.name
            && rename.as_deref() != Some(valid.name.as_str())
        {
            let take = self.on_conflict == OnConflict::Take;
            preview.changes.push(FieldChange {
                group: BASIC_GROUP.into(),
                group_name: self
                    .group(BASIC_GROUP)
                    .map_or_else(String::new, |g| g.name.clone()),
                field: "name".into(),
                label: "姓名".into(),
                stored: existing.name.clone(),
                imported: valid.name.clone(),
                conflict: true,
                taken: take,
            });
            if take && let Some(renamed) = self.persons.get_mut(person) {
                renamed.rename = Some(valid.name.clone());
                self.writes.push(Write::RenameTeacher { person });
                wrote = true;
                changed_stored = true;
            }
        }
        if let Some(basic) = values.get_mut(BASIC_GROUP) {
            for code in ["name", "id_type", "id_number"] {
                basic.remove(code);
            }
        }
        if let Some(state) = self.states.get_mut(person)
            && !state.filled_from_id
            && let Ok(resident) = crate::id_number::check_resident_id(&valid.id_number)
            && valid.id_type.form == IdNumberForm::ResidentId
        {
            state.filled_from_id = true;
            let stored_basic = self.single_fields(person, BASIC_GROUP);
            let basic = values.entry(BASIC_GROUP.to_owned()).or_default();
            let mut filled = Vec::new();
            if let Some(f) = &self.birth_field
                && !basic.contains_key(f)
                && !stored_basic.contains_key(f)
            {
                basic.insert(f.clone(), Value::String(resident.birth_date.to_string()));
                filled.push(format!("出生日期 {}", resident.birth_date));
            }
            if let Some(gender) = &self.gender_field
                && !basic.contains_key(&gender.field)
                && !stored_basic.contains_key(&gender.field)
            {
                let (code, label) = match resident.gender {
                    IdGender::Male => &gender.male,
                    IdGender::Female => &gender.female,
                };
                basic.insert(gender.field.clone(), Value::String(code.clone()));
                filled.push(format!("性别 {label}"));
            }
            if basic.is_empty() {
                values.remove(BASIC_GROUP);
            }
            if !filled.is_empty() {
                preview.messages.push(RowMessage {
                    code: "import.filled_from_id".into(),
                    severity: MessageSeverity::Info,
                    column: None,
                    field: None,
                    text: format!("花名册中没有，已按身份证件号填写：{}", filled.join("、")).into(),
                });
            }
        }
        // What the ID gives is always filled: a bad 出生日期 or 性别 cell the
        // ID answered for is no longer waiting for the clerk.
        let answered = |p: &PendingCell| {
            values
                .get(&p.group)
                .is_some_and(|fields| fields.contains_key(&p.field))
        };
        for cell in pending.iter().filter(|p| answered(p)) {
            for message in preview.messages.iter_mut().filter(|m| {
                m.code == PENDING_CODE && m.column.as_deref() == Some(cell.column.as_str())
            }) {
                message.code = "import.replaced_from_id".into();
                message.severity = MessageSeverity::Warning;
                message.text = format!(
                    "{}「{}」{}；已按身份证件号填写",
                    cell.label, cell.raw, cell.problem
                )
                .into();
            }
        }
        pending.retain(|p| !answered(p));
        for mut cell in pending {
            cell.person = person;
            self.pending.push(cell);
        }
        for (group_id, fields) in &values {
            let effective = self.effective;
            let Some(group) = effective.group(group_id) else {
                continue;
            };
            let (w, c) = if group.multi {
                self.plan_multi(person, group, fields, &mut preview)
            } else {
                self.plan_single(person, group, fields, &mut preview)
            };
            wrote |= w;
            changed_stored |= c;
        }
        let identity = values.entry(BASIC_GROUP.to_owned()).or_default();
        identity.insert("name".into(), Value::String(valid.name.clone()));
        identity.insert("id_type".into(), Value::String(valid.id_type.code.clone()));
        identity.insert("id_number".into(), Value::String(valid.id_number.clone()));
        preview.values = crate::import::raw_values(&values);
        preview.status = if !self.is_stored(person) {
            RowStatus::New
        } else if wrote || changed_stored {
            RowStatus::Update
        } else {
            RowStatus::Unchanged
        };
        self.rows.push(preview);
        None
    }

    /// Notes a value written another way than the table writes it (汉 族,
    /// 01-汉族, 未评) or a name with spaces inside, for the grouped notes.
    fn note_form(
        &mut self,
        sheet: &str,
        column: &str,
        field: &EffectiveField,
        table: Option<&crate::catalog::CodeTable>,
        cell: &Data,
        row: u32,
    ) {
        let Data::String(text) = cell else {
            return;
        };
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let at = crate::import::notes::At {
            sheet,
            column,
            field: &field.label,
            row,
        };
        if field.code == "name" && field.kind == FieldType::Text {
            let name = crate::text::normalize_person_name(text);
            if name != text {
                self.notes.add(&at, Form::Spaced, text, &name);
            }
            return;
        }
        let Some(table) = table else {
            return;
        };
        if !matches!(field.kind, FieldType::Code | FieldType::YesNo) || table.get(text).is_some() {
            return;
        }
        let (reading, form) = table.read_form(text);
        let taken = match reading {
            Reading::Code(code) => code.name.clone(),
            Reading::Empty => String::new(),
            _ => return,
        };
        self.notes.add(&at, form, text, &taken);
    }

    /// A new record's values with the catalog's defaults (国籍/地区 中国 …)
    /// for fields the sheet has no column for, as the form would pre-fill
    /// them; the sheet's preview says which. An empty cell in a column the sheet
    /// has stays empty (so an exported workbook re-imports exactly).
    pub(super) fn with_defaults(&self, group: &EffectiveGroup, fields: &Fields) -> Fields {
        let mut out = fields.clone();
        let mut filled = Vec::new();
        for field in group.fields.iter().filter(|f| !f.derived) {
            let Some(default) = &field.default else {
                continue;
            };
            if out.contains_key(&field.code)
                || self
                    .sheet_fields
                    .contains(&format!("{}.{}", group.id, field.code))
            {
                continue;
            }
            let table = field
                .code_table
                .as_deref()
                .and_then(|t| self.effective.code_table(t));
            let Ok(value) = crate::entry::normalize_value(field, table, default) else {
                continue;
            };
            let shown = table
                .and_then(|t| t.get(default))
                .map_or_else(|| default.clone(), |c| c.name.clone());
            filled.push(format!("{}·{} {shown}", group.name, field.label));
            out.insert(field.code.clone(), value);
        }
        for note in filled {
            if !self.defaults_used.borrow().contains(&note) {
                self.defaults_used.borrow_mut().push(note);
            }
        }
        out
    }

    pub(super) fn group_key(&self, id: &str) -> Arc<str> {
        self.group_keys
            .iter()
            .find(|k| &***k == id)
            .cloned()
            .unwrap_or_else(|| id.into())
    }
}

//! Planning one data row, as named steps (`plan_row`): its mapped cells read
//! into stored values by group (`read_cells`; an unreadable identity cell
//! marks the row for refusal, any other becomes 待修正), who the row is
//! (`classify::identify`), 出生年月 completed from the ID, the person matched
//! (`person.rs`), the name, what the ID gives and the row's groups merged
//! (`classify.rs`), and the row's kind decided by `classify::classify`.

use super::classify::{Refusal, RowOutcome, classify, identify};
use super::*;
use crate::error::Locale;
use crate::teacher::ValidNewTeacher;

/// A mapped cell of a data row, and where it is.
struct MappedCell<'r> {
    sheet: &'r Arc<str>,
    row: &'r SheetRow,
    column: &'r ColumnMapping,
    target: &'r FieldTarget,
    field: &'r EffectiveField,
}

impl<'r> MappedCell<'r> {
    fn cell(&self) -> &'r Data {
        self.row.cell(self.column.index as usize)
    }
}

/// 出生年月 written with only a year and month: completed from the ID once
/// the row's ID is known.
#[derive(Debug)]
struct BirthMonth {
    month: String,
    letter: String,
    label: Worded,
    problem: CellProblem,
}

impl BirthMonth {
    /// The message of a date filled from the ID: completed when the ID
    /// agrees with the roster's year-month, else the ID's date taken and the
    /// roster's year-month kept on the message.
    fn filled_from_id(self, date: chrono::NaiveDate, locale: Locale) -> RowMessage {
        let month = self.month;
        let (code, severity) = if date.format("%Y-%m").to_string() == month {
            ("import.birth_date_completed", MessageSeverity::Info)
        } else {
            ("import.birth_date_from_id", MessageSeverity::Warning)
        };
        let text = Worded::said(
            &format!("import.row.{}", code.trim_start_matches("import.")),
            &[("month", month.clone()), ("date", date.to_string())],
        );
        RowMessage::new(
            locale,
            code,
            severity,
            Some(self.letter),
            Some(self.label),
            text,
        )
    }

    /// The ID states no date: the year-month kept as written on a 待修正 error.
    fn pending(
        self,
        sheet: &str,
        row: u32,
        field: String,
        locale: Locale,
    ) -> (RowMessage, PendingCell) {
        let BirthMonth {
            month,
            letter,
            label,
            problem,
        } = self;
        let message = RowMessage::new(
            locale,
            PENDING_CODE,
            MessageSeverity::Error,
            Some(letter.clone()),
            Some(label.clone()),
            pending_text(&problem, &month),
        );
        let cell = PendingCell {
            person: 0,
            owner: None,
            group: BASIC_GROUP.to_owned(),
            field,
            label: label.zh,
            label_en: label.en,
            raw: month,
            problem_code: problem.code,
            problem: problem.text,
            problem_en: problem.text_en,
            sheet: sheet.to_owned(),
            row,
            column: letter,
        };
        (message, cell)
    }
}

/// The message of a cell kept as 待修正: why, and that it is imported empty.
fn pending_text(problem: &CellProblem, raw: &str) -> Worded {
    Worded::said_in("import.row.pending", |l| {
        vec![
            ("problem", problem.worded().get(l).to_owned()),
            ("raw", raw.to_owned()),
        ]
    })
}

/// A data row's mapped cells as read.
#[derive(Debug, Default)]
struct ReadRow {
    values: BTreeMap<String, Fields>,
    messages: Vec<RowMessage>,
    /// Identity cells that could not be read: column index and why.
    bad_cells: Vec<(usize, String)>,
    /// Other cells that could not be read, kept on a 待修正 error.
    pending: Vec<PendingCell>,
    birth_month: Option<BirthMonth>,
}

impl ReadRow {
    /// A cell that could not be read. Only who the row is can refuse it; any
    /// other bad cell is kept as written, on an error the clerk must fix
    /// (待修正), and 出生年月 with only a year and month waits for the ID.
    fn unreadable(
        &mut self,
        at: &MappedCell<'_>,
        problem: CellProblem,
        birth_field: Option<&str>,
        locale: Locale,
    ) {
        let (target, letter, label) = (at.target, &at.column.letter, at.field.worded_label());
        if target.group == BASIC_GROUP
            && birth_field == Some(target.field.as_str())
            && let Some(month) = crate::import::cell::year_month_only(at.cell())
        {
            self.birth_month = Some(BirthMonth {
                month,
                letter: letter.clone(),
                label,
                problem,
            });
            return;
        }
        if is_identity(target) {
            self.bad_cells
                .push((at.column.index as usize, problem.text.clone()));
            self.messages.push(RowMessage::new(
                locale,
                problem.code,
                MessageSeverity::Refusal,
                Some(letter.clone()),
                Some(label),
                problem.worded(),
            ));
            return;
        }
        let raw = crate::text::excerpt(cell_text(at.cell()).trim(), 200);
        self.messages.push(RowMessage::new(
            locale,
            PENDING_CODE,
            MessageSeverity::Error,
            Some(letter.clone()),
            Some(label.clone()),
            pending_text(&problem, &raw),
        ));
        let CellProblem {
            code,
            text,
            text_en,
        } = problem;
        self.pending.push(PendingCell {
            person: 0,
            owner: None,
            group: target.group.clone(),
            field: target.field.clone(),
            label: label.zh,
            label_en: label.en,
            raw,
            problem_code: code,
            problem: text,
            problem_en: text_en,
            sheet: at.sheet.to_string(),
            row: at.row.number,
            column: letter.clone(),
        });
    }
}

/// The row's preview as read, refused until planning says otherwise; its
/// identity is the cells' (姓名, 证件类型, 证件号), empty where missing.
fn start_preview(sheet: &Arc<str>, row: u32, read: &mut ReadRow) -> RowPreview {
    let basic = read.values.get(BASIC_GROUP);
    let get = |code: &str| {
        basic
            .and_then(|b| b.get(code))
            .map(display)
            .unwrap_or_default()
    };
    let id_type = get("id_type");
    RowPreview {
        sheet: sheet.clone(),
        row,
        status: RowStatus::Refused,
        name: get("name"),
        id_type: (!id_type.is_empty()).then_some(id_type),
        id_number: get("id_number"),
        values: crate::import::raw_values(&BTreeMap::new()),
        changes: Vec::new(),
        messages: std::mem::take(&mut read.messages),
    }
}

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
        let mut read = self.read_cells(sheet, row, columns);
        let mut preview = start_preview(sheet, row.number, &mut read);
        let outcome = self.plan_teacher(sheet, row.number, columns, &mut read, &mut preview);
        preview.status = classify(&outcome);
        match outcome {
            RowOutcome::Refused(refusal) => {
                Some(self.refuse(sheet, row, preview, &read.values, refusal))
            }
            RowOutcome::Planned { .. } => {
                preview.values = crate::import::raw_values(&read.values);
                self.rows.push(preview);
                None
            }
        }
    }

    /// Reads each mapped cell of the row into its value, or says why it cannot.
    fn read_cells(
        &mut self,
        sheet: &Arc<str>,
        row: &SheetRow,
        columns: &[ColumnMapping],
    ) -> ReadRow {
        let mut read = ReadRow::default();
        let effective = self.effective;
        for column in columns {
            let Some(target) = &column.target else {
                continue;
            };
            let Some(field) = effective
                .group(&target.group)
                .and_then(|g| g.field(&target.field))
            else {
                continue;
            };
            let at = MappedCell {
                sheet,
                row,
                column,
                target,
                field,
            };
            let table = field
                .code_table
                .as_deref()
                .and_then(|t| effective.code_table(t));
            match convert(field, table, at.cell()) {
                Ok(value) => {
                    self.note_form(&at, table);
                    if let Some(value) = value {
                        read.values
                            .entry(target.group.clone())
                            .or_default()
                            .insert(target.field.clone(), value);
                    }
                }
                Err(problem) => {
                    read.unreadable(&at, problem, self.birth_field.as_deref(), self.locale)
                }
            }
        }
        read
    }

    /// Who the row is and what it writes for them: refused when who cannot be
    /// told with certainty, else matched to a person and merged.
    fn plan_teacher(
        &mut self,
        sheet: &Arc<str>,
        row: u32,
        columns: &[ColumnMapping],
        read: &mut ReadRow,
        preview: &mut RowPreview,
    ) -> RowOutcome {
        let bad_cells = std::mem::take(&mut read.bad_cells);
        let valid = match identify(preview, bad_cells, columns, &self.default_id_type) {
            Ok(valid) => valid,
            Err(refusal) => return RowOutcome::Refused(refusal),
        };
        if let Some(month) = read.birth_month.take() {
            self.complete_birth_month(sheet, row, month, &valid, read, preview);
        }
        preview.id_type = Some(valid.id_type.code.clone());
        preview.id_number = valid.id_number.clone();
        preview.name = valid.name.clone();
        let person = match self.claim_person(sheet, row, &valid, &read.values) {
            Ok(person) => person,
            Err(refusal) => return RowOutcome::Refused(refusal),
        };
        let mut effect = self.plan_name(person, &valid, preview);
        let values = &mut read.values;
        if let Some(basic) = values.get_mut(BASIC_GROUP) {
            for code in ["name", "id_type", "id_number"] {
                basic.remove(code);
            }
        }
        self.fill_from_id(person, &valid, values, preview);
        self.settle_pending(person, std::mem::take(&mut read.pending), values, preview);
        effect |= self.plan_groups(person, values, preview);
        let identity = values.entry(BASIC_GROUP.to_owned()).or_default();
        identity.insert("name".into(), Value::String(valid.name));
        identity.insert("id_type".into(), Value::String(valid.id_type.code.clone()));
        identity.insert("id_number".into(), Value::String(valid.id_number));
        RowOutcome::Planned {
            stored: self.is_stored(person),
            effect,
        }
    }

    /// A refused row: its preview says why, and it is kept whole for the
    /// refused-rows workbook.
    fn refuse(
        &mut self,
        sheet: &Arc<str>,
        row: &SheetRow,
        mut preview: RowPreview,
        values: &BTreeMap<String, Fields>,
        refusal: Refusal,
    ) -> RefusedRow {
        if refusal.shows_values {
            preview.values = crate::import::raw_values(values);
        }
        if let Some((code, text)) = refusal.message {
            preview.messages.push(RowMessage::new(
                self.locale,
                code,
                MessageSeverity::Refusal,
                None,
                None,
                text,
            ));
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
        self.rows.push(preview);
        RefusedRow {
            sheet: sheet.to_string(),
            row: row.number,
            cells: row.cells.clone(),
            bad_cells: refusal.bad_cells,
            reason,
        }
    }

    /// 出生年月 with only a year and month: the date the ID states, or kept
    /// on a 待修正 error when the ID states none.
    fn complete_birth_month(
        &self,
        sheet: &Arc<str>,
        row: u32,
        month: BirthMonth,
        valid: &ValidNewTeacher,
        read: &mut ReadRow,
        preview: &mut RowPreview,
    ) {
        let from_id = (valid.id_type.form == IdNumberForm::ResidentId)
            .then(|| crate::id_number::check_resident_id(&valid.id_number).ok())
            .flatten()
            .map(|r| r.birth_date);
        match (from_id, &self.birth_field) {
            (Some(date), Some(field)) => {
                read.values
                    .entry(BASIC_GROUP.to_owned())
                    .or_default()
                    .insert(field.clone(), Value::String(date.to_string()));
                preview
                    .messages
                    .push(month.filled_from_id(date, self.locale));
            }
            _ => {
                let field = self.birth_field.clone().unwrap_or_default();
                let (message, cell) = month.pending(sheet, row, field, self.locale);
                preview.messages.push(message);
                read.pending.push(cell);
            }
        }
    }

    /// The first row of a resident-ID teacher fills 出生日期 and 性别 from the
    /// ID where neither the roster nor the school file has them.
    fn fill_from_id(
        &mut self,
        person: usize,
        valid: &ValidNewTeacher,
        values: &mut BTreeMap<String, Fields>,
        preview: &mut RowPreview,
    ) {
        let Some(state) = self.states.get_mut(person) else {
            return;
        };
        if state.filled_from_id {
            return;
        }
        let Ok(resident) = crate::id_number::check_resident_id(&valid.id_number) else {
            return;
        };
        if valid.id_type.form != IdNumberForm::ResidentId {
            return;
        }
        state.filled_from_id = true;
        let stored_basic = self.single_fields(person, BASIC_GROUP);
        let basic = values.entry(BASIC_GROUP.to_owned()).or_default();
        let mut filled = Vec::new();
        if let Some(f) = &self.birth_field
            && !basic.contains_key(f)
            && !stored_basic.contains_key(f)
        {
            basic.insert(f.clone(), Value::String(resident.birth_date.to_string()));
            filled.push((
                "import.row.filled.birth_date",
                ("date", resident.birth_date.to_string()),
            ));
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
            filled.push(("import.row.filled.gender", ("label", label.clone())));
        }
        if basic.is_empty() {
            values.remove(BASIC_GROUP);
        }
        if !filled.is_empty() {
            let text = Worded::said_in("import.row.filled_from_id", |l| {
                let render = crate::error::messages::render;
                let items: Vec<String> = filled
                    .iter()
                    .map(|(key, arg)| render(l, key, std::slice::from_ref(arg)))
                    .collect();
                vec![(
                    "filled",
                    items.join(&render(l, "import.row.list_separator", &[])),
                )]
            });
            preview.messages.push(RowMessage::new(
                self.locale,
                "import.filled_from_id",
                MessageSeverity::Info,
                None,
                None,
                text,
            ));
        }
    }

    /// Keeps the row's unreadable cells as 待修正 for the person, except those
    /// the ID answered for (出生日期, 性别): what the ID gives is always filled.
    fn settle_pending(
        &mut self,
        person: usize,
        mut pending: Vec<PendingCell>,
        values: &BTreeMap<String, Fields>,
        preview: &mut RowPreview,
    ) {
        let answered = |p: &PendingCell| {
            values
                .get(&p.group)
                .is_some_and(|fields| fields.contains_key(&p.field))
        };
        for cell in pending.iter().filter(|p| answered(p)) {
            for message in preview.messages.iter_mut().filter(|m| {
                m.code == PENDING_CODE && m.column.as_deref() == Some(cell.column.as_str())
            }) {
                let text = Worded::said_in("import.row.replaced_from_id", |l| {
                    let (label, problem) = match l {
                        crate::error::Locale::ZhCn => (&cell.label, &cell.problem),
                        crate::error::Locale::En => (&cell.label_en, &cell.problem_en),
                    };
                    vec![
                        ("label", label.clone()),
                        ("raw", cell.raw.clone()),
                        ("problem", problem.clone()),
                    ]
                });
                message.code = "import.replaced_from_id".into();
                message.severity = MessageSeverity::Warning;
                message.text = text.into_locale(self.locale).into();
            }
        }
        pending.retain(|p| !answered(p));
        for mut cell in pending {
            cell.person = person;
            self.pending.push(cell);
        }
    }

    /// Notes a value written another way than the table writes it (汉 族,
    /// 01-汉族, 未评) or a name with spaces inside, for the grouped notes.
    fn note_form(&mut self, at: &MappedCell<'_>, table: Option<&crate::catalog::CodeTable>) {
        let field = at.field;
        let Data::String(text) = at.cell() else {
            return;
        };
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let at = crate::import::notes::At {
            sheet: at.sheet,
            column: &at.column.letter,
            field: &field.label,
            field_en: &field.label_en,
            row: at.row.number,
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

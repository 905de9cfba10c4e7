import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type {
  CodeTable,
  EffectiveCatalog,
  IndicatorRecord,
  NewStatusChange,
  PendingValue,
  Problem,
  RecordDraft,
  StatusEvent,
  StatusTimeline,
} from '../src/bindings'
import TeacherForm from '../src/components/TeacherForm.vue'
import type { FormTarget } from '../src/session'
import { openTeacher, resetSession, showValidation, useSession } from '../src/session'
import { BASIC, CATALOG, EDUCATION, TEACHER, field, problem, record } from './fakeCatalog'
import {
  byTestId,
  clickTestId,
  inputOf,
  maybeTestId,
  optionTexts,
  pick,
  routeInvoke,
  typeInto,
  wait,
  type Handlers,
} from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'
import { EFFECTIVE, upload, status } from './outboxFixtures'
import { keepUploads } from '../src/uploads'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const PENDING: PendingValue = {
  id: 'p1',
  teacher_id: TEACHER.id,
  group: 'basic',
  field: 'ethnicity',
  raw: '火星族',
  problem: '不在「民族」代码表中',
  source: '工作表「教师信息」第 2 行 C 列',
  import_id: 'i1',
  created_at: '2026-12-06T00:00:00Z',
}

const NO_HISTORY: StatusTimeline = {
  teacher_id: 't1',
  current: null,
  on_roster: true,
  pending: null,
  locks: [],
  events: [],
}

const STORED_BASIC = record('r-basic', 'basic', { gender: '1', highest_education: '21', on_establishment: '1' })

function backend(overrides: Handlers = {}, records: IndicatorRecord[] = [STORED_BASIC]): void {
  routeInvoke(invoke, {
    school_catalog: () => CATALOG,
    teacher_records: () => records,
    check_record: () => [],
    pending_values: () => [],
    status_timeline: () => NO_HISTORY,
    correction_request: () => null,
    ...overrides,
  })
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountForm(target: FormTarget | null = null) {
  wrapper = mount(TeacherForm, {
    props: { teacher: TEACHER, target },
    global: { plugins },
    attachTo: document.body,
  })
  await settle()
  await settle()
  return wrapper
}

function calls(cmd: string): unknown[][] {
  return invoke.mock.calls.filter((c) => c[0] === cmd)
}

describe('TeacherForm', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('shows what the upstream returned of this teacher, with the reviewer’s reason', async () => {
    keepUploads(
      status({
        teachers: [
          upload(TEACHER.id, TEACHER.name, 'returned', '已退回', {
            returned: [
              { batch_id: 'b-1', change_id: 'record:r-basic@1', group: 'basic', group_name: '基本信息', reason: '民族与户籍不一致', version: 1, superseded: false },
              { batch_id: 'b-1', change_id: 'record:r-edu@1', group: 'education', group_name: '学习经历', reason: '已改', version: 1, superseded: true },
            ],
          }),
        ],
      }),
    )
    backend()
    await mountForm()
    expect(byTestId('form-returned').textContent).toContain('上级系统退回了这位教师的信息')
    expect(Array.from(document.body.querySelectorAll('[data-testid="form-returned-reason"]')).map((e) => e.textContent?.trim())).toEqual([
      '基本信息：民族与户籍不一致',
    ])
  })

  it('shows nothing about the upstream for a teacher nothing was returned of', async () => {
    keepUploads(status({ teachers: [{ ...EFFECTIVE, teacher_id: TEACHER.id }] }))
    backend()
    await mountForm()
    expect(maybeTestId('form-returned')).toBeNull()
  })

  it('builds one tab per group of the catalog, in catalog order, then the status history', async () => {
    backend()
    await mountForm()
    const tabs = Array.from(document.body.querySelectorAll('[data-testid^="form-tab-"]')).map((el) =>
      el.getAttribute('data-testid'),
    )
    expect(tabs).toEqual(['form-tab-basic', 'form-tab-education', 'form-tab-status-history'])
    expect(byTestId('form-tab-basic').textContent).toContain('基本信息')
    expect(byTestId('form-tab-education').textContent).toContain('学习经历')
  })

  it('is read only for a 信息查询员: no save, no print, inputs disabled', async () => {
    signInForTests(['teachers.view'])
    backend()
    await mountForm()
    expect(maybeTestId('form-save')).toBeNull()
    expect(maybeTestId('form-print-sheet')).toBeNull()
    expect(byTestId('form-readonly').textContent).toContain('只读')
    const inputs = Array.from(document.body.querySelectorAll<HTMLInputElement>('.form-body input'))
    expect(inputs.length).toBeGreaterThan(0)
    expect(inputs.every((input) => input.disabled)).toBe(true)
  })

  it('shows a control for every field of a single-record group', async () => {
    backend()
    await mountForm()
    for (const field of BASIC.fields) {
      expect(maybeTestId(`field-basic-${field.code}`), field.code).not.toBeNull()
    }
    expect(byTestId('form-pane-basic').textContent).toContain('出生日期')
  })

  it('shows the teacher’s name and ID number in the title and in the read-only identity fields', async () => {
    backend()
    await mountForm()
    expect(byTestId('form-title').textContent).toContain('张三')
    expect(byTestId('form-title').textContent).toContain('11010519491231002X')
    expect(inputOf('field-basic-name').value).toBe('张三')
    expect(inputOf('field-basic-name').disabled).toBe(true)
    expect(inputOf('field-basic-id_number').value).toBe('11010519491231002X')
  })

  it('filters a code select by the code typed', async () => {
    backend()
    await mountForm()
    await typeInto('field-basic-gender', '2')
    expect(optionTexts('field-basic-gender')).toEqual(['2 女'])
  })

  it('filters a code select by any part of a name or a synonym', async () => {
    backend()
    await mountForm()
    await typeInto('field-basic-ethnicity', '蒙')
    expect(optionTexts('field-basic-ethnicity')).toEqual(['02 蒙古族'])
    await typeInto('field-basic-ethnicity', '汉')
    expect(optionTexts('field-basic-ethnicity')).toEqual(['01 汉族'])
  })

  it('lists a code that may not be chosen as a disabled option', async () => {
    backend()
    await mountForm()
    await typeInto('field-basic-gender', '未知')
    const id = inputOf('field-basic-gender').getAttribute('aria-controls')!
    const option = document.getElementById(id)!.querySelector('.el-select-dropdown__item')!
    expect(option.textContent).toContain('0 未知的性别')
    expect(option.classList.contains('is-disabled')).toBe(true)
  })

  it('shows a derived field read-only, with its value and the hint that it is worked out', async () => {
    backend()
    await mountForm()
    const input = inputOf('field-basic-highest_education')
    expect(input.disabled || input.readOnly).toBe(true)
    expect(input.value).toBe('21 大学本科毕业')
    expect(input.closest('[data-field-control]')!.textContent).toContain('由学习经历等自动推算')
  })

  it('marks required fields with an asterisk', async () => {
    backend()
    await mountForm()
    const label = (code: string) => byTestId(`field-basic-${code}`).closest('[data-field-control]')!.querySelector('label')!
    expect(label('gender').textContent).toContain('*')
    expect(label('remarks').textContent).not.toContain('*')
  })

  it('saves the tab as a RecordDraft with the loaded version and without derived or identity fields', async () => {
    const saved: RecordDraft[] = []
    backend({
      save_record: (args) => {
        const draft = args!.draft as RecordDraft
        saved.push(draft)
        return { ...STORED_BASIC, fields: draft.fields, version: 4 }
      },
    })
    await mountForm()
    await pick('field-basic-ethnicity', '汉', '01 汉族')
    await clickTestId('form-save')
    await settle()

    expect(saved).toEqual([
      {
        teacher_id: TEACHER.id,
        group: 'basic',
        record_id: 'r-basic',
        expected_version: 3,
        fields: { gender: '1', ethnicity: '01', on_establishment: '1' },
      },
    ])
    expect(calls('teacher_records').length).toBe(2)
    expect(document.body.textContent).toContain('已保存')
  })

  const FROM_ID = [
    { field: 'birth_date', label: '出生日期', value: '1949-12-31', shown: '1949-12-31' },
    { field: 'gender', label: '性别', value: '2', shown: '女' },
  ]

  it('fills 出生日期 and 性别 from the teacher’s resident ID where 基本信息 has none, says so, and saves them', async () => {
    const saved: RecordDraft[] = []
    backend(
      {
        id_derived_values: () => FROM_ID,
        save_record: (args) => {
          const draft = args!.draft as RecordDraft
          saved.push(draft)
          return record('r-new', 'basic', draft.fields)
        },
      },
      [],
    )
    await mountForm()
    expect(calls('id_derived_values')[0]![1]).toEqual({ idType: TEACHER.id_type, idNumber: TEACHER.id_number })
    expect(byTestId('form-filled-from-id').textContent).toContain('已按身份证件号填写：出生日期 1949-12-31、性别 女')
    const checked = calls('check_record').map((c) => (c[1] as { draft: RecordDraft }).draft.fields)
    expect(checked[0]).toMatchObject({ birth_date: '1949-12-31', gender: '2' })
    await clickTestId('form-save')
    await settle()
    expect(saved[0]!.fields).toMatchObject({ birth_date: '1949-12-31', gender: '2' })
    expect(maybeTestId('form-filled-from-id')).toBeNull()
  })

  it('keeps a value 基本信息 holds where the ID number says otherwise (the 档案 may differ)', async () => {
    backend({ id_derived_values: () => FROM_ID })
    await mountForm()
    const note = byTestId('form-filled-from-id').textContent ?? ''
    expect(note).toContain('出生日期 1949-12-31')
    expect(note).not.toContain('性别')
    const checked = calls('check_record').map((c) => (c[1] as { draft: RecordDraft }).draft.fields)
    expect(checked[0]).toMatchObject({ gender: '1', birth_date: '1949-12-31' })
  })

  it('fills nothing and says nothing when the ID number gives nothing', async () => {
    backend({ id_derived_values: () => [] }, [])
    await mountForm()
    expect(maybeTestId('form-filled-from-id')).toBeNull()
  })

  it('asks nothing of the ID number for a 信息查询员, who cannot save', async () => {
    signInForTests(['teachers.view'])
    backend({ id_derived_values: () => FROM_ID }, [])
    await mountForm()
    expect(calls('id_derived_values')).toEqual([])
    expect(maybeTestId('form-filled-from-id')).toBeNull()
  })

  it('shows a problem from check_record under its field as the clerk types', async () => {
    backend({
      check_record: (args) =>
        (args!.draft as RecordDraft).fields.ethnicity === '01'
          ? [problem({ field: 'birth_date', field_label: '出生日期' })]
          : [],
    })
    await mountForm()
    expect(maybeTestId('field-problem-birth_date')).toBeNull()
    await pick('field-basic-ethnicity', '汉', '01 汉族')
    await wait(300)

    const shown = byTestId('field-problem-birth_date')
    expect(shown.textContent?.trim()).toBe('必填，不能为空')
    expect(shown.querySelector('.problem-line')!.classList.contains('error')).toBe(true)
    expect(shown.closest('[data-field-control]')!.classList.contains('has-error')).toBe(true)
  })

  it('waits for the clerk to pause before checking', async () => {
    backend()
    await mountForm()
    const before = calls('check_record').length
    await pick('field-basic-ethnicity', '汉', '01 汉族')
    expect(calls('check_record').length).toBe(before)
    await wait(300)
    expect(calls('check_record').length).toBe(before + 1)
  })

  it('shows a warning under its field in the warning style', async () => {
    backend({
      check_record: (): Problem[] => [problem({ field: 'gender', severity: 'warning', rule: 'gender_matches_id' })],
    })
    await mountForm()
    const shown = byTestId('field-problem-gender')
    expect(shown.textContent?.trim()).toBe('与身份证件号不一致')
    expect(shown.querySelector('.problem-line')!.classList.contains('warning')).toBe(true)
  })

  it('opens at the tab of the target group', async () => {
    backend({}, [STORED_BASIC, record('r-edu', 'education', { education: '21' })])
    await mountForm({ group: 'education', field: 'education', recordId: 'r-edu', rowOrder: 1 })
    await settle()
    expect(byTestId('form-tab-education').closest('.el-tabs__item')!.classList.contains('is-active')).toBe(true)
    expect(byTestId('field-education-education-0').closest('[data-field-control]')!.classList.contains('highlighted')).toBe(
      true,
    )
  })

  it('shows a multi-record group as a table with a column per field and a row per record', async () => {
    backend({}, [
      STORED_BASIC,
      record('r-edu-1', 'education', { education: '14' }, { row_order: 1 }),
      record('r-edu-2', 'education', { education: '21' }, { row_order: 2 }),
    ])
    await mountForm()
    await clickTestId('form-tab-education')
    const table = byTestId('record-table-education')
    const headers = Array.from(table.querySelectorAll('th')).map((th) => th.textContent?.trim())
    for (const field of EDUCATION.fields) expect(headers.some((h) => h?.startsWith(field.label))).toBe(true)
    expect(table.querySelectorAll('tbody tr')).toHaveLength(2)
    expect(maybeTestId('field-education-study_years-1')).not.toBeNull()
  })

  it('saves a row added to a multi-record group as a new record', async () => {
    const saved: RecordDraft[] = []
    backend({
      save_record: (args) => {
        const draft = args!.draft as RecordDraft
        saved.push(draft)
        return record('r-new', 'education', draft.fields, { version: 1 })
      },
    })
    await mountForm()
    await clickTestId('form-tab-education')
    await clickTestId('add-row-education')
    await pick('field-education-education-0', '本科', '21 大学本科毕业')
    await clickTestId('form-save')
    await settle()
    expect(saved).toEqual([
      { teacher_id: TEACHER.id, group: 'education', record_id: null, expected_version: null, fields: { education: '21' } },
    ])
  })

  it('deletes a saved row of a multi-record group once the clerk confirms', async () => {
    backend({ delete_record: () => null }, [STORED_BASIC, record('r-edu', 'education', { education: '21' })])
    await mountForm()
    await clickTestId('form-tab-education')
    await clickTestId('delete-row-education-0')
    await wait(50)
    const confirm = document.body.querySelector<HTMLElement>('.el-message-box .el-button--primary')!
    expect(document.body.querySelector('.el-message-box')!.textContent).toContain('第 1 条')
    confirm.click()
    await wait(50)
    expect(calls('delete_record')).toEqual([['delete_record', { recordId: 'r-edu' }]])
    expect(maybeTestId('field-education-education-0')).toBeNull()
  })

  it('asks before leaving a teacher with unsaved changes', async () => {
    backend()
    openTeacher(TEACHER)
    await mountForm()
    await pick('field-basic-ethnicity', '汉', '01 汉族')
    await clickTestId('form-back')
    await settle()
    expect(document.body.querySelector('.el-message-box')?.textContent).toContain('基本信息')
    expect(useSession().view.value).toBe('form')
  })

  it('leaves at once for the screen it was opened from when nothing changed', async () => {
    backend()
    showValidation()
    openTeacher(TEACHER)
    await mountForm()
    await clickTestId('form-back')
    expect(useSession().view.value).toBe('validation')
  })

  it('opens the sheets page for this teacher from 打印确认表', async () => {
    backend()
    openTeacher(TEACHER)
    await mountForm()
    await clickTestId('form-print-sheet')
    expect(useSession().view.value).toBe('sheets')
    expect(useSession().sheetsFor.value).toEqual([TEACHER])
  })

  it('asks to save before printing a teacher with unsaved changes', async () => {
    backend()
    openTeacher(TEACHER)
    await mountForm()
    await pick('field-basic-ethnicity', '汉', '01 汉族')
    await clickTestId('form-print-sheet')
    await settle()
    expect(document.body.querySelector('.el-message')?.textContent).toContain('请先保存再打印')
    expect(useSession().view.value).toBe('form')
  })
  it('lists the values an import could not read, with what the roster had', async () => {
    backend({ pending_values: () => [PENDING] }, [record('r-basic', 'basic', { gender: '1' })])
    const w = await mountForm()
    const items = w.findAll('[data-testid="form-pending-item"]')
    expect(items).toHaveLength(1)
    expect(items[0]?.text()).toContain('火星族')
    expect(items[0]?.text()).toContain('第 2 行 C 列')
  })

  it('clears a pending value the clerk has checked', async () => {
    backend({ pending_values: () => [PENDING], clear_pending_value: () => null }, [record('r-basic', 'basic', { gender: '1' })])
    const w = await mountForm()
    await w.find('[data-testid="form-pending-clear"]').trigger('click')
    await settle()
    expect(calls('clear_pending_value')[0]?.[1]).toEqual({ id: 'p1' })
    expect(w.find('[data-testid="form-pending"]').exists()).toBe(false)
  })

  it('hides a pending value once its field holds a value', async () => {
    backend({ pending_values: () => [PENDING] }, [record('r-basic', 'basic', { gender: '1', ethnicity: '01' })])
    const w = await mountForm()
    expect(w.find('[data-testid="form-pending"]').exists()).toBe(false)
  })
})

// ----- 在职情况变动 -----

/** Types into a textarea (typeInto finds inputs). */
async function typeText(testid: string, value: string): Promise<void> {
  const el = byTestId(testid)
  const area = el instanceof HTMLTextAreaElement ? el : el.querySelector('textarea')
  if (!area) throw new Error(`no textarea in [data-testid="${testid}"]`)
  area.value = value
  area.dispatchEvent(new Event('input'))
  await settle()
}

const STATUS_TABLE = {
  id: 'personnel_status',
  name: '人员状态',
  name_en: 'Personnel status',
  source: null,
  confirmed: true,
  none_code: null,
  none_words: null,
  code: [
    { code: '100', name: '在本单位任职', name_en: 'In post', synonyms: [], parent: null, selectable: true, sets: 'all', confirmed: true },
    { code: '204', name: '进修', name_en: 'Further study', synonyms: [], parent: null, selectable: true, sets: 'all', confirmed: true },
    { code: '301', name: '退休', name_en: 'Retired', synonyms: [], parent: null, selectable: true, sets: 'all', confirmed: true },
  ],
} as unknown as CodeTable

/** The catalog with 人员状态 in 基本信息. */
const STATUS_CATALOG: EffectiveCatalog = {
  ...CATALOG,
  groups: [
    { ...BASIC, fields: [...BASIC.fields, field('personnel_status', '人员状态', 'code', { required: true, code_table: 'personnel_status' })] },
    EDUCATION,
  ],
  code_tables: [...CATALOG.code_tables, STATUS_TABLE],
}

function statusEvent(partial: Partial<StatusEvent>): StatusEvent {
  return {
    id: 'e1',
    teacher_id: TEACHER.id,
    status: '100',
    effective_date: '2025-01-01',
    reason: '',
    evidence: null,
    kind: 'initial',
    state: 'in_effect',
    decision_note: null,
    decided_at: null,
    created_at: '2026-09-01T08:00:00Z',
    created_by: '王老师',
    ...partial,
  }
}

const IN_POST: StatusTimeline = {
  teacher_id: TEACHER.id,
  current: '100',
  on_roster: true,
  pending: null,
  locks: [],
  events: [statusEvent({})],
}

describe('TeacherForm status changes', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  function statusBackend(timeline: StatusTimeline, overrides: Handlers = {}): void {
    backend(
      { school_catalog: () => STATUS_CATALOG, status_timeline: () => timeline, ...overrides },
      [record('r-basic', 'basic', { gender: '1', personnel_status: timeline.current })],
    )
  }

  it('shows 人员状态 read-only once the teacher has one, saying it changes through 变动', async () => {
    statusBackend(IN_POST)
    await mountForm()
    expect(inputOf('field-basic-personnel_status').disabled).toBe(true)
    expect(document.body.textContent).toContain('人员状态通过「变动」修改')
  })

  it('lists the status history newest first in its own tab', async () => {
    const pending = statusEvent({ id: 'e3', status: '301', kind: 'change', state: 'pending', reason: '到龄退休', evidence: '文号12', effective_date: '2026-08-31' })
    statusBackend({
      ...IN_POST,
      pending,
      events: [statusEvent({}), statusEvent({ id: 'e2', status: '204', kind: 'change', reason: '进修', effective_date: '2026-03-01' }), pending],
    })
    await mountForm()
    await clickTestId('form-tab-status-history')
    const states = Array.from(document.querySelectorAll('[data-testid="status-event-state"]')).map((e) => e.textContent?.trim())
    expect(states).toEqual(['待上级审核', '已生效', '建档时'])
    expect(byTestId('status-timeline').textContent).toContain('301 退休')
    expect(byTestId('status-timeline').textContent).toContain('证明材料：文号12')
    expect(byTestId('form-status-pending').textContent).toContain('301 退休')
  })

  it('changes the status through the 变动 dialog with its date, reason and evidence', async () => {
    const saved: NewStatusChange[] = []
    statusBackend(IN_POST, {
      status_rules: () => [{ code: '301', on_roster: false, approval: 'county', evidence: true, locks: ['*'] }],
      change_status: (args) => {
        const change = (args as { change: NewStatusChange }).change
        saved.push(change)
        return statusEvent({ id: 'e9', status: change.status, kind: 'change', state: 'pending' })
      },
    })
    await mountForm()
    await clickTestId('form-status-change')
    expect(byTestId('status-current').textContent).toContain('100 在本单位任职')
    await pick('status-to', '301', '301')
    expect(byTestId('status-rule').textContent).toContain('需上级审核')
    await typeText('status-reason', '到龄退休')
    await clickTestId('status-save')
    expect(byTestId('status-error').textContent).toContain('请填写证明材料')
    expect(saved).toEqual([])
    await typeInto('status-evidence', '桃教人〔2026〕12号')
    await clickTestId('status-save')
    expect(saved).toHaveLength(1)
    expect(saved[0]).toMatchObject({ teacher_id: TEACHER.id, status: '301', reason: '到龄退休', evidence: '桃教人〔2026〕12号' })
    expect(saved[0]?.effective_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  })

  it('shows a departed teacher’s information as locked', async () => {
    statusBackend({ ...IN_POST, current: '301', on_roster: false, locks: ['*'] })
    await mountForm()
    expect(byTestId('form-status-locked').textContent).toContain('信息已锁定')
    expect(inputOf('field-basic-ethnicity').disabled).toBe(true)
  })
})

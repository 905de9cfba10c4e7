import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Problem, School, SignoffState, Teacher, ValidationReport } from '../src/bindings'
import ValidationPage from '../src/components/ValidationPage.vue'
import { resetSession, setSchool, showValidation, useSession } from '../src/session'
import { CATALOG, TEACHER, problem } from './fakeCatalog'
import { byTestId, clickTestId, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const SCHOOL: School = {
  code: '1234567890',
  name: '桃李小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: CATALOG.set,
  province_code: null,
  city_code: null,
  county_code: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

const LI_SI: Teacher = { ...TEACHER, id: 't-2', name: '李四', id_number: '110105194912310038' }

const PROBLEMS: Problem[] = [
  problem({ field: 'gender', field_label: '性别' }),
  problem({ field: 'gender', field_label: '性别', severity: 'warning', rule: 'gender_matches_id' }),
  problem({
    teacher_id: LI_SI.id,
    teacher_name: LI_SI.name,
    group: 'education',
    field: 'education',
    field_label: '获得学历',
    record_id: 'r-edu',
    row_order: 1,
  }),
]

function report(problems: Problem[]): ValidationReport {
  const errors = problems.filter((p) => p.severity === 'error').length
  const explained = problems.filter((p) => p.severity === 'warning' && p.reason).length
  return { set: 'primary_secondary', teachers: 2, errors, warnings: problems.length - errors, explained, problems }
}

/** A warning of a multi-record group: a row and a field to name. */
const ROW_WARNING = problem({
  teacher_id: LI_SI.id,
  teacher_name: LI_SI.name,
  group: 'education',
  field: 'study_years',
  field_label: '学制',
  record_id: 'r-edu',
  row_order: 2,
  severity: 'warning',
  rule: 'study_years_usual',
})

const STALE: SignoffState = {
  state: 'stale',
  signed: 'aaaaaaaaaaaa',
  current: 'bbbbbbbbbbbb',
  signed_by: '王老师',
  signed_at: '2026-11-20T08:00:00Z',
}

function backend(
  problems: Problem[] = PROBLEMS,
  signoffs: Record<string, SignoffState> = { [TEACHER.id]: { state: 'none' }, [LI_SI.id]: { state: 'none' } },
): void {
  routeInvoke(invoke, {
    validate_school: () => report(problems),
    signoff_states: () => signoffs,
    list_teachers: () => ({ teachers: [TEACHER, LI_SI], total: 2 }),
    school_catalog: () => CATALOG,
  })
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage() {
  wrapper = mount(ValidationPage, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

/** The explain dialog's textarea (Element Plus puts the test id on the control itself). */
function reasonBox(): HTMLTextAreaElement {
  const el = byTestId('explain-reason')
  return (el instanceof HTMLTextAreaElement ? el : el.querySelector('textarea'))!
}

function rowTexts(): string[] {
  return Array.from(document.body.querySelectorAll('[data-testid="problem-row"]')).map((el) => el.textContent ?? '')
}

async function chooseGroup(label: string): Promise<void> {
  const option = Array.from(document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')).find(
    (li) => li.textContent?.trim() === label,
  )
  if (!option) throw new Error(`no group option ${label}`)
  option.click()
  await settle()
}

describe('ValidationPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    setSchool(SCHOOL)
    signInForTests()
    showValidation()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('shows the totals of the report', async () => {
    backend()
    await mountPage()
    expect(byTestId('validation-summary').textContent).toBe('共 2 位教师：2 个错误，1 个提醒')
  })

  it('lists every problem with its full message, grouped by teacher', async () => {
    backend()
    await mountPage()
    expect(rowTexts()).toHaveLength(3)
    expect(rowTexts()[0]).toContain('张三 · 基本信息 · 性别：必填，不能为空')
    const teachers = Array.from(document.body.querySelectorAll('[data-testid="problem-teacher"]'))
    expect(teachers.map((el) => el.querySelector('.teacher-name')?.textContent)).toEqual(['张三', '李四'])
  })

  it('filters the problems by severity', async () => {
    backend()
    await mountPage()
    await clickTestId('filter-severity-warning')
    expect(rowTexts()).toHaveLength(1)
    expect(rowTexts()[0]).toContain('与身份证件号不一致')
    await clickTestId('filter-severity-error')
    expect(rowTexts()).toHaveLength(2)
  })

  it('counts a teacher\'s errors even while only warnings are shown', async () => {
    backend()
    await mountPage()
    await clickTestId('filter-severity-warning')
    const header = document.body.querySelector('[data-testid="problem-teacher"]')
    expect(header?.textContent).toContain('1 个错误')
  })

  it('filters the problems by group', async () => {
    backend()
    await mountPage()
    await chooseGroup('学习经历')
    expect(rowTexts()).toHaveLength(1)
    expect(rowTexts()[0]).toContain('李四 · 学习经历')
  })

  it('opens the teacher form at the group, row and field of a clicked problem', async () => {
    backend()
    await mountPage()
    const row = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="problem-row"]')).find((el) =>
      el.textContent?.includes('李四'),
    )!
    row.click()
    await settle()
    const session = useSession()
    expect(session.view.value).toBe('form')
    expect(session.teacher.value).toEqual(LI_SI)
    expect(session.target.value).toEqual({ group: 'education', field: 'education', recordId: 'r-edu', rowOrder: 1 })
    expect(session.formReturn.value).toBe('validation')
  })

  it('says so when there is no problem', async () => {
    backend([])
    await mountPage()
    expect(byTestId('validation-empty').textContent).toContain('没有发现问题')
    expect(maybeTestId('problem-row')).toBeNull()
  })

  it('asks the back end again on 重新校验', async () => {
    backend()
    await mountPage()
    routeInvoke(invoke, {
      validate_school: () => report([]),
      list_teachers: () => ({ teachers: [TEACHER, LI_SI], total: 2 }),
    })
    await clickTestId('validation-rerun')
    expect(byTestId('validation-summary').textContent).toBe('共 2 位教师：0 个错误，0 个提醒')
    expect(maybeTestId('validation-empty')).not.toBeNull()
  })

  it('counts the explained warnings in the summary', async () => {
    backend([...PROBLEMS, { ...ROW_WARNING, reason: '以学籍档案为准' }])
    await mountPage()
    expect(byTestId('validation-summary').textContent).toBe('共 2 位教师：2 个错误，2 个提醒（其中 1 个已说明理由）')
  })

  it('offers a reason for warnings only', async () => {
    backend()
    await mountPage()
    const rows = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="problem-row"]'))
    const withButton = rows.filter((row) => row.querySelector('[data-testid="explain-warning"]'))
    expect(withButton).toHaveLength(1)
    expect(withButton[0]!.textContent).toContain('与身份证件号不一致')
    expect(withButton[0]!.querySelector('[data-testid="explain-warning"]')!.textContent?.trim()).toBe('填写理由')
  })

  it('shows the reason of an explained warning and offers to change it', async () => {
    backend([{ ...ROW_WARNING, reason: '以学籍档案为准' }])
    await mountPage()
    expect(byTestId('problem-reason').textContent?.trim()).toBe('已说明：以学籍档案为准')
    expect(byTestId('explain-warning').textContent?.trim()).toBe('修改理由')
    await clickTestId('explain-warning')
    expect(reasonBox().value).toBe('以学籍档案为准')
  })

  it('sends the reason with the warning it names and checks again', async () => {
    let explained: Record<string, unknown> | undefined
    let problems: Problem[] = [...PROBLEMS, ROW_WARNING]
    routeInvoke(invoke, {
      validate_school: () => report(problems),
      list_teachers: () => ({ teachers: [TEACHER, LI_SI], total: 2 }),
      school_catalog: () => CATALOG,
      explain_warning: (args) => {
        explained = args
        problems = problems.map((p) => (p === ROW_WARNING ? { ...p, reason: String(args?.reason) } : p))
        return null
      },
    })
    await mountPage()
    const validations = () => invoke.mock.calls.filter(([cmd]) => cmd === 'validate_school').length
    expect(validations()).toBe(1)

    const row = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="problem-row"]')).find((el) =>
      el.textContent?.includes('学制'),
    )!
    row.querySelector<HTMLElement>('[data-testid="explain-warning"]')!.click()
    await settle()
    expect(useSession().view.value).toBe('validation')
    expect(byTestId('explain-dialog').textContent).toContain('李四 · 学习经历 · 学制')

    const textarea = reasonBox()
    textarea.value = '  五年制大专  '
    textarea.dispatchEvent(new Event('input'))
    await settle()
    await clickTestId('explain-submit')

    expect(explained).toEqual({
      teacherId: LI_SI.id,
      rule: 'study_years_usual',
      field: 'study_years',
      rowOrder: 2,
      reason: '五年制大专',
    })
    expect(validations()).toBe(2)
    expect(byTestId('validation-summary').textContent).toContain('（其中 1 个已说明理由）')
    expect(byTestId('problem-reason').textContent?.trim()).toBe('已说明：五年制大专')
  })

  it('passes null for a warning without a field or row', async () => {
    const schoolWide = problem({ severity: 'warning', rule: 'record_set_rule', field: null, field_label: null, row_order: null })
    let explained: Record<string, unknown> | undefined
    routeInvoke(invoke, {
      validate_school: () => report([schoolWide]),
      list_teachers: () => ({ teachers: [TEACHER, LI_SI], total: 2 }),
      school_catalog: () => CATALOG,
      explain_warning: (args) => {
        explained = args
        return null
      },
    })
    await mountPage()
    await clickTestId('explain-warning')
    const textarea = reasonBox()
    textarea.value = '已核对'
    textarea.dispatchEvent(new Event('input'))
    await settle()
    await clickTestId('explain-submit')
    expect(explained).toEqual({ teacherId: TEACHER.id, rule: 'record_set_rule', field: null, rowOrder: null, reason: '已核对' })
  })

  it('shows the back end’s refusal in the dialog and keeps it open', async () => {
    routeInvoke(invoke, {
      validate_school: () => report(PROBLEMS),
      list_teachers: () => ({ teachers: [TEACHER, LI_SI], total: 2 }),
      school_catalog: () => CATALOG,
      explain_warning: () =>
        Promise.reject({ code: 'warning_gone', kind: 'user', message: '这条提醒已经不存在了，请重新校验' }),
    })
    await mountPage()
    await clickTestId('explain-warning')
    const textarea = reasonBox()
    textarea.value = '以人事档案为准'
    textarea.dispatchEvent(new Event('input'))
    await settle()
    await clickTestId('explain-submit')
    expect(byTestId('explain-error').textContent).toContain('这条提醒已经不存在了')
    expect(byTestId('explain-dialog').isConnected).toBe(true)
    expect(reasonBox().value).toBe('以人事档案为准')
  })

  it('asks for a reason before sending an empty one', async () => {
    backend()
    await mountPage()
    await clickTestId('explain-warning')
    await clickTestId('explain-submit')
    expect(invoke.mock.calls.some(([cmd]) => cmd === 'explain_warning')).toBe(false)
    expect(byTestId('explain-error').textContent).toContain('请填写理由')
  })

  it('lists the teachers whose information changed after they signed', async () => {
    backend(PROBLEMS, { [TEACHER.id]: { state: 'none' }, [LI_SI.id]: STALE })
    await mountPage()
    expect(byTestId('validation-stale-signoffs').textContent).toContain('1 位教师签字后信息有改动')
    const names = Array.from(document.body.querySelectorAll('[data-testid="validation-stale-teacher"]'))
    expect(names.map((el) => el.textContent?.trim())).toEqual(['李四'])
  })

  it('shows no sign-off note when no sign-off is stale', async () => {
    backend(PROBLEMS, {
      [TEACHER.id]: { state: 'signed', current: 'aaaaaaaaaaaa', signed_by: '王老师', signed_at: '2026-11-20T08:00:00Z' },
      [LI_SI.id]: { state: 'none' },
    })
    await mountPage()
    expect(maybeTestId('validation-stale-signoffs')).toBeNull()
  })

  it('shows the stale sign-offs even when there is no problem', async () => {
    backend([], { [TEACHER.id]: STALE, [LI_SI.id]: { state: 'none' } })
    await mountPage()
    expect(maybeTestId('validation-empty')).not.toBeNull()
    expect(maybeTestId('validation-stale-signoffs')).not.toBeNull()
  })

  it('opens the sheets page for the stale teachers on 重新打印', async () => {
    backend(PROBLEMS, { [TEACHER.id]: STALE, [LI_SI.id]: STALE })
    await mountPage()
    await clickTestId('validation-stale-reprint')
    const session = useSession()
    expect(session.view.value).toBe('sheets')
    expect(session.sheetsFor.value.map((t) => t.name)).toEqual(['张三', '李四'])
  })

  it('opens a stale teacher’s form from the note', async () => {
    backend(PROBLEMS, { [TEACHER.id]: { state: 'none' }, [LI_SI.id]: STALE })
    await mountPage()
    await clickTestId('validation-stale-teacher')
    const session = useSession()
    expect(session.view.value).toBe('form')
    expect(session.teacher.value?.id).toBe(LI_SI.id)
  })
})

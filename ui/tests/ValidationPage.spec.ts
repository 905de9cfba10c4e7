import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Problem, School, Teacher, ValidationReport } from '../src/bindings'
import ValidationPage from '../src/components/ValidationPage.vue'
import { resetSession, setSchool, showValidation, useSession } from '../src/session'
import { CATALOG, TEACHER, problem } from './fakeCatalog'
import { byTestId, clickTestId, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese } from './helpers'

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
  return { set: 'primary_secondary', teachers: 2, errors, warnings: problems.length - errors, explained: 0, problems }
}

function backend(problems: Problem[] = PROBLEMS): void {
  routeInvoke(invoke, {
    validate_school: () => report(problems),
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
    setSchool(SCHOOL)
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
})

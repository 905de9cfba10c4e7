import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditEntry, AuditPage as AuditLog, AuditQuery, School } from '../src/bindings'
import AuditPage from '../src/components/AuditPage.vue'
import { openTeacher, resetSession, setSchool, showAudit, useSession } from '../src/session'
import { CATALOG, TEACHER } from './fakeCatalog'
import { byTestId, clickTestId, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const dialog = vi.hoisted(() => ({ save: vi.fn() }))
vi.mock('@tauri-apps/plugin-dialog', () => dialog)

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

function entry(id: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    part: 0,
    at: '2026-11-22T02:00:00.000Z',
    actor: '王老师',
    operation: 'record',
    action: 'update',
    teacher_id: TEACHER.id,
    teacher_name: '张三',
    subject: '基本信息',
    changes: [{ path: '民族', before: '汉族', after: '回族' }],
    hash: 'a'.repeat(64),
    ...extra,
  }
}

const LOG: AuditLog = { entries: [entry(2), entry(1, { operation: 'teacher', action: 'create', changes: [] })], total: 2, actors: ['王老师'] }

let queries: AuditQuery[] = []

function backend(overrides: Record<string, (args?: Record<string, unknown>) => unknown> = {}): void {
  queries = []
  routeInvoke(invoke, {
    audit_log: (args) => {
      queries.push((args as { query: AuditQuery }).query)
      return LOG
    },
    list_teachers: () => ({ teachers: [TEACHER], total: 1 }),
    audit_verify: () => ({ entries: 2, head: 'b'.repeat(64), broken: null }),
    audit_file_name: () => '桃李小学-操作记录.csv',
    audit_export: (args) => (args as { path: string }).path,
    ...overrides,
  })
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage() {
  wrapper = mount(AuditPage, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

describe('AuditPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    setSchool(SCHOOL)
    signInForTests()
    useChinese()
    invoke.mockReset()
    dialog.save.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('lists the entries newest first with what changed from what to what', async () => {
    showAudit()
    backend()
    await mountPage()
    const ops = Array.from(document.body.querySelectorAll('[data-testid="audit-row-operation"]')).map((e) => e.textContent)
    expect(ops).toEqual(['信息记录 · 修改', '教师 · 新增'])
    expect(byTestId('audit-row-changes').textContent).toContain('民族：汉族 → 回族')
    expect(byTestId('audit-summary').textContent).toBe('共 2 条')
  })

  it('lists an import, and under it each teacher it wrote with the group of each change', async () => {
    showAudit()
    const imported = (part: number, name: string) =>
      entry(7, { part, operation: 'import', action: 'create', teacher_name: name, subject: '花名册.xlsx', changes: [{ path: '基本信息 · 民族', before: null, after: '汉族' }] })
    backend({
      audit_log: () => ({
        entries: [imported(2, '李四'), imported(1, '张三'), entry(7, { operation: 'import', action: 'create', teacher_name: null, subject: '花名册.xlsx', changes: [] })],
        total: 3,
        actors: ['王老师'],
      }),
    })
    await mountPage()
    const teachers = Array.from(document.body.querySelectorAll('[data-testid="audit-row-teacher"]')).map((e) => e.textContent)
    expect(teachers).toEqual(['李四', '张三', ''])
    const ops = Array.from(document.body.querySelectorAll('[data-testid="audit-row-operation"]')).map((e) => e.textContent)
    expect(ops).toEqual(['导入花名册 · 新增', '导入花名册 · 新增', '导入花名册 · 新增'])
    expect(byTestId('audit-row-changes').textContent).toContain('基本信息 · 民族：（空） → 汉族')
  })

  it('asks for the first page of everything', async () => {
    showAudit()
    backend()
    await mountPage()
    expect(queries[0]).toEqual({ teacher_id: null, actor: null, operation: null, from: null, to: null, offset: 0, limit: 50, locale: 'zh-CN' })
  })

  it('opens narrowed to the teacher it was opened for', async () => {
    openTeacher(TEACHER)
    showAudit(TEACHER)
    backend()
    await mountPage()
    expect(queries[0]?.teacher_id).toBe(TEACHER.id)
  })

  it('says the trail is intact after 核验', async () => {
    showAudit()
    backend()
    await mountPage()
    await clickTestId('audit-verify')
    await settle()
    expect(byTestId('audit-intact').textContent).toContain('操作记录完整：共 2 条，未被改动。')
  })

  it('names where the chain breaks when the trail was tampered with', async () => {
    showAudit()
    backend({
      audit_verify: () => ({ entries: 5, head: null, broken: { id: 3, at: null, reason: { kind: 'missing_or_altered', first: 2, last: 2 } } }),
    })
    await mountPage()
    await clickTestId('audit-verify')
    await settle()
    expect(byTestId('audit-broken').textContent).toContain('第 3 条处校验链断开')
    expect(byTestId('audit-break-reason').textContent).toBe('第 2 至 2 条记录缺失，或这条记录被改动过')
    expect(maybeTestId('audit-intact')).toBeNull()
  })

  it('exports every matching entry, not just the page, to the file chosen', async () => {
    showAudit()
    backend()
    dialog.save.mockResolvedValue('/home/clerk/操作记录.csv')
    await mountPage()
    await clickTestId('audit-export')
    await settle()
    expect(dialog.save).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: '桃李小学-操作记录.csv' }))
    expect(invoke).toHaveBeenCalledWith('audit_export', {
      query: { teacher_id: null, actor: null, operation: null, from: null, to: null, offset: 0, limit: 0, locale: 'zh-CN' },
      path: '/home/clerk/操作记录.csv',
    })
  })

  it('writes nothing when the save dialog is cancelled', async () => {
    showAudit()
    backend()
    dialog.save.mockResolvedValue(null)
    await mountPage()
    await clickTestId('audit-export')
    await settle()
    expect(invoke).not.toHaveBeenCalledWith('audit_export', expect.anything())
  })

  it('shows the back end’s refusal', async () => {
    showAudit()
    backend({
      audit_log: () => {
        throw { code: 'audit.date_invalid', kind: 'user', message: '日期「2026/3/31」的格式不对。' }
      },
    })
    await mountPage()
    expect(byTestId('audit-error').textContent).toContain('格式不对')
  })

  it('returns to the list it came from', async () => {
    showAudit()
    backend()
    await mountPage()
    await clickTestId('audit-back')
    expect(useSession().view.value).toBe('list')
  })
})

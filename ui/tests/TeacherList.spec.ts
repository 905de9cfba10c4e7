import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { School, SignoffState, Teacher } from '../src/bindings'
import TeacherList from '../src/components/TeacherList.vue'
import { resetSession, setSchool, useSession } from '../src/session'
import { plugins, settle, useChinese, signInForTests } from './helpers'
import { EFFECTIVE, RETURNED, pass, status } from './outboxFixtures'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const dialog = vi.hoisted(() => ({ save: vi.fn() }))
vi.mock('@tauri-apps/plugin-dialog', () => dialog)
const events = vi.hoisted(() => ({ syncPass: null as ((event: { payload: unknown }) => void) | null }))
vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(async (name: string, handler: (event: { payload: unknown }) => void) => {
    if (name === 'sync-pass') events.syncPass = handler
    return () => {
      if (events.syncPass === handler) events.syncPass = null
    }
  }),
}))

const SCHOOL: School = {
  code: '1234567890',
  name: '桃李小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: { id: 'primary_secondary', name: '中小学', name_en: 'Primary and secondary', confirmed: true },
  province_code: null,
  city_code: null,
  county_code: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

function teacher(name: string, idNumber: string): Teacher {
  return {
    id: `id-${idNumber}`,
    name,
    id_type: '1',
    id_type_name: '居民身份证',
    id_number: idNumber,
    version: 1,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-01T00:00:00Z',
  }
}

const ALL = [teacher('张三', '11010519491231002X'), teacher('李四', '110105194912310038')]
/** The pairs find_duplicates gives (none unless a test sets them). */
let DUPLICATES: unknown[] = []

/** A teacher who retired: off the roster, listed under 离校教师. */
const LEFT = teacher('王五', '110105195001010019')

const STATUS_TABLE = {
  id: 'personnel_status',
  name: '人员状态',
  name_en: 'Personnel status',
  code: [{ code: '301', name: '退休', name_en: 'Retired', synonyms: [], parent: '300', selectable: true, confirmed: true }],
}

/** 张三 signed and unchanged; 李四 changed since signing. */
const SIGNOFFS: Record<string, SignoffState> = {
  [ALL[0]!.id]: { state: 'signed', current: 'aaaaaaaaaaaa', signed_by: '王老师', signed_at: '2026-11-20T08:00:00Z' },
  [ALL[1]!.id]: {
    state: 'stale',
    signed: 'aaaaaaaaaaaa',
    current: 'bbbbbbbbbbbb',
    signed_by: '王老师',
    signed_at: '2026-11-20T08:00:00Z',
  },
}

let wrapper: ReturnType<typeof mount> | undefined

describe('TeacherList', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    useChinese()
    invoke.mockReset()
    invoke.mockImplementation(async (cmd: string, args?: { query: string }) => {
      if (cmd === 'list_roster') {
        const filter = (args as unknown as { filter: string }).filter
        const departures = [{ teacher_id: LEFT.id, status: '301', effective_date: '2026-08-31', reason: '到龄退休', evidence: '桃教人〔2026〕12号' }]
        if (filter === 'departed') return { teachers: [LEFT], total: 1, departed: 1, departures }
        const teachers = args?.query ? ALL.filter((t) => t.name === '张三') : ALL
        return { teachers, total: ALL.length, departed: 1, departures: [] }
      }
      if (cmd === 'school_catalog') return { code_tables: [STATUS_TABLE], groups: [] }
      if (cmd === 'id_types') return []
      if (cmd === 'find_duplicates') return DUPLICATES
      if (cmd === 'signoff_states') return SIGNOFFS
      if (cmd === 'outbox_status') return status({ teachers: [RETURNED, EFFECTIVE] })
      if (cmd === 'signoff_info') {
        const id = (args as unknown as { teacherId: string }).teacherId
        return { teacher_id: id, state: SIGNOFFS[id], prints: [] }
      }
      if (cmd === 'export_file_name') return '桃李小学-教师数据.xlsx'
      if (cmd === 'export_file') return (args as unknown as { path: string }).path
      throw new Error(`unexpected command ${cmd}`)
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('shows its title and the teacher count (the school is named in the side menu)', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    expect(wrapper.find('[data-testid="list-title"]').text()).toBe('教师名单')
    expect(wrapper.find('[data-testid="teacher-count"]').text()).toBe('共 2 人')
  })

  it('hides what a 信息查询员 may not do: add, export, print', async () => {
    signInForTests(['teachers.view'])
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    for (const testid of ['add-teacher', 'export-open', 'print-sheets']) {
      expect(wrapper.find(`[data-testid="${testid}"]`).exists(), testid).toBe(false)
    }
    expect(wrapper.find('[data-testid="teacher-search"]').exists()).toBe(true)
  })

  it('leaves the other screens to the side menu: no buttons to them above the list', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    for (const testid of ['open-validation', 'open-submit', 'open-stats', 'open-audit', 'open-settings', 'import-open', 'close-school']) {
      expect(wrapper.find(`[data-testid="${testid}"]`).exists(), testid).toBe(false)
    }
  })

  it('asks the back end to search after the clerk stops typing and shows the filtered count', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    invoke.mockClear()
    await wrapper.find('[data-testid="teacher-search"]').setValue('zs')
    expect(invoke).not.toHaveBeenCalledWith('list_roster', expect.anything())
    await new Promise((resolve) => setTimeout(resolve, 200))
    await settle()
    expect(invoke).toHaveBeenCalledWith('list_roster', { query: 'zs', filter: 'on_roster', status: null })
    expect(wrapper.find('[data-testid="teacher-count"]').text()).toBe('显示 1 / 共 2 人')
  })

  it('says when teachers look registered twice', async () => {
    DUPLICATES = [{ first: ALL[0], second: { ...ALL[0], id: 'other', id_type: 'A' }, reason: 'same_id_number' }]
    try {
      wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
      await settle()
      expect(wrapper.find('[data-testid="duplicates-banner"]').text()).toContain('发现 1 组疑似重复登记的教师')
    } finally {
      DUPLICATES = []
    }
  })

  it('shows no duplicate notice when none look registered twice', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    expect(wrapper.find('[data-testid="duplicates-banner"]').exists()).toBe(false)
  })

  it('says how many teachers have left on the 离校教师 switch', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    expect(wrapper.find('[data-testid="roster-departed"]').text()).toBe('离校教师（1）')
  })

  it('lists the departed with the status they left with, when and why', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    await wrapper.find('[data-testid="roster-departed"] input').setValue(true)
    await settle()
    await settle()
    expect(invoke).toHaveBeenCalledWith('list_roster', { query: '', filter: 'departed', status: null })
    expect(wrapper.findAll('[data-testid="teacher-row-name"]').map((n) => n.text())).toEqual(['王五'])
    expect(wrapper.find('[data-testid="teacher-row-departed"]').text()).toBe('301 退休')
    expect(wrapper.text()).toContain('到龄退休')
  })

  it('lists only the teachers in the 人员状态 chosen', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    const select = wrapper
      .findAllComponents({ name: 'ElSelect' })
      .find((c) => c.attributes('data-testid') === 'list-status-filter')
    expect(select).toBeTruthy()
    select?.vm.$emit('update:modelValue', '204')
    await settle()
    await settle()
    expect(invoke).toHaveBeenCalledWith('list_roster', { query: '', filter: 'on_roster', status: '204' })
  })

  it('opens a teacher’s form when the name is clicked', async () => {
    setSchool(SCHOOL)
    signInForTests()
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    const names = wrapper.findAll('[data-testid="teacher-row-name"]')
    expect(names.length).toBeGreaterThan(0)
    await names[1]!.trigger('click')
    expect(useSession().view.value).toBe('form')
    expect(useSession().teacher.value?.name).toBe(names[1]!.text())
  })

  it('exports the school’s data to the file the clerk chooses, proposing the school’s name', async () => {
    dialog.save.mockResolvedValue('/home/clerk/数据.xlsx')
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    wrapper.findComponent({ name: 'ElDropdown' }).vm.$emit('command', 'xlsx')
    await settle()
    expect(dialog.save).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: '桃李小学-教师数据.xlsx' }))
    expect(invoke).toHaveBeenCalledWith('export_file', { format: 'xlsx', group: null, path: '/home/clerk/数据.xlsx', style: 'taoli' })
  })

  it('exports 基本信息 as CSV', async () => {
    dialog.save.mockResolvedValue('/home/clerk/基本信息.csv')
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    wrapper.findComponent({ name: 'ElDropdown' }).vm.$emit('command', 'csv')
    await settle()
    expect(invoke).toHaveBeenCalledWith('export_file', { format: 'csv', group: 'basic', path: '/home/clerk/基本信息.csv', style: 'taoli' })
  })

  it('exports the school’s data in the national template form (代码-名称) when the clerk picks it', async () => {
    dialog.save.mockResolvedValue('/home/clerk/国家模板.xlsx')
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    wrapper.findComponent({ name: 'ElDropdown' }).vm.$emit('command', 'national-xlsx')
    await settle()
    expect(invoke).toHaveBeenCalledWith('export_file_name', { format: 'xlsx', style: 'national' })
    expect(invoke).toHaveBeenCalledWith('export_file', {
      format: 'xlsx',
      group: null,
      path: '/home/clerk/国家模板.xlsx',
      style: 'national',
    })
  })

  it('offers the national template form in the 导出 menu', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    const items = wrapper.findAllComponents({ name: 'ElDropdownItem' }).map((item) => item.text())
    expect(items).toContain('导入模板（国家模板格式）')
    expect(items).toContain('全校教师数据（国家模板格式）')
  })

  it('writes nothing when the clerk cancels the save dialog', async () => {
    dialog.save.mockResolvedValue(null)
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    wrapper.findComponent({ name: 'ElDropdown' }).vm.$emit('command', 'template')
    await settle()
    expect(invoke).not.toHaveBeenCalledWith('export_file', expect.anything())
  })

  it('shows each teacher’s sign-off state in the 确认表 column', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    const states = wrapper.findAll('[data-testid="teacher-row-signoff"]').map((el) => el.text())
    expect(states).toEqual(['已签字', '签字后有改动'])
  })

  it('prints everyone’s sheets when no teacher is ticked', async () => {
    setSchool(SCHOOL)
    signInForTests()
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    expect(wrapper.find('[data-testid="print-sheets"]').text()).toBe('打印确认表')
    await wrapper.find('[data-testid="print-sheets"]').trigger('click')
    expect(useSession().view.value).toBe('sheets')
    expect(useSession().sheetsFor.value).toEqual([])
  })

  it('prints only the ticked teachers’ sheets', async () => {
    setSchool(SCHOOL)
    signInForTests()
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    const boxes = wrapper.findAll('[data-testid="teacher-select"] input')
    await boxes[1]!.setValue(true)
    await settle()
    expect(wrapper.find('[data-testid="print-sheets"]').text()).toBe('打印确认表（已选 1 人）')
    await wrapper.find('[data-testid="print-sheets"]').trigger('click')
    expect(useSession().sheetsFor.value.map((t) => t.name)).toEqual(['李四'])
  })

  it('shows each teacher’s reporting status in the 报送 column', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    const states = wrapper.findAll('[data-testid="teacher-row-upload"]').map((el) => el.text())
    expect(states).toEqual(['已退回', '已生效'])
  })

  it('reads the reporting statuses again after a sync pass that changed something', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    invoke.mockClear()
    events.syncPass?.({ payload: pass({ changed: false }) })
    await settle()
    expect(invoke).not.toHaveBeenCalledWith('outbox_status')
    events.syncPass?.({ payload: pass({ changed: true }) })
    await settle()
    expect(invoke).toHaveBeenCalledWith('outbox_status')
  })

  it('stops listening to sync passes once it is gone', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins } })
    await settle()
    wrapper.unmount()
    wrapper = undefined
    expect(events.syncPass).toBeNull()
  })

  it('opens the sign-off dialog from a teacher’s 确认表 state', async () => {
    wrapper = mount(TeacherList, { props: { school: SCHOOL }, global: { plugins }, attachTo: document.body })
    await settle()
    await wrapper.findAll('[data-testid="teacher-row-signoff"]')[1]!.trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('signoff_info', { teacherId: ALL[1]!.id })
    expect(document.body.querySelector('[data-testid="signoff-dialog"]')?.textContent).toContain('登记签字：李四')
  })
})

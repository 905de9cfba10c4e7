import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WorkbenchPage from '../src/components/WorkbenchPage.vue'
import { resetSession, showHome, submitFilter, useSession, validationFilter } from '../src/session'
import { plugins, settle, signInForTests, useChinese } from './helpers'
import { pass } from './outboxFixtures'
import { summary } from './workbenchFixtures'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const events = vi.hoisted(() => ({ syncPass: null as ((event: { payload: unknown }) => void) | null }))
vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(async (name: string, handler: (event: { payload: unknown }) => void) => {
    if (name === 'sync-pass') events.syncPass = handler
    return () => {
      if (events.syncPass === handler) events.syncPass = null
    }
  }),
}))

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage() {
  wrapper = mount(WorkbenchPage, { global: { plugins } })
  await settle()
  return wrapper
}

const text = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`).text()

describe('WorkbenchPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    useChinese()
    showHome()
    invoke.mockReset()
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'workbench_summary') return summary()
      throw new Error(`unexpected command ${cmd}`)
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
  })

  it('asks the back end once for every figure', async () => {
    await mountPage()
    expect(invoke).toHaveBeenCalledTimes(1)
    expect(invoke).toHaveBeenCalledWith('workbench_summary')
  })

  it('shows the next deadline and the days left', async () => {
    await mountPage()
    expect(text('workbench-deadline-value')).toBe('还有 40 天')
    expect(text('workbench-deadline-hint')).toBe('2026-09-30 · 报送当年数据')
  })

  it('says when no teacher has an error', async () => {
    invoke.mockResolvedValue(summary({ completeness: { teachers: 30, without_errors: 30, with_errors: 0 } }))
    await mountPage()
    expect(text('workbench-completeness-hint')).toBe('全部教师都没有错误')
  })

  it('says a deadline due today', async () => {
    invoke.mockResolvedValue(summary({ deadline: { date: '2026-09-30', label: '报送', label_en: 'Report', days_left: 0 } }))
    await mountPage()
    expect(text('workbench-deadline-value')).toBe('今天截止')
  })

  it('shows completeness, sign-offs, unsent changes and returned records', async () => {
    await mountPage()
    expect(text('workbench-completeness-value')).toBe('27 / 30')
    expect(text('workbench-completeness-hint')).toBe('90% 的教师没有错误；3 位教师有错误要改正')
    expect(text('workbench-signoffs-value')).toBe('5 / 30')
    expect(text('workbench-signoffs-hint')).toBe('签字后有改动 1 人，未签字 24 人')
    expect(text('workbench-unsent-value')).toBe('120')
    expect(text('workbench-unsent-hint')).toBe('本校还没有登记上报')
    expect(text('workbench-returned-value')).toBe('0')
    expect(text('workbench-returned-hint')).toBe('没有被退回的记录')
  })

  it('opens the 校验 page filtered to errors from completeness', async () => {
    await mountPage()
    await wrapper!.find('[data-testid="workbench-completeness"]').trigger('click')
    expect(useSession().view.value).toBe('validation')
    expect(validationFilter().severity).toBe('error')
  })

  it('opens the 报送 page filtered to 已退回 from the returned records', async () => {
    await mountPage()
    await wrapper!.find('[data-testid="workbench-returned"]').trigger('click')
    expect(useSession().view.value).toBe('submit')
    expect(submitFilter()).toBe('returned')
  })

  it('opens the 报送 page filtered to 待上传 from the unsent changes', async () => {
    await mountPage()
    await wrapper!.find('[data-testid="workbench-unsent"]').trigger('click')
    expect(submitFilter()).toBe('pending')
  })

  it('opens the 信息确认表 page for everyone from the sign-offs', async () => {
    await mountPage()
    await wrapper!.find('[data-testid="workbench-signoffs"]').trigger('click')
    expect(useSession().view.value).toBe('sheets')
    expect(useSession().sheetsFor.value).toEqual([])
  })

  it('shows a 信息查询员 the sign-offs without a link to print', async () => {
    signInForTests(['teachers.view'])
    await mountPage()
    expect(wrapper!.find('[data-testid="workbench-signoffs"]').element.tagName).toBe('SPAN')
    expect(text('workbench-signoffs-value')).toBe('5 / 30')
  })

  it('makes each link a button reachable with the keyboard', async () => {
    await mountPage()
    for (const key of ['deadline', 'completeness', 'signoffs', 'unsent', 'returned']) {
      expect(wrapper!.find(`[data-testid="workbench-${key}"]`).element.tagName, key).toBe('BUTTON')
    }
  })

  it('says the back end’s error', async () => {
    invoke.mockRejectedValue({ code: 'app.no_school_open', kind: 'user', message: '没有打开的学校文件' })
    await mountPage()
    expect(text('workbench-error')).toContain('没有打开的学校文件')
  })

  it('reads the figures again after a sync pass that changed something', async () => {
    await mountPage()
    invoke.mockClear()
    events.syncPass?.({ payload: pass({ changed: false }) })
    await settle()
    expect(invoke).not.toHaveBeenCalled()
    events.syncPass?.({ payload: pass({ changed: true }) })
    await settle()
    expect(invoke).toHaveBeenCalledWith('workbench_summary')
  })
})

import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { School } from '../src/bindings'
import AppNav from '../src/components/AppNav.vue'
import { guardLeaving, resetSession, setSchool, showList, useSession } from '../src/session'
import { setReviewWaiting } from '../src/reviewWaiting'
import { ALL_PERMISSIONS, plugins, settle, signInForTests, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

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

let wrapper: ReturnType<typeof mount> | undefined

function mountNav() {
  wrapper = mount(AppNav, { global: { plugins }, attachTo: document.body })
  return wrapper
}

const entry = (testid: string) => wrapper!.find(`[data-testid="${testid}"]`)

describe('AppNav', () => {
  beforeEach(() => {
    resetSession()
    setSchool(SCHOOL)
    signInForTests()
    useChinese()
    invoke.mockReset()
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'close_school') return null
      throw new Error(`unexpected command ${cmd}`)
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('names the open school, its code and its type', async () => {
    mountNav()
    await settle()
    expect(entry('school-name').text()).toBe('桃李小学')
    expect(entry('school-code').text()).toBe('学校标识码 1234567890')
    expect(entry('school-type').text()).toBe('211 小学 · 中小学指标体系')
  })

  it('lists the screens in order, 工作台 first and highlighted after sign-in', async () => {
    mountNav()
    await settle()
    const labels = wrapper!.findAll('.el-menu-item').map((li) => li.text())
    expect(labels).toEqual(['工作台', '教师名单', '校验', '导入', '信息确认表', '报送', '统计', '操作记录', '设置'])
    expect(entry('nav-home').classes()).toContain('is-active')
    expect(entry('nav-home').attributes('aria-current')).toBe('page')
  })

  it('shows a 信息查询员 only the screens the role may use', async () => {
    signInForTests(['teachers.view'])
    mountNav()
    await settle()
    for (const testid of ['import-open', 'nav-sheets', 'open-audit']) {
      expect(entry(testid).exists(), testid).toBe(false)
    }
    expect(entry('open-validation').exists()).toBe(true)
  })

  it.each([
    ['nav-teachers', 'list'],
    ['open-validation', 'validation'],
    ['import-open', 'import'],
    ['nav-sheets', 'sheets'],
    ['open-submit', 'submit'],
    ['open-stats', 'stats'],
    ['open-audit', 'audit'],
    ['open-settings', 'settings'],
  ])('opens its screen when %s is clicked', async (testid, view) => {
    mountNav()
    await settle()
    await entry(testid).trigger('click')
    await settle()
    expect(useSession().view.value).toBe(view)
  })

  it('opens 信息确认表 for everyone, not a selection', async () => {
    mountNav()
    await settle()
    await entry('nav-sheets').trigger('click')
    await settle()
    expect(useSession().sheetsFor.value).toEqual([])
  })

  it('brings the 工作台 back from another screen', async () => {
    showList()
    mountNav()
    await settle()
    await entry('nav-home').trigger('click')
    await settle()
    expect(useSession().view.value).toBe('home')
  })

  it('is reachable with Tab: every entry is focusable', async () => {
    mountNav()
    await settle()
    for (const li of wrapper!.findAll('.el-menu-item')) expect(li.attributes('tabindex')).toBe('0')
  })

  it('opens an entry with Enter and with Space', async () => {
    mountNav()
    await settle()
    await entry('open-stats').trigger('keydown', { key: 'Enter' })
    await settle()
    expect(useSession().view.value).toBe('stats')
    await entry('open-validation').trigger('keydown', { key: ' ' })
    await settle()
    expect(useSession().view.value).toBe('validation')
  })

  it('moves the focus with the arrow keys, Home and End', async () => {
    mountNav()
    await settle()
    await entry('nav-home').trigger('keydown', { key: 'ArrowDown' })
    await settle()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('nav-teachers')
    await entry('nav-teachers').trigger('keydown', { key: 'End' })
    await settle()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('open-settings')
    await entry('open-settings').trigger('keydown', { key: 'ArrowDown' })
    await settle()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('nav-home')
    await entry('nav-home').trigger('keydown', { key: 'ArrowUp' })
    await settle()
    expect(document.activeElement?.getAttribute('data-testid')).toBe('open-settings')
  })

  it('stays when the screen shown will not let the clerk go (unsaved changes)', async () => {
    showList()
    const stop = guardLeaving(async () => false)
    mountNav()
    await settle()
    await entry('open-stats').trigger('click')
    await settle()
    expect(useSession().view.value).toBe('list')
    stop()
    await entry('open-stats').trigger('click')
    await settle()
    expect(useSession().view.value).toBe('stats')
  })

  it('closes the school and clears the session', async () => {
    mountNav()
    await settle()
    await entry('close-school').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('close_school')
    expect(useSession().school.value).toBeNull()
  })

  describe('the 待审核 count', () => {
    const REVIEWER = [...ALL_PERMISSIONS, 'batches.review' as const]

    function reviewStatus(waiting: boolean) {
      return {
        required: true,
        waiting: waiting
          ? { batch_id: 'b-3', sequence: 3, record_count: 2, submitted_at: '2026-03-01T02:00:00Z', submitted_by: '王老师' }
          : null,
        returned: null,
      }
    }

    function answer(waiting: boolean): void {
      invoke.mockImplementation(async (cmd: string) => {
        if (cmd === 'review_status') return reviewStatus(waiting)
        if (cmd === 'plugin:event|listen') return 1
        if (cmd === 'plugin:event|unlisten') return null
        throw new Error(`unexpected command ${cmd}`)
      })
    }

    it('shows how many batches wait for the 系统管理员’s review', async () => {
      signInForTests(REVIEWER)
      answer(true)
      mountNav()
      await settle()
      expect(entry('open-review-badge').exists()).toBe(true)
      expect(entry('open-review-badge').text()).toBe('1')
      expect(entry('open-review').text()).toContain('待审核')
    })

    it('shows no badge when nothing waits', async () => {
      signInForTests(REVIEWER)
      answer(false)
      mountNav()
      await settle()
      expect(entry('open-review').exists()).toBe(true)
      expect(entry('open-review-badge').exists()).toBe(false)
    })

    it('follows the count a page reads (a batch approved or returned)', async () => {
      signInForTests(REVIEWER)
      answer(true)
      mountNav()
      await settle()
      setReviewWaiting(0)
      await settle()
      expect(entry('open-review-badge').exists()).toBe(false)
      setReviewWaiting(1)
      await settle()
      expect(entry('open-review-badge').text()).toBe('1')
    })

    it('keeps a dot on the icon when the menu is folded', async () => {
      signInForTests(REVIEWER)
      answer(true)
      mountNav()
      await settle()
      await entry('nav-collapse').trigger('click')
      await settle()
      expect(wrapper!.find('.nav-badge-dot .el-badge__content.is-dot').exists()).toBe(true)
    })

    it('is not asked for by a role without the 待审核 entry', async () => {
      setReviewWaiting(1)
      mountNav()
      await settle()
      expect(invoke.mock.calls.some((c) => c[0] === 'review_status')).toBe(false)
      expect(entry('open-review').exists()).toBe(false)
      expect(wrapper!.find('.el-badge').exists()).toBe(false)
    })
  })

  it('folds to its icons and back', async () => {
    mountNav()
    await settle()
    await entry('nav-collapse').trigger('click')
    await settle()
    expect(entry('app-nav').classes()).toContain('collapsed')
    expect(entry('nav-collapse').attributes('aria-expanded')).toBe('false')
    await entry('nav-collapse').trigger('click')
    await settle()
    expect(entry('app-nav').classes()).not.toContain('collapsed')
  })
})

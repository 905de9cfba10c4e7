import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Session, ErrorPayload, School, SchoolType } from '../src/bindings'
import StartPage from '../src/components/StartPage.vue'
import { resetSession, useSession } from '../src/session'
import { plugins, settle, settleValidation, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const OUT_REASON = '技工学校由人社部门管理，不在本系统采集范围内'

const TYPES: SchoolType[] = [
  {
    code: '211',
    name: '小学',
    note: null,
    confirmed: true,
    scope: { kind: 'in', set: { id: 'primary_secondary', name: '中小学', name_en: 'Primary and secondary', confirmed: true } },
  },
  { code: '365', name: '技工学校', note: null, confirmed: true, scope: { kind: 'out', reason: OUT_REASON } },
]

const ADMIN_SESSION: Session = {
  name: '管理员',
  role: 'system_admin',
  role_label: '系统管理员',
  permissions: ['teachers.view', 'users.manage'],
  masked: false,
}

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

type Handlers = Record<string, (args?: Record<string, unknown>) => unknown>

function backend(overrides: Handlers = {}): void {
  const handlers: Handlers = {
    launch_file: () => null,
    recent_files: () => [],
    school_types: () => TYPES,
    ...overrides,
  }
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    const handler = handlers[cmd]
    if (!handler) throw new Error(`unexpected command ${cmd}`)
    return handler(args)
  })
}

let wrapper: ReturnType<typeof mount> | undefined

function mountPage() {
  wrapper = mount(StartPage, { global: { plugins }, attachTo: document.body })
  return wrapper
}

describe('StartPage', () => {
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

  it('lists an out-of-scope school type as a disabled option showing its reason', async () => {
    backend()
    mountPage()
    await settle()
    const options = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')]
    const technical = options.find((li) => li.textContent?.includes('365 技工学校'))
    expect(technical, 'the 技工学校 option is listed').toBeDefined()
    expect(technical!.classList.contains('is-disabled')).toBe(true)
    expect(technical!.textContent).toContain(OUT_REASON)
    const primary = options.find((li) => li.textContent?.includes('211 小学'))
    expect(primary!.classList.contains('is-disabled')).toBe(false)
    expect(primary!.textContent).toContain('中小学')
  })

  it('opens the file the app was launched with', async () => {
    backend({ launch_file: () => '/home/clerk/demo.taoli', open_school: () => ({ school: SCHOOL, session: null, has_users: true }) })
    mountPage()
    await settle()
    expect(invoke).toHaveBeenCalledWith('open_school', { path: '/home/clerk/demo.taoli' })
    expect(useSession().school.value).toEqual(SCHOOL)
  })

  it('shows the back end message when opening fails', async () => {
    const failure: ErrorPayload = { code: 'not_a_school_file', kind: 'user', message: '这不是桃李学校文件' }
    backend({
      launch_file: () => '/tmp/bad.taoli',
      open_school: () => Promise.reject(failure),
    })
    const page = mountPage()
    await settle()
    expect(page.find('[data-testid="start-error"]').text()).toContain('这不是桃李学校文件')
    expect(useSession().school.value).toBeNull()
  })

  it('shows a missing recent file greyed with a remove button that forgets it', async () => {
    const missing = { path: '/gone/a.taoli', school_name: '旧学校', school_code: '1111111111', opened_at: '', exists: false }
    backend({ recent_files: () => [missing], forget_recent: () => [] })
    const page = mountPage()
    await settle()
    const item = page.find('[data-testid="recent-item"]')
    expect(item.classes()).toContain('missing')
    expect(item.text()).toContain('文件已不在原位置')
    await item.find('[data-testid="recent-remove"]').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('forget_recent', { path: '/gone/a.taoli' })
    expect(page.findAll('[data-testid="recent-item"]')).toHaveLength(0)
  })

  it('rejects a school code that is not 10 digits without calling the back end', async () => {
    backend()
    const page = mountPage()
    await settle()
    await page.find('[data-testid="create-code"]').setValue('12345')
    await page.find('[data-testid="create-submit"]').trigger('click')
    await settleValidation()
    expect(page.text()).toContain('学校标识码应为 10 位数字')
    expect(invoke).not.toHaveBeenCalledWith('create_school', expect.anything())
  })

  it('fills the save location from code and name and creates the school', async () => {
    backend({
      default_school_path: (args) => `/home/clerk/桃李/${args!.code}-${args!.name}.taoli`,
      create_school: () => ({ school: SCHOOL, session: ADMIN_SESSION, has_users: true }),
    })
    const page = mountPage()
    await settle()
    await page.find('[data-testid="create-code"]').setValue('1234567890')
    await page.find('[data-testid="create-name"]').setValue('桃李小学')
    await new Promise((resolve) => setTimeout(resolve, 250))
    await settle()
    const path = page.find<HTMLInputElement>('[data-testid="create-path"]')
    expect(path.element.value).toBe('/home/clerk/桃李/1234567890-桃李小学.taoli')

    const primary = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((li) =>
      li.textContent?.includes('211 小学'),
    )
    primary!.click()
    await settle()
    await page.find('[data-testid="create-admin"]').setValue('管理员')
    await page.find('[data-testid="create-password"]').setValue('taoli-admin')
    await page.find('[data-testid="create-password2"]').setValue('taoli-admin')
    await page.find('[data-testid="create-submit"]').trigger('click')
    await settle()

    expect(invoke).toHaveBeenCalledWith('create_school', {
      path: '/home/clerk/桃李/1234567890-桃李小学.taoli',
      school: { code: '1234567890', name: '桃李小学', school_type: '211', region_code: null },
      admin: { name: '管理员', password: 'taoli-admin' },
    })
    expect(useSession().school.value).toEqual(SCHOOL)
    expect(useSession().account.value?.role).toBe('system_admin')
  })

  it('asks for the 系统管理员 password when this computer has no key for the file', async () => {
    backend({
      launch_file: () => '/home/clerk/moved.taoli',
      open_school: () =>
        Promise.reject({ code: 'file.key_needed', kind: 'user', message: '需要密钥' }),
      open_school_with_password: () => ({ school: SCHOOL, session: null, has_users: true }),
    })
    mountPage()
    await settle()
    const input = document.body.querySelector<HTMLInputElement>('.key-dialog input')!
    input.value = 'taoli-admin'
    input.dispatchEvent(new Event('input'))
    await settle()
    document.body.querySelector<HTMLElement>('.key-dialog .el-button--primary')!.click()
    await settle()
    expect(invoke).toHaveBeenCalledWith('open_school_with_password', {
      path: '/home/clerk/moved.taoli',
      password: 'taoli-admin',
    })
    expect(useSession().school.value).toEqual(SCHOOL)
  })

  it('offers the recovery code when the 系统管理员 password is forgotten', async () => {
    backend({
      launch_file: () => '/home/clerk/moved.taoli',
      open_school: () =>
        Promise.reject({ code: 'file.key_needed', kind: 'user', message: '需要密钥' }),
    })
    mountPage()
    await settle()
    const forgot = document.body.querySelector<HTMLElement>('.key-dialog .key-forgot')!
    expect(forgot.textContent).toContain('忘记密码？用恢复码')
    forgot.click()
    await settle()
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect(document.body.querySelector('[data-testid="recovery-code-input"]')).not.toBeNull()
    expect(invoke).not.toHaveBeenCalledWith('open_school_with_password', expect.anything())
  })
})

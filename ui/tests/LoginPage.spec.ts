import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { School, Session } from '../src/bindings'
import LoginPage from '../src/components/LoginPage.vue'
import { resetSession, setSchool, useSession } from '../src/session'
import { routeInvoke } from './formHelpers'
import { plugins, settle, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const SCHOOL: School = {
  code: '2151072201',
  name: '桃李县实验小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: null,
  province_code: null,
  city_code: null,
  county_code: null,
  created_at: '2026-11-22T08:00:00.000Z',
  updated_at: '2026-11-22T08:00:00.000Z',
}

const CLERK: Session = {
  name: '王老师',
  role: 'info_manager',
  role_label: '信息管理员',
  permissions: ['teachers.view', 'teachers.view_full', 'teachers.edit'],
  masked: false,
}

let wrapper: ReturnType<typeof mount> | undefined

function mountPage(hasUsers = true) {
  setSchool(SCHOOL)
  wrapper = mount(LoginPage, {
    props: { school: SCHOOL, hasUsers },
    global: { plugins },
    attachTo: document.body,
  })
  return wrapper
}

describe('LoginPage', () => {
  beforeEach(() => {
    resetSession()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => wrapper?.unmount())

  it('signs in with the account and password typed and shows the school', async () => {
    routeInvoke(invoke, { sign_in: () => CLERK })
    const page = mountPage()
    await page.find('[data-testid="login-name"]').setValue('王老师')
    await page.find('[data-testid="login-password"]').setValue('taoli-demo')
    await page.find('[data-testid="login-submit"]').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('sign_in', {
      credentials: { name: '王老师', password: 'taoli-demo' },
    })
    expect(useSession().account.value).toEqual(CLERK)
  })

  it('says so when today’s automatic backup could not be made', async () => {
    routeInvoke(invoke, {
      sign_in: () => CLERK,
      daily_backup_problem: () => '无法备份到 /media/U盘：磁盘已满',
    })
    const page = mountPage()
    await page.find('[data-testid="login-name"]').setValue('王老师')
    await page.find('[data-testid="login-password"]').setValue('taoli-demo')
    await page.find('[data-testid="login-submit"]').trigger('click')
    await settle()
    expect(document.body.textContent).toContain('今天的自动备份没有做成：无法备份到 /media/U盘：磁盘已满')
  })

  it('shows the back end message for a wrong password and clears the password', async () => {
    routeInvoke(invoke, {
      sign_in: () =>
        Promise.reject({
          code: 'account.sign_in_failed',
          kind: 'user',
          message: '账号或密码不对。还可以试 4 次',
        }),
    })
    const page = mountPage()
    await page.find('[data-testid="login-name"]').setValue('王老师')
    await page.find('[data-testid="login-password"]').setValue('wrong-one')
    await page.find('[data-testid="login-submit"]').trigger('click')
    await settle()
    expect(page.find('[data-testid="login-error"]').text()).toContain('还可以试 4 次')
    expect(page.find<HTMLInputElement>('[data-testid="login-password"]').element.value).toBe('')
    expect(useSession().account.value).toBeNull()
  })

  it('creates the first 系统管理员 of a file without accounts', async () => {
    routeInvoke(invoke, {
      create_first_admin: () => ({ ...CLERK, name: '管理员', role: 'system_admin', role_label: '系统管理员' }),
    })
    const page = mountPage(false)
    expect(page.find('[data-testid="login-first-admin"]').exists()).toBe(true)
    await page.find('[data-testid="login-name"]').setValue('管理员')
    await page.find('[data-testid="login-password"]').setValue('taoli-admin')
    await page.find('[data-testid="login-password2"]').setValue('taoli-admin')
    await page.find('[data-testid="login-submit"]').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('create_first_admin', {
      admin: { name: '管理员', password: 'taoli-admin' },
    })
    expect(useSession().account.value?.role).toBe('system_admin')
  })

  it('refuses two different first passwords without asking the back end', async () => {
    routeInvoke(invoke, {})
    const page = mountPage(false)
    await page.find('[data-testid="login-name"]').setValue('管理员')
    await page.find('[data-testid="login-password"]').setValue('taoli-admin')
    await page.find('[data-testid="login-password2"]').setValue('taoli-other')
    await page.find('[data-testid="login-submit"]').trigger('click')
    await settle()
    expect(page.find('[data-testid="login-error"]').text()).toContain('两次输入的密码不一样')
    expect(invoke).not.toHaveBeenCalledWith('create_first_admin', expect.anything())
  })
})

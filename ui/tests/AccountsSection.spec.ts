import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RecoveryStatus, User } from '../src/bindings'
import AccountsSection from '../src/components/AccountsSection.vue'
import { resetSession } from '../src/session'
import { maybeTestId, routeInvoke } from './formHelpers'
import { ALL_PERMISSIONS, plugins, settle, signInForTests, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

function user(name: string, role: User['role'], role_label: string): User {
  return { name, role, role_label, disabled: false, created_at: '2026-11-22T08:00:00.000Z', last_sign_in_at: null }
}

const USERS = [user('管理员', 'system_admin', '系统管理员'), user('王老师', 'info_manager', '信息管理员')]

const RECOVERY: RecoveryStatus = {
  encrypted: true,
  has_code: true,
  code_id: '3f9a21c0b7e4d512',
  created_at: '2026-12-05T08:00:00.000Z',
  created_by: '管理员',
  sidecar_path: '/学校/桃李镇中心小学.taoli.恢复',
  sidecar_name: '桃李镇中心小学.taoli.恢复',
  keys: 1,
  repaired: false,
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountSection() {
  wrapper = mount(AccountsSection, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

describe('AccountsSection', () => {
  beforeEach(() => {
    resetSession()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => wrapper?.unmount())

  it('lists every account for a 系统管理员', async () => {
    signInForTests(ALL_PERMISSIONS)
    routeInvoke(invoke, { list_users: () => USERS, recovery_status: () => RECOVERY })
    const section = await mountSection()
    const text = section.find('[data-testid="accounts-table"]').text()
    expect(text).toContain('管理员')
    expect(text).toContain('王老师')
  })

  it('shows the recovery code’s number and offers to change it, to a 系统管理员', async () => {
    signInForTests(ALL_PERMISSIONS)
    routeInvoke(invoke, {
      list_users: () => USERS,
      recovery_status: () => RECOVERY,
      recovery_new_code: () => ({
        code: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE-FFFFF-GGGGG',
        groups: ['AAAAA', 'BBBBB', 'CCCCC', 'DDDDD', 'EEEEE', 'FFFFF', 'GGGGG'],
        code_id: '0011223344556677',
        sidecar_name: RECOVERY.sidecar_name,
      }),
    })
    const section = await mountSection()
    expect(section.find('[data-testid="recovery-status"]').text()).toContain('3f9a21c0b7e4d512')
    await section.find('[data-testid="recovery-change"]').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('recovery_new_code')
    expect(document.body.textContent).toContain('更换恢复码')
  })

  it('adds an account with the role and password given', async () => {
    signInForTests(ALL_PERMISSIONS)
    routeInvoke(invoke, {
      list_users: () => USERS,
      recovery_status: () => RECOVERY,
      add_user: () => user('李老师', 'info_viewer', '信息查询员'),
    })
    const section = await mountSection()
    await section.find('[data-testid="account-new-name"]').setValue('李老师')
    await section.find('[data-testid="account-new-password"]').setValue('taoli-view')
    await section.find('[data-testid="account-add"]').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('add_user', {
      user: { name: '李老师', role: 'info_manager', password: 'taoli-view' },
    })
  })

  it('shows only the own password change to an account that does not manage accounts', async () => {
    signInForTests(['teachers.view'])
    routeInvoke(invoke, {})
    await mountSection()
    expect(maybeTestId('accounts-table')).toBeNull()
    expect(maybeTestId('own-change')).not.toBeNull()
    expect(invoke).not.toHaveBeenCalledWith('list_users')
  })

  it('changes the own password with the current one', async () => {
    signInForTests(['teachers.view'])
    routeInvoke(invoke, { change_password: () => null })
    const section = await mountSection()
    await section.find('[data-testid="own-current"]').setValue('taoli-view')
    await section.find('[data-testid="own-new"]').setValue('a-new-password')
    await section.find('[data-testid="own-new2"]').setValue('a-new-password')
    await section.find('[data-testid="own-change"]').trigger('click')
    await settle()
    expect(invoke).toHaveBeenCalledWith('change_password', {
      name: '王老师',
      current: 'taoli-view',
      password: 'a-new-password',
    })
  })
})

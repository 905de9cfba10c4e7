import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OpenedSchool, RecoveryCodeShown, RecoveryStatus } from '../src/bindings'
import RecoveryCodeDialog from '../src/components/RecoveryCodeDialog.vue'
import RecoveryRecoverDialog from '../src/components/RecoveryRecoverDialog.vue'
import { resetSession } from '../src/session'
import { byTestId, inputOf, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const GROUPS = ['7KQ4M', 'XR2ZP', '0D9TB', 'HJ3NA', 'WVC5E', 'M2PQ8', 'T4RZ9']

const SHOWN: RecoveryCodeShown = {
  code: GROUPS.join('-'),
  groups: GROUPS,
  code_id: '3f9a21c0b7e4d512',
  sidecar_name: '桃李镇中心小学.taoli.恢复',
}

const STATUS: RecoveryStatus = {
  encrypted: true,
  has_code: true,
  code_id: SHOWN.code_id,
  created_at: '2026-12-05T08:00:00.000Z',
  created_by: '张校长',
  sidecar_path: '/学校/桃李镇中心小学.taoli.恢复',
  sidecar_name: SHOWN.sidecar_name,
  keys: 1,
  repaired: false,
}

const OPENED: OpenedSchool = {
  school: {
    code: '2151012345',
    name: '桃李镇中心小学',
    school_type: '211',
    school_type_name: '小学',
    indicator_set: null,
    province_code: '51',
    city_code: '5101',
    county_code: null,
    created_at: '2026-11-22T08:00:00.000Z',
    updated_at: '2026-11-22T08:00:00.000Z',
  },
  session: {
    name: '张校长',
    role: 'system_admin',
    role_label: '系统管理员',
    permissions: ['users.manage'],
    masked: false,
  },
  has_users: true,
}

let wrapper: ReturnType<typeof mount> | undefined

function click(testid: string): void {
  byTestId(testid).click()
}

function isDisabled(testid: string): boolean {
  const el = byTestId(testid)
  return el.hasAttribute('disabled') || el.classList.contains('is-disabled')
}

async function type(testid: string, value: string): Promise<void> {
  const input = inputOf(testid)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await settle()
}

describe('RecoveryCodeDialog', () => {
  beforeEach(() => {
    resetSession()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => wrapper?.unmount())

  async function mountDialog(mode: 'first' | 'change') {
    wrapper = mount(RecoveryCodeDialog, {
      props: { modelValue: true, mode },
      global: { plugins },
      attachTo: document.body,
    })
    await settle()
    return wrapper
  }

  it('shows the new code in its seven groups', async () => {
    routeInvoke(invoke, { recovery_new_code: () => SHOWN })
    await mountDialog('first')
    const groups = [...document.body.querySelectorAll('[data-testid="recovery-code-group"]')].map(
      (g) => g.textContent?.trim(),
    )
    expect(groups).toEqual(GROUPS)
    expect(byTestId('recovery-code-dialog').textContent).toContain('桃李镇中心小学.taoli.恢复')
  })

  it('keeps the code only once the 系统管理员 ticks that it is kept safe', async () => {
    routeInvoke(invoke, {
      recovery_new_code: () => SHOWN,
      recovery_keep_code: () => STATUS,
    })
    const dialog = await mountDialog('first')
    expect(isDisabled('recovery-done')).toBe(true)
    click('recovery-done')
    await settle()
    expect(invoke).not.toHaveBeenCalledWith('recovery_keep_code', expect.anything())

    byTestId('recovery-confirm').querySelector('input')?.click()
    await settle()
    expect(isDisabled('recovery-done')).toBe(false)
    click('recovery-done')
    await settle()
    expect(invoke).toHaveBeenCalledWith('recovery_keep_code', { code: SHOWN.code })
    expect(dialog.emitted('kept')).toHaveLength(1)
    expect(dialog.emitted('update:modelValue')?.at(-1)).toEqual([false])
  })

  it('cannot be closed before the first code is kept', async () => {
    routeInvoke(invoke, { recovery_new_code: () => SHOWN })
    await mountDialog('first')
    expect(maybeTestId('recovery-cancel')).toBeNull()
    expect(document.body.querySelector('.recovery-code-dialog .el-dialog__headerbtn')).toBeNull()
  })

  it('prints the sheet and opens it in the system viewer', async () => {
    routeInvoke(invoke, {
      recovery_new_code: () => SHOWN,
      recovery_sheet: () => '/学校/桃李镇中心小学-恢复码保管单.pdf',
      open_file: () => null,
    })
    await mountDialog('first')
    click('recovery-print')
    await settle()
    expect(invoke).toHaveBeenCalledWith('recovery_sheet', { code: SHOWN.code })
    expect(invoke).toHaveBeenCalledWith('open_file', { path: '/学校/桃李镇中心小学-恢复码保管单.pdf' })
    expect(byTestId('recovery-sheet-path').textContent).toContain('恢复码保管单.pdf')
  })

  it('says the old code stops working when it changes one, and may be cancelled', async () => {
    routeInvoke(invoke, { recovery_new_code: () => SHOWN })
    const dialog = await mountDialog('change')
    expect(byTestId('recovery-code-dialog').textContent).toContain('旧的恢复码就不能再打开学校文件')
    click('recovery-cancel')
    await settle()
    expect(invoke).not.toHaveBeenCalledWith('recovery_keep_code', expect.anything())
    expect(dialog.emitted('update:modelValue')?.at(-1)).toEqual([false])
  })
})

describe('RecoveryRecoverDialog', () => {
  beforeEach(() => {
    resetSession()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => wrapper?.unmount())

  async function mountDialog() {
    wrapper = mount(RecoveryRecoverDialog, {
      props: { modelValue: true, path: '/学校/桃李镇中心小学.taoli' },
      global: { plugins },
      attachTo: document.body,
    })
    await settle()
    return wrapper
  }

  it('checks the code, then sets the new password of the only 系统管理员 and opens the file', async () => {
    routeInvoke(invoke, {
      recovery_accounts: () => ['张校长'],
      recover_with_code: () => OPENED,
    })
    const dialog = await mountDialog()
    await type('recovery-code-input', SHOWN.code.toLowerCase())
    click('recovery-next')
    await settle()
    expect(invoke).toHaveBeenCalledWith('recovery_accounts', {
      path: '/学校/桃李镇中心小学.taoli',
      code: SHOWN.code.toLowerCase(),
    })
    expect(byTestId('recovery-account-only').textContent).toContain('张校长')
    await type('recovery-password', '新的密码-2027')
    await type('recovery-password2', '新的密码-2027')
    click('recovery-submit')
    await settle()
    expect(invoke).toHaveBeenCalledWith('recover_with_code', {
      path: '/学校/桃李镇中心小学.taoli',
      code: SHOWN.code.toLowerCase(),
      account: '张校长',
      password: '新的密码-2027',
    })
    expect(dialog.emitted('opened')?.[0]).toEqual([OPENED])
  })

  it('shows the core’s message for a wrong code and asks for no password', async () => {
    routeInvoke(invoke, {
      recovery_accounts: () => {
        throw {
          code: 'recovery.wrong_code',
          kind: 'user',
          message: '这个恢复码打不开学校文件 /学校/桃李镇中心小学.taoli：它不是这个学校文件的恢复码，或者已经被更换。',
        }
      },
    })
    await mountDialog()
    await type('recovery-code-input', GROUPS.join(''))
    click('recovery-next')
    await settle()
    expect(byTestId('recovery-error').textContent).toContain('这个恢复码打不开学校文件')
    expect(maybeTestId('recovery-password')).toBeNull()
  })

  it('refuses two different new passwords before asking the core', async () => {
    routeInvoke(invoke, { recovery_accounts: () => ['张校长', '李副校长'] })
    await mountDialog()
    await type('recovery-code-input', SHOWN.code)
    click('recovery-next')
    await settle()
    expect(maybeTestId('recovery-account')).not.toBeNull()
    await type('recovery-password', '新的密码-2027')
    await type('recovery-password2', '别的密码-2027')
    click('recovery-submit')
    await settle()
    expect(byTestId('recovery-error').textContent).toContain('两次输入的新密码不一样')
    expect(invoke).not.toHaveBeenCalledWith('recover_with_code', expect.anything())
  })
})

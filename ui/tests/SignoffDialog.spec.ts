import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ErrorPayload, SignoffInfo, SignoffState } from '../src/bindings'
import SignoffDialog from '../src/components/SignoffDialog.vue'
import { byTestId, clickTestId, inputOf, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const TEACHER = { id: 't-1', name: '张三' }

/** Two printings: the latest matches the information now, the older does not. */
const INFO: SignoffInfo = {
  teacher_id: TEACHER.id,
  state: { state: 'none' },
  prints: [
    { fingerprint: '3f9a1c027be4', printed_at: '2026-11-21T02:00:00Z', printed_by: '王老师', current: true },
    { fingerprint: '0000aaaabbbb', printed_at: '2026-11-01T02:00:00Z', printed_by: '王老师', current: false },
  ],
}

const SIGNED: SignoffState = {
  state: 'signed',
  current: '3f9a1c027be4',
  signed_by: '王老师',
  signed_at: '2026-11-22T02:00:00Z',
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountDialog(info: SignoffInfo = INFO, signoff: (args?: Record<string, unknown>) => unknown = () => SIGNED) {
  routeInvoke(invoke, { signoff_info: () => info, signoff })
  wrapper = mount(SignoffDialog, {
    props: { modelValue: true, teacher: TEACHER },
    global: { plugins },
    attachTo: document.body,
  })
  await settle()
  return wrapper
}

async function type(text: string): Promise<void> {
  const input = inputOf('signoff-fingerprint')
  input.value = text
  input.dispatchEvent(new Event('input'))
  await settle()
}

describe('SignoffDialog', () => {
  beforeEach(() => {
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('lists the versions printed, latest first, marking the current one', async () => {
    await mountDialog()
    const prints = Array.from(document.body.querySelectorAll('[data-testid="signoff-print"]')).map((el) => el.textContent ?? '')
    expect(prints).toHaveLength(2)
    expect(prints[0]).toContain('3f9a1c027be4')
    expect(prints[0]).toContain('与现有信息一致')
    expect(prints[1]).toContain('已过时')
  })

  it('records the fingerprint typed from the paper and reports the new state', async () => {
    await mountDialog()
    await type('3F9A 1C02 7BE4')
    await clickTestId('signoff-confirm')
    await settle()
    expect(invoke).toHaveBeenCalledWith('signoff', { teacherId: TEACHER.id, fingerprint: '3F9A 1C02 7BE4' })
    expect(wrapper!.emitted('signed')).toEqual([[TEACHER.id, SIGNED]])
    expect(wrapper!.emitted('update:modelValue')).toEqual([[false]])
  })

  it('fills the fingerprint from a printed version the clerk picks', async () => {
    await mountDialog()
    const picks = document.body.querySelectorAll<HTMLElement>('[data-testid="signoff-pick"]')
    picks[0]!.click()
    await settle()
    expect(inputOf('signoff-fingerprint').value).toBe('3f9a1c027be4')
  })

  it('warns that a sheet printed before a later change will show as changed since signed', async () => {
    await mountDialog()
    await type('0000-aaaa-bbbb')
    expect(maybeTestId('signoff-old-version')).not.toBeNull()
    await type('3f9a1c027be4')
    expect(maybeTestId('signoff-old-version')).toBeNull()
  })

  it('keeps what was typed and shows the back end’s refusal of a fingerprint never printed', async () => {
    const refusal: ErrorPayload = {
      code: 'sheets.fingerprint_not_printed',
      kind: 'user',
      message: '指纹 123456789abc 不是为张三打印过的确认表。',
    }
    await mountDialog(INFO, () => {
      throw refusal
    })
    await type('123456789abc')
    await clickTestId('signoff-confirm')
    await settle()
    expect(byTestId('signoff-error').textContent).toContain('不是为张三打印过的确认表')
    expect(inputOf('signoff-fingerprint').value).toBe('123456789abc')
    expect(wrapper!.emitted('signed')).toBeUndefined()
  })

  it('asks for a fingerprint before sending an empty one', async () => {
    await mountDialog()
    await clickTestId('signoff-confirm')
    await settle()
    expect(byTestId('signoff-error').textContent).toContain('请输入签字确认表页脚的指纹')
    expect(invoke).not.toHaveBeenCalledWith('signoff', expect.anything())
  })

  it('says a sheet must be printed first when none was', async () => {
    await mountDialog({ ...INFO, prints: [] })
    expect(byTestId('signoff-no-prints').textContent).toContain('还没有为这位教师打印过确认表')
    expect(byTestId('signoff-confirm').hasAttribute('disabled')).toBe(true)
  })
})

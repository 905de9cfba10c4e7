import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { IdentityCorrection, Teacher } from '../src/bindings'
import CorrectionDialog from '../src/components/CorrectionDialog.vue'
import { byTestId, clickTestId, routeInvoke, typeInto } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'
import { resetSession } from '../src/session'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const TEACHER: Teacher = {
  id: 't-1',
  name: '张老帅',
  id_type: '1',
  id_type_name: '居民身份证',
  id_number: '11010519491231002X',
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
}

const ID_TYPES = [{ code: '1', name: '居民身份证', name_en: 'Resident ID card', form: 'resident_id' }]

async function typeReason(value: string): Promise<void> {
  const area = byTestId('correction-reason') as HTMLTextAreaElement
  area.value = value
  area.dispatchEvent(new Event('input'))
  await settle()
}

let wrapper: ReturnType<typeof mount> | undefined

describe('CorrectionDialog', () => {
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

  async function open(saved: IdentityCorrection[]) {
    routeInvoke(invoke, {
      id_types: () => ID_TYPES,
      correct_identity: (args) => {
        const correction = (args as { correction: IdentityCorrection }).correction
        saved.push(correction)
        return { ...TEACHER, name: correction.name, version: 2 }
      },
    })
    wrapper = mount(CorrectionDialog, {
      props: { modelValue: true, teacher: TEACHER },
      global: { plugins },
      attachTo: document.body,
    })
    await settle()
    await settle()
  }

  it('starts from the teacher as registered', async () => {
    await open([])
    expect((byTestId('correction-name') as HTMLInputElement).value).toBe('张老帅')
    expect((byTestId('correction-id-number') as HTMLInputElement).value).toBe('11010519491231002X')
  })

  it('asks for the reason before saving anything', async () => {
    const saved: IdentityCorrection[] = []
    await open(saved)
    await typeInto('correction-name', '张老师')
    await clickTestId('correction-save')
    expect(byTestId('correction-error').textContent).toContain('请写明更正理由')
    expect(saved).toEqual([])
  })

  it('sends the corrected values with the reason and says it is done', async () => {
    const saved: IdentityCorrection[] = []
    await open(saved)
    await typeInto('correction-name', '张老师')
    await typeReason('姓名录入错字')
    await clickTestId('correction-save')
    expect(saved).toEqual([
      { teacher_id: 't-1', name: '张老师', id_type: '1', id_number: '11010519491231002X', reason: '姓名录入错字' },
    ])
    expect(wrapper?.emitted('corrected')?.[0]?.[0]).toMatchObject({ name: '张老师' })
  })
})

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
        return { teacher: { ...TEACHER, name: correction.name, version: 2 }, request: null }
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
      { teacher_id: 't-1', name: '张老师', id_type: '1', id_number: '11010519491231002X', reason: '姓名录入错字', evidence: null },
    ])
    expect(wrapper?.emitted('corrected')?.[0]?.[0]).toMatchObject({ teacher: { name: '张老师' } })
  })

  it('says a correction of a teacher in effect waits for the county', async () => {
    routeInvoke(invoke, {
      id_types: () => ID_TYPES,
      correct_identity: (args) => {
        const correction = (args as { correction: IdentityCorrection }).correction
        return {
          teacher: TEACHER,
          request: {
            id: 'c-1', teacher_id: 't-1', name: correction.name, id_type: '1', id_type_name: '居民身份证',
            id_number: TEACHER.id_number, old_name: TEACHER.name, old_id_type: '1', old_id_type_name: '居民身份证',
            old_id_number: TEACHER.id_number, reason: correction.reason, evidence: correction.evidence,
            state: 'pending', sent: false, decision_note: null, decided_at: null,
            created_at: '2026-12-07T00:00:00Z', created_by: '王老师',
          },
        }
      },
    })
    wrapper = mount(CorrectionDialog, {
      props: { modelValue: true, teacher: TEACHER },
      global: { plugins },
      attachTo: document.body,
    })
    await settle()
    await settle()
    await typeInto('correction-name', '张老师')
    await typeReason('姓名录入错字')
    await typeInto('correction-evidence', '户口簿复印件')
    await clickTestId('correction-save')
    const messages = Array.from(document.querySelectorAll('.el-message')).map((m) => m.textContent ?? '')
    expect(messages.some((m) => m.includes('已提交更正申请（张老师）'))).toBe(true)
    expect(wrapper?.emitted('corrected')?.[0]?.[0]).toMatchObject({ request: { evidence: '户口簿复印件' } })
  })
})

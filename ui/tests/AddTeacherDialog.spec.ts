import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ErrorPayload, IdType, Teacher } from '../src/bindings'
import AddTeacherDialog from '../src/components/AddTeacherDialog.vue'
import { plugins, settle, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const ID_TYPES: IdType[] = [
  { code: '1', name: '居民身份证', name_en: 'Resident identity card', form: 'resident_id', confirmed: true },
  { code: '6', name: '护照', name_en: 'Passport', form: 'general', confirmed: true },
]

const DUPLICATE: ErrorPayload = {
  code: 'duplicate_id_number',
  kind: 'user',
  message: '身份证件号 11010519491231002X 已属于教师 张三',
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

let wrapper: ReturnType<typeof mount> | undefined

function mountDialog() {
  wrapper = mount(AddTeacherDialog, {
    props: { modelValue: true },
    global: { plugins },
    attachTo: document.body,
  })
  return wrapper
}

function input(testid: string): HTMLInputElement {
  const el = document.body.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)
  if (!el) throw new Error(`no ${testid}`)
  return el
}

async function type(testid: string, value: string): Promise<void> {
  const el = input(testid)
  el.value = value
  el.dispatchEvent(new Event('input'))
  await settle()
}

async function click(testid: string): Promise<void> {
  input(testid).click()
  await settle()
}

describe('AddTeacherDialog', () => {
  beforeEach(() => {
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('shows the back end error and keeps what was typed when add_teacher rejects', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'id_types') return ID_TYPES
      if (cmd === 'add_teacher') throw DUPLICATE
      throw new Error(`unexpected command ${cmd}`)
    })
    const dialog = mountDialog()
    await settle()
    await type('teacher-name', '李四')
    await type('teacher-id-number', '11010519491231002X')
    await click('teacher-submit')

    expect(invoke).toHaveBeenCalledWith('add_teacher', {
      teacher: { name: '李四', id_type: '1', id_number: '11010519491231002X' },
    })
    expect(document.body.querySelector('[data-testid="teacher-error"]')?.textContent).toContain(DUPLICATE.message)
    expect(input('teacher-name').value).toBe('李四')
    expect(input('teacher-id-number').value).toBe('11010519491231002X')
    expect(dialog.emitted('update:modelValue')).toBeUndefined()
    expect(dialog.emitted('added')).toBeUndefined()
  })

  it('closes and reports the added teacher on success', async () => {
    invoke.mockImplementation(async (cmd: string, args?: { teacher: { name: string; id_number: string } }) => {
      if (cmd === 'id_types') return ID_TYPES
      if (cmd === 'add_teacher') return teacher(args!.teacher.name, args!.teacher.id_number)
      throw new Error(`unexpected command ${cmd}`)
    })
    const dialog = mountDialog()
    await settle()
    await type('teacher-name', '王五')
    await type('teacher-id-number', '110105194912310038')
    await click('teacher-submit')

    expect(dialog.emitted('added')?.[0]?.[0]).toMatchObject({ name: '王五' })
    expect(dialog.emitted('update:modelValue')?.at(-1)).toEqual([false])
    expect(document.body.textContent).toContain('已添加教师 王五')
  })

  it('save-and-continue clears name and ID number and stays open', async () => {
    invoke.mockImplementation(async (cmd: string, args?: { teacher: { name: string; id_number: string } }) => {
      if (cmd === 'id_types') return ID_TYPES
      if (cmd === 'add_teacher') return teacher(args!.teacher.name, args!.teacher.id_number)
      throw new Error(`unexpected command ${cmd}`)
    })
    const dialog = mountDialog()
    await settle()
    await type('teacher-name', '赵六')
    await type('teacher-id-number', '110105194912310038')
    await click('teacher-submit-next')

    expect(dialog.emitted('added')).toHaveLength(1)
    expect(dialog.emitted('update:modelValue')).toBeUndefined()
    expect(input('teacher-name').value).toBe('')
    expect(input('teacher-id-number').value).toBe('')
  })

  it('shows the verdict of the back end on an 18-character resident ID as a hint', async () => {
    invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
      if (cmd === 'id_types') return ID_TYPES
      if (cmd === 'check_id_number') {
        expect(args).toEqual({ idType: '1', idNumber: '110105194912310020' })
        return '第18位校验码应为 X，实为 0。'
      }
      throw new Error(`unexpected command ${cmd}`)
    })
    mountDialog()
    await settle()
    await type('teacher-id-number', '110105194912310020')
    await new Promise((r) => setTimeout(r, 200))
    await settle()
    const hint = document.body.querySelector('[data-testid="teacher-id-hint"]')
    expect(hint?.textContent).toContain('第18位校验码应为 X，实为 0')
  })

  it('asks nothing while a resident ID is shorter than 18 characters', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'id_types') return ID_TYPES
      throw new Error(`unexpected command ${cmd}`)
    })
    mountDialog()
    await settle()
    await type('teacher-id-number', '1101051949')
    await new Promise((r) => setTimeout(r, 200))
    await settle()
    expect(document.body.querySelector('[data-testid="teacher-id-hint"]')).toBeNull()
    expect(invoke.mock.calls.map((c) => c[0])).not.toContain('check_id_number')
  })

  it('says what saving fills from a valid resident ID: 出生日期 and 性别', async () => {
    invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
      if (cmd === 'id_types') return ID_TYPES
      if (cmd === 'check_id_number') return null
      if (cmd === 'id_derived_values') {
        expect(args).toEqual({ idType: '1', idNumber: '11010519491231002X' })
        return [
          { field: 'birth_date', label: '出生日期', value: '1949-12-31', shown: '1949-12-31' },
          { field: 'gender', label: '性别', value: '2', shown: '女' },
        ]
      }
      throw new Error(`unexpected command ${cmd}`)
    })
    mountDialog()
    await settle()
    await type('teacher-id-number', '11010519491231002X')
    await new Promise((r) => setTimeout(r, 200))
    await settle()
    const derived = document.body.querySelector('[data-testid="teacher-id-derived"]')
    expect(derived?.textContent).toContain('保存后将按身份证件号填写：出生日期 1949-12-31、性别 女')
  })

  it('says nothing of derived values for an ID number the back end refuses', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'id_types') return ID_TYPES
      if (cmd === 'check_id_number') return '第18位校验码应为 X，实为 0。'
      throw new Error(`unexpected command ${cmd}`)
    })
    mountDialog()
    await settle()
    await type('teacher-id-number', '110105194912310020')
    await new Promise((r) => setTimeout(r, 200))
    await settle()
    expect(document.body.querySelector('[data-testid="teacher-id-derived"]')).toBeNull()
    expect(invoke.mock.calls.map((c) => c[0])).not.toContain('id_derived_values')
  })
})

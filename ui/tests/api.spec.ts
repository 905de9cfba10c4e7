import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  addTeacher,
  checkRecord,
  clearProvincePack,
  createSchool,
  deleteRecord,
  errorMessage,
  explainWarning,
  importCommit,
  importHistory,
  importOpen,
  importPreview,
  importRows,
  importSaveRefused,
  importUndo,
  provincePack,
  saveRecord,
  teacherRecords,
  useProvincePack,
  whenLocked,
} from '../src/api'
import type { ErrorPayload } from '../src/bindings'
import { setLocale } from '../src/i18n'
import zhCN from '../src/i18n/zh-CN'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

describe('errorMessage', () => {
  beforeEach(() => setLocale('zh-CN'))

  it('returns the message of an ErrorPayload', () => {
    const payload: ErrorPayload = { code: 'invalid_id_number', kind: 'user', message: '身份证件号校验位不正确' }
    expect(errorMessage(payload)).toBe('身份证件号校验位不正确')
  })

  it('returns the generic message for something that is not an ErrorPayload', () => {
    expect(errorMessage({ unexpected: true })).toBe(zhCN.errors.unexpected)
    expect(errorMessage(undefined)).toBe(zhCN.errors.unexpected)
  })
})

describe('command wrappers', () => {
  beforeEach(() => invoke.mockReset().mockResolvedValue(null))

  it('pass arguments under the names the commands expect', async () => {
    await createSchool(
      '/tmp/a.taoli',
      { code: '1234567890', name: '桃李小学', school_type: '211', region_code: null },
      { name: '管理员', password: 'taoli-admin' },
    )
    await addTeacher({ name: '张三', id_type: '1', id_number: '11010519491231002X' })
    expect(invoke).toHaveBeenNthCalledWith(1, 'create_school', {
      path: '/tmp/a.taoli',
      school: { code: '1234567890', name: '桃李小学', school_type: '211', region_code: null },
      admin: { name: '管理员', password: 'taoli-admin' },
    })
    expect(invoke).toHaveBeenNthCalledWith(2, 'add_teacher', {
      teacher: { name: '张三', id_type: '1', id_number: '11010519491231002X' },
    })
  })

  it('pass the record commands their arguments in camelCase', async () => {
    const draft = { teacher_id: 't-1', group: 'basic', record_id: null, expected_version: null, fields: { gender: '2' } }
    await teacherRecords('t-1')
    await saveRecord(draft)
    await checkRecord(draft)
    await deleteRecord('r-1')
    expect(invoke.mock.calls).toEqual([
      ['teacher_records', { teacherId: 't-1' }],
      ['save_record', { draft }],
      ['check_record', { draft }],
      ['delete_record', { recordId: 'r-1' }],
    ])
  })

  it('pass the province pack and warning commands their arguments in camelCase', async () => {
    await provincePack()
    await useProvincePack('/tmp/example-pack.toml')
    await clearProvincePack()
    await explainWarning({ teacherId: 't-1', rule: 'gender_matches_id', field: 'gender', rowOrder: null }, '以人事档案为准')
    expect(invoke.mock.calls).toEqual([
      ['province_pack'],
      ['use_province_pack', { path: '/tmp/example-pack.toml' }],
      ['clear_province_pack'],
      [
        'explain_warning',
        { teacherId: 't-1', rule: 'gender_matches_id', field: 'gender', rowOrder: null, reason: '以人事档案为准' },
      ],
    ])
  })

  it('pass the import commands their arguments in camelCase', async () => {
    const options = { sheets: [], mappings: [{ header: '来校时间', target: '基本信息.进本校年月' }], on_conflict: 'keep' as const, locale: 'zh-CN' as const }
    await importOpen('/tmp/花名册.csv')
    await importPreview('/tmp/花名册.csv', options)
    await importRows('refused', 200, 200)
    await importCommit()
    await importSaveRefused('/tmp/花名册-未通过.xlsx')
    await importHistory()
    await importUndo('imp-1')
    await importUndo(null)
    expect(invoke.mock.calls).toEqual([
      ['import_open', { path: '/tmp/花名册.csv' }],
      ['import_preview', { path: '/tmp/花名册.csv', options }],
      ['import_rows', { status: 'refused', offset: 200, limit: 200 }],
      ['import_commit'],
      ['import_save_refused', { path: '/tmp/花名册-未通过.xlsx' }],
      ['import_history'],
      ['import_undo', { importId: 'imp-1' }],
      ['import_undo', { importId: null }],
    ])
  })

  it('show the lock screen when any command says the session is locked', async () => {
    const locked: ErrorPayload = { code: 'account.session_locked', kind: 'user', message: '已锁定' }
    const onLocked = vi.fn()
    whenLocked(onLocked)
    invoke.mockRejectedValueOnce(locked).mockRejectedValueOnce({ ...locked, code: 'account.not_permitted' })
    await expect(teacherRecords('t-1')).rejects.toEqual(locked)
    expect(onLocked).toHaveBeenCalledTimes(1)
    await expect(provincePack()).rejects.toMatchObject({ code: 'account.not_permitted' })
    expect(onLocked).toHaveBeenCalledTimes(1)
    whenLocked(() => {})
  })
})

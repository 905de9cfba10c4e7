import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Backup, BackupList } from '../src/bindings'
import BackupSection from '../src/components/BackupSection.vue'
import { byTestId, clickTestId, inputOf, routeInvoke } from './formHelpers'
import { plugins, settle, signInForTests, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const dialog = vi.hoisted(() => ({ open: vi.fn() }))
vi.mock('@tauri-apps/plugin-dialog', () => dialog)

const FOLDER = '/home/clerk/桃李/2151012345-桃李小学-备份'

function backup(stamp: string, reason: Backup['reason'], label: string): Backup {
  const file_name = `2151012345-桃李小学-${stamp}-${label}.taoli`
  return { path: `${FOLDER}/${file_name}`, file_name, reason, made_at: '2026-11-22 08:00:00', bytes: 200_000 }
}

const DAILY = backup('20261122-080000', 'daily', '每日')
const LIST: BackupList = { folder: FOLDER, backups: [DAILY, backup('20261121-170000', 'before_import', '导入前')], keep_recent: 10 }
const SAFETY = backup('20261122-090000', 'before_restore', '恢复前')

let wrapper: ReturnType<typeof mount> | undefined

async function mountSection(overrides: Record<string, (args?: Record<string, unknown>) => unknown> = {}) {
  routeInvoke(invoke, {
    backup_list: () => LIST,
    backup_now: () => backup('20261122-090000', 'manual', '手动'),
    backup_to: (args) => backup('20261122-090000', 'manual', `手动-${(args as { folder: string }).folder}`),
    restore_backup: () => SAFETY,
    ...overrides,
  })
  wrapper = mount(BackupSection, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

/** Answers the confirmation box: the primary button, or cancel. */
async function answer(confirm: boolean): Promise<void> {
  await settle()
  const box = document.body.querySelector('.el-message-box')!
  const button = box.querySelector<HTMLElement>(confirm ? '.el-button--primary' : '.el-button:not(.el-button--primary)')!
  button.click()
  await new Promise((resolve) => setTimeout(resolve, 50))
  await settle()
}

describe('BackupSection', () => {
  beforeEach(() => {
    signInForTests()
    useChinese()
    invoke.mockReset()
    dialog.open.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('says where the automatic backups are and how many are kept', async () => {
    await mountSection()
    expect(byTestId('backup-help').textContent).toContain(FOLDER)
    expect(byTestId('backup-help').textContent).toContain('保留最近 10 份和每月 1 份')
  })

  it('lists the backups, newest first, with their reasons', async () => {
    await mountSection()
    const reasons = Array.from(document.body.querySelectorAll('[data-testid="backup-row-reason"]')).map((e) => e.textContent)
    expect(reasons).toEqual(['每日', '导入前'])
  })

  it('backs up now and lists again', async () => {
    await mountSection()
    invoke.mockClear()
    await clickTestId('backup-now')
    await settle()
    expect(invoke.mock.calls.map((c) => c[0])).toEqual(['backup_now', 'backup_list'])
  })

  it('backs up into the folder typed', async () => {
    await mountSection()
    const input = inputOf('backup-folder')
    input.value = '/media/usb'
    input.dispatchEvent(new Event('input'))
    await clickTestId('backup-to')
    await settle()
    expect(invoke).toHaveBeenCalledWith('backup_to', { folder: '/media/usb' })
  })

  it('asks for a folder before backing up to none', async () => {
    await mountSection()
    await clickTestId('backup-to')
    await settle()
    expect(byTestId('backup-error').textContent).toContain('请输入要备份到的文件夹')
    expect(invoke).not.toHaveBeenCalledWith('backup_to', expect.anything())
  })

  it('restores a listed backup once the clerk confirms', async () => {
    await mountSection()
    await clickTestId('backup-restore')
    expect(document.body.querySelector('.el-message-box')?.textContent).toContain('2026-11-22 08:00:00 的「每日」备份')
    await answer(true)
    expect(invoke).toHaveBeenCalledWith('restore_backup', { path: DAILY.path })
  })

  it('restores nothing when the clerk cancels', async () => {
    await mountSection()
    await clickTestId('backup-restore')
    await answer(false)
    expect(invoke).not.toHaveBeenCalledWith('restore_backup', expect.anything())
  })

  it('shows the back end’s refusal of a backup of another school', async () => {
    await mountSection({
      restore_backup: () => {
        throw { code: 'backup.other_school', kind: 'user', message: '这是另一所学校（学校标识码 2151099999）的备份。' }
      },
    })
    const input = inputOf('restore-file')
    input.value = '/media/usb/别校.taoli'
    input.dispatchEvent(new Event('input'))
    await clickTestId('restore-from-file')
    await answer(true)
    expect(byTestId('backup-error').textContent).toContain('另一所学校')
  })
})

import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ErrorPayload, OutboxStatus, SyncPass } from '../src/bindings'
import SubmitPage from '../src/components/SubmitPage.vue'
import { setLocale } from '../src/i18n'
import { reviewWaiting } from '../src/reviewWaiting'
import { resetSession, useSession } from '../src/session'
import { uploadOf } from '../src/uploads'
import { byTestId, clickTestId, maybeTestId, routeInvoke, typeInto, wait, type Handlers } from './formHelpers'
import { plugins, settle, signInForTests, useChinese } from './helpers'
import { EFFECTIVE, ENROLLMENT, NOTHING_MISSING, RECEIPT, batch, pass, report, status, upload } from './outboxFixtures'
import { WAITING, reviewStatus } from './reviewFixtures'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const dialog = vi.hoisted(() => ({ open: vi.fn(), save: vi.fn() }))
vi.mock('@tauri-apps/plugin-dialog', () => dialog)
const events = vi.hoisted(() => ({ syncPass: null as ((event: { payload: unknown }) => void) | null }))
vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(async (name: string, handler: (event: { payload: unknown }) => void) => {
    if (name === 'sync-pass') events.syncPass = handler
    return () => {
      if (events.syncPass === handler) events.syncPass = null
    }
  }),
}))

const NOT_ENROLLED: OutboxStatus = status({
  enrollment: null,
  batches: [],
  missing: { ...NOTHING_MISSING, not_enrolled: true },
})

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage(overrides: Handlers = {}, shown: OutboxStatus = status()) {
  routeInvoke(invoke, {
    outbox_status: () => shown,
    receipts: () => (shown.enrollment ? [RECEIPT] : []),
    last_sync: () => null,
    ...overrides,
  })
  wrapper = mount(SubmitPage, { global: { plugins }, attachTo: document.body })
  await settle()
  await settle()
  return wrapper
}

function calls(cmd: string): unknown[][] {
  return invoke.mock.calls.filter((c) => c[0] === cmd)
}

function texts(testid: string): string[] {
  return Array.from(document.body.querySelectorAll(`[data-testid="${testid}"]`)).map((e) => e.textContent?.trim() ?? '')
}

function toasts(): string {
  return Array.from(document.body.querySelectorAll('.el-message')).map((e) => e.textContent).join('\n')
}

/** Types `password` into the 系统管理员 password box and confirms it. */
async function answerPassword(password: string): Promise<void> {
  await wait(50)
  const box = document.body.querySelector('.admin-password-dialog')
  if (!box) throw new Error('the password was not asked for')
  const input = box.querySelector('input')!
  input.value = password
  input.dispatchEvent(new Event('input'))
  await settle()
  box.querySelector<HTMLElement>('.el-button--primary')!.click()
  await wait(100)
}

async function fireSyncPass(told: SyncPass): Promise<void> {
  events.syncPass?.({ payload: told })
  await settle()
}

const NEEDS_PASSWORD: ErrorPayload = {
  code: 'batches.admin_password_needed',
  kind: 'user',
  message: '这台电脑没有可用的密钥环……',
}

describe('SubmitPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    useChinese()
    invoke.mockReset()
    dialog.open.mockReset()
    dialog.save.mockReset()
    events.syncPass = null
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  // ----- not enrolled -----

  it('says the school is not enrolled and offers to enroll', async () => {
    await mountPage({}, NOT_ENROLLED)
    expect(byTestId('submit-not-enrolled').textContent).toContain('本校还没有登记上报')
    expect(maybeTestId('enroll-open')).not.toBeNull()
    expect(maybeTestId('submit-now')).toBeNull()
  })

  it('enrolls with the upstream address and the 报送码 typed, then shows the school enrolled', async () => {
    let enrolled = false
    await mountPage({
      outbox_status: () => (enrolled ? status() : NOT_ENROLLED),
      receipts: () => [],
      enroll: () => {
        enrolled = true
        return status().enrollment
      },
    })
    await clickTestId('enroll-open')
    await typeInto('enroll-upstream', ' http://127.0.0.1:8750 ')
    await typeInto('enroll-code', '7KQ2-M9XD-4HVA-PT3R')
    await clickTestId('enroll-submit')
    await settle()
    expect(invoke).toHaveBeenCalledWith('enroll', {
      upstream: 'http://127.0.0.1:8750',
      code: '7KQ2-M9XD-4HVA-PT3R',
      adminPassword: null,
    })
    expect(byTestId('submit-enrollment').textContent).toContain('http://127.0.0.1:8750')
    expect(toasts()).toContain('登记成功')
  })

  it('shows the upstream key fingerprint to compare once enrolled', async () => {
    let enrolled = false
    await mountPage({
      outbox_status: () => (enrolled ? status() : NOT_ENROLLED),
      receipts: () => [],
      enroll: () => {
        enrolled = true
        return status().enrollment
      },
    })
    await clickTestId('enroll-open')
    await typeInto('enroll-upstream', 'https://jsgl.example.gov.cn')
    await typeInto('enroll-code', '7KQ2-M9XD-4HVA-PT3R')
    await clickTestId('enroll-submit')
    await settle()
    expect(byTestId('enroll-fingerprint').textContent).toBe(ENROLLMENT.upstream_fingerprint)
    expect(byTestId('enroll-fingerprint-dialog').textContent).toContain('逐组核对')
    expect(byTestId('submit-fingerprint').textContent).toContain(ENROLLMENT.upstream_fingerprint)
  })

  it('asks for the upstream address and the code before enrolling', async () => {
    await mountPage({}, NOT_ENROLLED)
    await clickTestId('enroll-open')
    await clickTestId('enroll-submit')
    expect(byTestId('enroll-error').textContent).toContain('请填写上级系统的地址')
    await typeInto('enroll-upstream', 'http://127.0.0.1:8750')
    await clickTestId('enroll-submit')
    expect(byTestId('enroll-error').textContent).toContain('请填写县教育局给的报送码')
    expect(calls('enroll')).toEqual([])
  })

  it('shows the core’s message for a wrong 报送码 in the dialog', async () => {
    await mountPage(
      {
        enroll: () => {
          throw {
            code: 'protocol.enrollment_code_invalid',
            kind: 'user',
            message: '报送码不对、已经用过或已过期。请核对报送码，或向县教育局重新申请。',
          }
        },
      },
      NOT_ENROLLED,
    )
    await clickTestId('enroll-open')
    await typeInto('enroll-upstream', 'http://127.0.0.1:8750')
    await typeInto('enroll-code', 'AAAA-BBBB-CCCC-DDDD')
    await clickTestId('enroll-submit')
    await settle()
    expect(byTestId('enroll-error').textContent).toContain('报送码不对')
    expect(maybeTestId('submit-enrollment')).toBeNull()
  })

  it('asks for the 系统管理员 password when the core needs it to keep the key, and enrolls with it', async () => {
    const passwords: unknown[] = []
    await mountPage(
      {
        enroll: (args) => {
          passwords.push(args?.adminPassword)
          if (!args?.adminPassword) throw NEEDS_PASSWORD
          return status().enrollment
        },
      },
      NOT_ENROLLED,
    )
    await clickTestId('enroll-open')
    expect(maybeTestId('enroll-admin-password')).toBeNull()
    await typeInto('enroll-upstream', 'http://127.0.0.1:8750')
    await typeInto('enroll-code', '7KQ2-M9XD-4HVA-PT3R')
    await clickTestId('enroll-submit')
    await settle()
    expect(byTestId('enroll-password-help').textContent).toContain('没有可用的密钥环')
    await typeInto('enroll-admin-password', 'taoli-admin')
    await clickTestId('enroll-submit')
    await settle()
    expect(passwords).toEqual([null, 'taoli-admin'])
  })

  it('does not offer enrolling to a role that may not report', async () => {
    signInForTests(['teachers.view'])
    await mountPage({}, NOT_ENROLLED)
    expect(maybeTestId('enroll-open')).toBeNull()
    expect(byTestId('submit-not-enrolled').textContent).toContain('由信息管理员操作')
  })

  // ----- enrolled: deadline and what is missing -----

  it('counts down to the next deadline', async () => {
    await mountPage()
    expect(byTestId('submit-deadline').textContent).toBe('下一个报送截止日期：2027-03-31（上一年度数据全部更新完毕），还有 120 天')
  })

  it('lists what is still missing', async () => {
    await mountPage(
      {},
      status({
        missing: {
          ...NOTHING_MISSING,
          teachers_with_errors: 2,
          unsent_changes: 5,
          changes_needing_reason: 1,
          returned_records: 1,
          batch_in_flight: true,
        },
      }),
    )
    expect(texts('submit-missing-item')).toEqual([
      '2 位教师的信息有错误，改正后才能上报（在「校验」页查看）',
      '5 处改动还没有上传',
      '其中 1 处是对已生效信息的更改，上传时要写明变更理由',
      '1 条记录被上级系统退回，还没有改正',
      '有一批数据还没有上传完成，桃李会自动接着上传',
    ])
  })

  it('lists the teachers whose 信息确认表 is unsigned or changed since signing', async () => {
    const teacher = (id: string, name: string) => ({
      id,
      name,
      id_type: '1',
      id_type_name: '居民身份证',
      id_number: '11010519491231002X',
      version: 1,
      created_at: '',
      updated_at: '',
    })
    await mountPage(
      { signoff_gaps: () => ({ unsigned: [teacher('a', '张三'), teacher('b', '李四')], stale: [teacher('c', '王五')] }) },
      status({ missing: NOTHING_MISSING }),
    )
    expect(texts('submit-missing-item')).toEqual([
      '2 位教师的信息确认表还没有签字：张三、李四',
      '1 位教师签字后信息有改动，需重新打印确认表签字：王五',
    ])
  })

  it('says so when nothing is missing', async () => {
    await mountPage({}, status({ missing: NOTHING_MISSING }))
    expect(maybeTestId('submit-missing')).toBeNull()
    expect(byTestId('submit-all-sent').textContent).toContain('所有信息都已上报')
  })

  // ----- 立即上传 -----

  it('submits without a reason when no change needs one, and says the upstream received the batch', async () => {
    await mountPage({
      submit: () => ({ built: batch(2), sync: report({ received: [batch(2, { record_count: 3 })] }) }),
    })
    await clickTestId('submit-now')
    await settle()
    expect(invoke).toHaveBeenCalledWith('submit', { changeReason: null, adminPassword: null })
    expect(toasts()).toContain('已上传第 2 批（3 条记录），上级系统已接收，回执已保存')
  })

  it('says there was nothing new to report', async () => {
    await mountPage({ submit: () => ({ built: null, sync: report() }) })
    await clickTestId('submit-now')
    await settle()
    expect(toasts()).toContain('没有新的改动要上报')
  })

  it('says a batch that could not be sent yet waits and goes on by itself', async () => {
    const waiting = batch(2, { state: 'uploading', status: 'uploading', state_label: '上传中', received_at: null })
    await mountPage({
      submit: () => ({
        built: waiting,
        sync: report({
          pending: waiting,
          pending_error: { code: 'batches.upstream_unreachable', kind: 'user', message: '连不上上级系统（http://127.0.0.1:8750）。' },
        }),
      }),
    })
    await clickTestId('submit-now')
    await settle()
    expect(toasts()).toContain('第 2 批还没有上传完成：连不上上级系统')
    expect(toasts()).toContain('桃李会自动接着上传')
  })

  it('asks for the 变更理由 when changes to information in effect need one, and sends it', async () => {
    await mountPage(
      { submit: () => ({ built: batch(2), sync: report({ received: [batch(2)] }) }) },
      status({ missing: { ...NOTHING_MISSING, unsent_changes: 1, changes_needing_reason: 1 } }),
    )
    await clickTestId('submit-now')
    expect(byTestId('reason-dialog').textContent).toContain('有 1 处改动是对已经生效的信息的更改')
    await clickTestId('reason-submit')
    expect(byTestId('reason-error').textContent).toContain('请写明变更理由')
    expect(calls('submit')).toEqual([])
    const box = byTestId('reason-input')
    const input = box instanceof HTMLTextAreaElement ? box : box.querySelector('textarea')!
    input.value = '姓名登记有误，以户口簿为准'
    input.dispatchEvent(new Event('input'))
    await settle()
    await clickTestId('reason-submit')
    await settle()
    expect(invoke).toHaveBeenCalledWith('submit', { changeReason: '姓名登记有误，以户口簿为准', adminPassword: null })
  })

  it('submits the other changes without a reason when the clerk leaves those for later', async () => {
    await mountPage(
      { submit: () => ({ built: batch(2), sync: report() }) },
      status({ missing: { ...NOTHING_MISSING, unsent_changes: 2, changes_needing_reason: 1 } }),
    )
    await clickTestId('submit-now')
    await clickTestId('reason-skip')
    await settle()
    expect(invoke).toHaveBeenCalledWith('submit', { changeReason: null, adminPassword: null })
  })

  it('submits nothing when the clerk cancels the 变更理由', async () => {
    await mountPage({}, status({ missing: { ...NOTHING_MISSING, unsent_changes: 1, changes_needing_reason: 1 } }))
    await clickTestId('submit-now')
    await clickTestId('reason-cancel')
    await settle()
    expect(calls('submit')).toEqual([])
  })

  it('asks for the 系统管理员 password when the signing key needs it, and submits again with it', async () => {
    const passwords: unknown[] = []
    await mountPage({
      submit: (args) => {
        passwords.push(args?.adminPassword)
        if (!args?.adminPassword) throw NEEDS_PASSWORD
        return { built: batch(2), sync: report({ received: [batch(2)] }) }
      },
    })
    await clickTestId('submit-now')
    await answerPassword('taoli-admin')
    await settle()
    expect(passwords).toEqual([null, 'taoli-admin'])
    expect(toasts()).toContain('上级系统已接收')
  })

  it('shows the core’s refusal of a submit', async () => {
    await mountPage({
      submit: () => {
        throw { code: 'batches.signing_key_missing', kind: 'user', message: '这台电脑上找不到本校登记时生成的签名密钥' }
      },
    })
    await clickTestId('submit-now')
    await settle()
    expect(byTestId('submit-error').textContent).toContain('找不到本校登记时生成的签名密钥')
  })

  it('hides submitting from a role that may not report', async () => {
    signInForTests(['teachers.view'])
    await mountPage()
    for (const testid of ['submit-now', 'sync-now', 'export-batch', 'import-receipt', 'batch-row-export-receipt']) {
      expect(maybeTestId(testid), testid).toBeNull()
    }
    expect(texts('upload-row-status')).toEqual(['已退回', '已生效'])
  })

  // ----- syncing -----

  it('shows the last sync and when the next one comes', async () => {
    await mountPage({
      last_sync: () => pass({ report: report({ reviews: { accepted: 1, returned: 1, duplicates: 0, unknown: 0 } }) }),
    })
    expect(byTestId('submit-last-sync').textContent).toContain('取回审核结果：生效 1 条，退回 1 条')
    expect(byTestId('submit-next-sync').textContent).toContain('下次自动同步')
  })

  it('shows why the last sync did not go through', async () => {
    await mountPage({
      last_sync: () =>
        pass({ report: null, error: { code: 'batches.upstream_unreachable', kind: 'user', message: '连不上上级系统（http://127.0.0.1:8750）' } }),
    })
    expect(byTestId('submit-last-sync').textContent).toContain('连不上上级系统')
    expect(byTestId('submit-last-sync').classList.contains('failed')).toBe(true)
  })

  it('says the batches lost by restoring a backup were taken back from the upstream', async () => {
    await mountPage({ last_sync: () => pass({ report: report({ recovered: [batch(1), batch(2)] }) }) })
    expect(byTestId('submit-last-sync').textContent).toContain('恢复备份后丢失的 2 批已从上级系统取回')
  })

  it('shows a refused batch’s refusal in English in the English window', async () => {
    const refused = batch(1, {
      state: 'refused',
      status: 'refused',
      refusal: { code: 'sequence_out_of_order', message: '批次序号不连续（序号 3）', detail_en: 'sequence number 3' },
      refusal_en: 'The batch sequence has a gap (sequence number 3)',
    })
    setLocale('en')
    try {
      await mountPage({}, status({ batches: [refused] }))
      const note = byTestId('batch-row-note').textContent ?? ''
      expect(note).toContain('The batch sequence has a gap (sequence number 3)')
      expect(note).not.toContain('批次序号不连续')
    } finally {
      useChinese()
    }
  })

  it('shows a refused batch’s refusal in Chinese in the Chinese window', async () => {
    const refused = batch(1, {
      state: 'refused',
      status: 'refused',
      refusal: { code: 'sequence_out_of_order', message: '批次序号不连续（序号 3）' },
      refusal_en: 'The batch sequence has a gap (sequence number 3)',
    })
    await mountPage({}, status({ batches: [refused] }))
    expect(byTestId('batch-row-note').textContent).toContain('批次序号不连续（序号 3）')
  })

  it('says why the batches lost by restoring a backup could not be taken back', async () => {
    await mountPage({
      last_sync: () =>
        pass({
          report: report({
            refused: [batch(3, { state: 'refused', status: 'refused', state_label: '被拒收' })],
            recovery_error: { code: 'batches.upstream_history_mismatch', kind: 'user', message: '学校文件与上级系统的记录对不上' },
          }),
        }),
    })
    expect(byTestId('submit-last-sync').textContent).toContain('没能从上级系统取回恢复备份后丢失的批次：学校文件与上级系统的记录对不上')
  })

  it('says how to unlock the signing key when the worker’s pass needed the 系统管理员 password', async () => {
    await mountPage({ last_sync: () => pass({ report: null, error: NEEDS_PASSWORD }) })
    expect(byTestId('submit-last-sync').textContent).toContain('请点「立即同步」或「立即上传」输入一次')
  })

  it('reads everything again when the worker says a pass changed something', async () => {
    await mountPage()
    invoke.mockClear()
    await fireSyncPass(pass({ changed: false }))
    expect(calls('outbox_status')).toEqual([])
    await fireSyncPass(pass({ changed: true, report: report({ reviews: { accepted: 0, returned: 1, duplicates: 0, unknown: 0 } }) }))
    expect(calls('outbox_status').length).toBe(1)
    expect(byTestId('submit-last-sync').textContent).toContain('退回 1 条')
  })

  it('syncs now and says what came back', async () => {
    await mountPage({ sync_now: () => pass({ report: report({ received: [batch(2)] }) }) })
    await clickTestId('sync-now')
    await settle()
    expect(invoke).toHaveBeenCalledWith('sync_now', { adminPassword: null })
    expect(toasts()).toContain('同步完成：上级系统接收了 1 批')
  })

  // ----- each teacher -----

  it('shows each teacher’s status and the reviewer’s reason of a returned one', async () => {
    await mountPage()
    expect(texts('upload-row-status')).toEqual(['已退回', '已生效'])
    expect(texts('upload-row-note')).toEqual(['退回（身份信息）：姓名与户籍不一致，请核对'])
    expect(uploadOf('id-11010519491231002X')?.status).toBe('returned')
  })

  it('says why a teacher’s changes wait, in the language chosen', async () => {
    const waiting = upload('t-3', '王五', 'pending', '待上报', { unsent: 2, errors: 2, held_back: { kind: 'errors', count: 2 } })
    const warned = upload('t-4', '赵六', 'pending', '待上报', { unsent: 1, held_back: { kind: 'unexplained_warnings', count: 1 } })
    const change = upload('t-5', '钱七', 'pending', '待上报', { unsent: 1, held_back: { kind: 'needs_change_reason' } })
    await mountPage({}, status({ teachers: [waiting, warned, change] }))
    expect(texts('upload-row-note')).toEqual([
      '有 2 处错误，改正后才能上报（在「校验」页查看）',
      '有 1 条提醒还没有写明理由，写明后才能上报（在「校验」页填写提醒理由）',
      '已生效的信息有改动，要作为变更申请上报，需写明变更理由',
    ])
  })

  it('says when a teacher’s changes wait for their signature', async () => {
    const unsigned = upload('t-6', '孙八', 'pending', '待上报', { unsent: 1, held_back: { kind: 'signoff', lack: 'unsigned' } })
    const stale = upload('t-7', '周九', 'pending', '待上报', { unsent: 1, held_back: { kind: 'signoff', lack: 'stale' } })
    await mountPage({}, status({ teachers: [unsigned, stale] }))
    const notes = texts('upload-row-note')
    expect(notes[0]).toContain('学校要求报送前本人签字确认')
    expect(notes[1]).toContain('签字后信息有改动')
  })

  it('shows only the teachers of the status chosen', async () => {
    await mountPage()
    byTestId('upload-count-effective').click()
    await settle()
    expect(texts('upload-row-name')).toEqual(['李四'])
  })

  // ----- batches and receipts -----

  it('lists the batches with the core’s state and their records', async () => {
    await mountPage()
    await clickTestId('submit-tab-batches')
    expect(texts('batch-row-sequence')).toEqual(['第 1 批'])
    expect(texts('batch-row-state')).toEqual(['已接收'])
    expect(texts('batch-row-records')[0]).toContain('2 条（生效 0，退回 0，待审核 2）')
  })

  it('shows a receipt’s details', async () => {
    await mountPage()
    await clickTestId('submit-tab-batches')
    await clickTestId('batch-row-receipt')
    expect(byTestId('receipt-batch').textContent).toBe('b-1')
    expect(byTestId('receipt-sha256').textContent).toBe('b'.repeat(64))
    expect(byTestId('receipt-json').textContent).toContain('"protocol": "taoli-batch/1"')
  })

  it('exports a receipt to the file the clerk picks, proposing the core’s name', async () => {
    dialog.save.mockResolvedValue('/media/usb/第1批回执.taolireceipt')
    await mountPage({
      receipt_file_name: () => '桃李小学-第1批回执.taolireceipt',
      export_receipt: () => RECEIPT,
    })
    await clickTestId('submit-tab-batches')
    await clickTestId('batch-row-export-receipt')
    await settle()
    expect(dialog.save).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: '桃李小学-第1批回执.taolireceipt' }))
    expect(invoke).toHaveBeenCalledWith('export_receipt', { batchId: 'b-1', path: '/media/usb/第1批回执.taolireceipt' })
    expect(toasts()).toContain('回执已导出到 /media/usb/第1批回执.taolireceipt')
  })

  it('writes a batch file for a USB stick', async () => {
    dialog.save.mockResolvedValue('/media/usb/第2批.taolibatch')
    await mountPage({
      batch_file_name: () => '桃李小学-第2批.taolibatch',
      export_batch: (args) => ({ batch: batch(2), path: args?.path, bytes: 900 }),
    })
    await clickTestId('export-batch')
    await settle()
    expect(invoke).toHaveBeenCalledWith('export_batch', { path: '/media/usb/第2批.taolibatch', changeReason: null, adminPassword: null })
    expect(toasts()).toContain('已把第 2 批（2 条记录，已签名）写入 /media/usb/第2批.taolibatch')
  })

  it('says when there was nothing to write to a batch file', async () => {
    dialog.save.mockResolvedValue('/media/usb/第2批.taolibatch')
    await mountPage({ batch_file_name: () => '桃李小学-第2批.taolibatch', export_batch: () => null })
    await clickTestId('export-batch')
    await settle()
    expect(toasts()).toContain('没有要上报的改动，没有写出批次文件')
  })

  it('imports the receipt file that came back', async () => {
    dialog.open.mockResolvedValue('/media/usb/第2批.taolireceipt')
    await mountPage({ import_receipt: () => ({ batch: batch(2), newly_received: true }) })
    await clickTestId('import-receipt')
    await settle()
    expect(invoke).toHaveBeenCalledWith('import_receipt', { path: '/media/usb/第2批.taolireceipt' })
    expect(toasts()).toContain('已导入第 2 批的回执')
  })

  it('goes back to the teacher list', async () => {
    await mountPage()
    await clickTestId('submit-back')
    expect(useSession().view.value).toBe('list')
  })
})

describe('SubmitPage with the school review (学校负责人审核)', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    useChinese()
    invoke.mockReset()
    events.syncPass = null
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('offers 提交审核 instead of 立即上传', async () => {
    await mountPage({ review_status: () => reviewStatus() })
    expect(byTestId('submit-now').textContent).toContain('提交审核')
  })

  it('shows the batch waiting for review', async () => {
    await mountPage({ review_status: () => reviewStatus({ waiting: WAITING }) })
    expect(byTestId('submit-review-waiting').textContent).toContain('第 3 批')
    expect(byTestId('submit-review-waiting').textContent).toContain('待审核')
  })

  it('shows the note of a returned batch', async () => {
    await mountPage({
      review_status: () =>
        reviewStatus({
          returned: {
            batch_id: 'b-3',
            sequence: 3,
            note: '学历请核对',
            returned_at: '2026-03-01T03:00:00Z',
            returned_by: '管理员',
            submitted_by: '王老师',
          },
        }),
    })
    expect(byTestId('submit-review-returned').textContent).toContain('学历请核对')
  })

  it('keeps 立即上传 without the setting', async () => {
    await mountPage({ review_status: () => reviewStatus({ required: false }) })
    expect(byTestId('submit-now').textContent).toContain('立即上传')
    expect(maybeTestId('submit-review-waiting')).toBeNull()
    expect(maybeTestId('upload-count-awaiting_review')).toBeNull()
  })

  it('shows the teachers and the batch waiting for review as 待审核, not 上传中', async () => {
    const waiting = upload('t-1', '张三', 'awaiting_review', '待审核')
    await mountPage(
      { review_status: () => reviewStatus({ waiting: WAITING }) },
      status({
        teachers: [waiting, EFFECTIVE],
        batches: [batch(3, { state: 'built', status: 'awaiting_review', state_label: '待审核', signed_at: null, received_at: null })],
        counts: { returned: 0, pending: 0, awaiting_review: 1, uploading: 0, received: 0, effective: 1 },
      }),
    )
    expect(texts('upload-row-status')).toEqual(['待审核', '已生效'])
    expect(byTestId('upload-count-awaiting_review').textContent).toContain('待审核 1')
    byTestId('upload-count-awaiting_review').click()
    await settle()
    expect(texts('upload-row-name')).toEqual(['张三'])
    await clickTestId('submit-tab-batches')
    expect(texts('batch-row-state')).toEqual(['待审核'])
  })

  it('keeps the side menu’s 待审核 count with the review status it reads', async () => {
    await mountPage({ review_status: () => reviewStatus({ waiting: WAITING }) })
    expect(reviewWaiting.value).toBe(1)
    wrapper?.unmount()
    wrapper = undefined
    await mountPage({ review_status: () => reviewStatus() })
    expect(reviewWaiting.value).toBe(0)
  })
})

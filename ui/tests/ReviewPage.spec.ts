import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ReviewPage from '../src/components/ReviewPage.vue'
import { reviewWaiting } from '../src/reviewWaiting'
import { resetSession } from '../src/session'
import { byTestId, clickTestId, maybeTestId, routeInvoke, wait, type Handlers } from './formHelpers'
import { plugins, settle, signInForTests, useChinese } from './helpers'
import { APPROVAL, PENDING, WAITING } from './reviewFixtures'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage(handlers: Handlers) {
  routeInvoke(invoke, handlers)
  wrapper = mount(ReviewPage, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

function texts(testid: string): string[] {
  return Array.from(document.body.querySelectorAll(`[data-testid="${testid}"]`)).map((e) => e.textContent?.trim() ?? '')
}

function calls(cmd: string): unknown[][] {
  return invoke.mock.calls.filter((c) => c[0] === cmd)
}

describe('ReviewPage', () => {
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

  it('says when no batch waits, and offers neither approval nor return', async () => {
    await mountPage({ review_pending: () => null })
    expect(byTestId('review-nothing').textContent).toContain('没有等待审核的批次')
    expect(maybeTestId('review-approve')).toBeNull()
    expect(maybeTestId('review-return')).toBeNull()
  })

  it('lists the waiting batch per teacher with before → after by indicator label', async () => {
    await mountPage({ review_pending: () => PENDING })
    expect(byTestId('review-batch').textContent).toContain('第 3 批')
    expect(texts('review-teacher-name')).toEqual(['张三', '李四'])
    const fields = texts('review-field')
    expect(fields[0]).toContain('民族')
    expect(fields[0]).toContain('汉族')
    expect(fields[0]).toContain('蒙古族')
    expect(fields[1]).toContain('（空）')
  })

  it('shows the warnings that travel with their reasons', async () => {
    await mountPage({ review_pending: () => PENDING })
    const warnings = texts('review-warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('参加工作时不满 18 岁')
    expect(warnings[0]).toContain('16 岁参军')
  })

  it('approves and uploads, then reads again', async () => {
    let waiting = true
    await mountPage({
      review_pending: () => (waiting ? PENDING : null),
      review_approve: () => {
        waiting = false
        return APPROVAL
      },
    })
    expect(reviewWaiting.value).toBe(1)
    await clickTestId('review-approve')
    await settle()
    expect(calls('review_approve')).toEqual([['review_approve', { adminPassword: null }]])
    expect(maybeTestId('review-nothing')).not.toBeNull()
    // The side menu's 待审核 count follows: nothing waits any more.
    expect(reviewWaiting.value).toBe(0)
  })

  it('returns the batch with the note written', async () => {
    await mountPage({
      review_pending: () => PENDING,
      review_send_back: () => ({
        batch_id: WAITING.batch_id,
        sequence: 3,
        note: '学历请核对',
        returned_at: '2026-03-01T03:00:00Z',
        returned_by: '管理员',
        submitted_by: '王老师',
      }),
    })
    await clickTestId('review-return')
    await wait(50)
    const box = document.body.querySelector('.review-note-dialog')
    if (!box) throw new Error('the note was not asked for')
    const input = box.querySelector('textarea')!
    input.value = '学历请核对'
    input.dispatchEvent(new Event('input'))
    await settle()
    box.querySelector<HTMLElement>('.el-button--primary')!.click()
    await wait(100)
    expect(calls('review_send_back')).toEqual([['review_send_back', { note: '学历请核对' }]])
  })
})

import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CorrectionRequest } from '../src/bindings'
import CorrectionRequestBanner from '../src/components/CorrectionRequestBanner.vue'
import { byTestId, clickTestId, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'
import { resetSession } from '../src/session'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

function request(more: Partial<CorrectionRequest> = {}): CorrectionRequest {
  return {
    id: 'c-1',
    teacher_id: 't-1',
    name: '张珊',
    id_type: '1',
    id_type_name: '居民身份证',
    id_number: '11010519491231002X',
    old_name: '张三',
    old_id_type: '1',
    old_id_type_name: '居民身份证',
    old_id_number: '11010519491231002X',
    reason: '姓名录入错字',
    evidence: null,
    state: 'pending',
    sent: true,
    decision_note: null,
    decided_at: null,
    created_at: '2026-12-07T00:00:00Z',
    created_by: '王老师',
    ...more,
  }
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountBanner(open: CorrectionRequest | null, withdrawn: string[] = []) {
  routeInvoke(invoke, {
    correction_request: () => open,
    withdraw_correction: (args) => {
      withdrawn.push((args as { teacherId: string }).teacherId)
      return { ...open, state: 'withdrawn' }
    },
  })
  wrapper = mount(CorrectionRequestBanner, {
    props: { teacherId: 't-1', readOnly: false },
    global: { plugins },
    attachTo: document.body,
  })
  await settle()
  await settle()
}

describe('CorrectionRequestBanner', () => {
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

  it('shows nothing without an open request', async () => {
    await mountBanner(null)
    expect(maybeTestId('correction-request')).toBeNull()
  })

  it('shows the identity in effect, the one asked for, and that it waits for the county', async () => {
    await mountBanner(request())
    expect(byTestId('correction-request-change').textContent).toContain('张三（居民身份证 11010519491231002X） → 张珊')
    expect(byTestId('correction-request-state').textContent).toContain('等待上级审核')
  })

  it('shows the county’s note on a returned request', async () => {
    await mountBanner(request({ state: 'returned', decision_note: '请附户口簿复印件' }))
    expect(byTestId('correction-request-state').textContent).toContain('上级已退回：请附户口簿复印件')
  })

  it('withdraws the request and goes away', async () => {
    const withdrawn: string[] = []
    await mountBanner(request(), withdrawn)
    await clickTestId('correction-request-withdraw')
    await settle()
    expect(withdrawn).toEqual(['t-1'])
    expect(maybeTestId('correction-request')).toBeNull()
    expect(wrapper?.emitted('withdrawn')).toHaveLength(1)
  })
})

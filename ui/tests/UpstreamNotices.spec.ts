import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UpstreamNotice } from '../src/bindings'
import UpstreamNotices from '../src/components/UpstreamNotices.vue'
import { clickTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'
import { resetSession } from '../src/session'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

function notice(cursor: number, read: boolean): UpstreamNotice {
  return {
    cursor,
    message: `请于3月31日前完成报送（${cursor}）`,
    from: '三台县 张科员',
    sent_at: '2027-03-25T02:00:00.000Z',
    received_at: '2027-03-25T03:00:00.000Z',
    read_at: read ? '2027-03-25T04:00:00.000Z' : null,
  }
}

let wrapper: ReturnType<typeof mount> | undefined

describe('UpstreamNotices', () => {
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

  it('shows the unread notices with who sent them', async () => {
    routeInvoke(invoke, { upstream_notices: () => [notice(2, false), notice(1, true)] })
    wrapper = mount(UpstreamNotices, { global: { plugins }, attachTo: document.body })
    await settle()
    const shown = document.querySelectorAll('[data-testid="upstream-notice"]')
    expect(shown).toHaveLength(1)
    expect(shown[0]?.textContent).toContain('请于3月31日前完成报送（2）')
    expect(shown[0]?.textContent).toContain('三台县 张科员')
    expect(document.body.textContent).toContain('1 条未读')
  })

  it('shows nothing when every notice is read', async () => {
    routeInvoke(invoke, { upstream_notices: () => [notice(1, true)] })
    wrapper = mount(UpstreamNotices, { global: { plugins }, attachTo: document.body })
    await settle()
    expect(document.querySelector('[data-testid="upstream-notices"]')).toBeNull()
  })

  it('marks the notices read when the clerk says 知道了', async () => {
    let read = false
    routeInvoke(invoke, {
      upstream_notices: () => [notice(1, read)],
      mark_upstream_notices_read: () => {
        read = true
        return 1
      },
    })
    wrapper = mount(UpstreamNotices, { global: { plugins }, attachTo: document.body })
    await settle()
    await clickTestId('notices-read')
    await settle()
    expect(read).toBe(true)
    expect(document.querySelector('[data-testid="upstream-notices"]')).toBeNull()
  })
})

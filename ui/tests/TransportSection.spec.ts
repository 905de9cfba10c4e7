import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import TransportSection from '../src/components/TransportSection.vue'
import { resetSession } from '../src/session'
import { byTestId, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, signInForTests, useChinese } from './helpers'
import { ENROLLMENT } from './outboxFixtures'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

let wrapper: ReturnType<typeof mount> | undefined

async function mountSection(handlers: Parameters<typeof routeInvoke>[1]): Promise<void> {
  routeInvoke(invoke, handlers)
  wrapper = mount(TransportSection, { global: { plugins }, attachTo: document.body })
  await settle()
}

describe('TransportSection', () => {
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

  it('shows the upstream key fingerprint kept at enrollment', async () => {
    await mountSection({
      transport_settings: () => ({ allow_plain_http: false }),
      enrollment: () => ENROLLMENT,
    })
    expect(byTestId('settings-fingerprint').textContent).toContain(ENROLLMENT.upstream_fingerprint)
  })

  it('says there is no fingerprint before the school enrolls', async () => {
    await mountSection({
      transport_settings: () => ({ allow_plain_http: false }),
      enrollment: () => null,
    })
    expect(maybeTestId('settings-fingerprint')).toBeNull()
    expect(byTestId('settings-not-enrolled').textContent).toContain('还没有登记上报')
  })

  it('shows plain http not allowed and allows it', async () => {
    let allow = false
    await mountSection({
      transport_settings: () => ({ allow_plain_http: allow }),
      enrollment: () => null,
      set_allow_plain_http: (args) => {
        allow = (args as { allow: boolean }).allow
        return { allow_plain_http: allow }
      },
    })
    expect(byTestId('settings-plain-http-state').textContent).toContain('不允许')
    byTestId('settings-plain-http').click()
    await settle()
    expect(invoke).toHaveBeenCalledWith('set_allow_plain_http', { allow: true })
    expect(byTestId('settings-plain-http-state').textContent).toContain('已允许')
  })
})

import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ReviewSettingSection from '../src/components/ReviewSettingSection.vue'
import { resetSession } from '../src/session'
import { byTestId, routeInvoke } from './formHelpers'
import { plugins, settle, signInForTests, useChinese } from './helpers'
import { reviewStatus } from './reviewFixtures'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

let wrapper: ReturnType<typeof mount> | undefined

describe('ReviewSettingSection', () => {
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

  it('shows the setting off and turns it on', async () => {
    let required = false
    routeInvoke(invoke, {
      review_status: () => reviewStatus({ required }),
      review_set_required: (args) => {
        required = (args as { required: boolean }).required
        return reviewStatus({ required })
      },
    })
    wrapper = mount(ReviewSettingSection, { global: { plugins }, attachTo: document.body })
    await settle()
    expect(byTestId('settings-review-state').textContent).toContain('已关闭')
    byTestId('settings-review-required').click()
    await settle()
    expect(invoke).toHaveBeenCalledWith('review_set_required', { required: true })
    expect(byTestId('settings-review-state').textContent).toContain('已开启')
  })
})

import { beforeEach, describe, expect, it, vi } from 'vitest'

const invoke = vi.fn()
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const { setLocale, tellBackEndLocale } = await import('../src/i18n')

describe('the interface language and the back end', () => {
  beforeEach(() => {
    invoke.mockReset()
    invoke.mockResolvedValue(undefined)
  })

  it('switching the language tells the back end, so its errors follow', () => {
    setLocale('en')
    expect(invoke).toHaveBeenCalledWith('set_locale', { locale: 'en' })
    setLocale('zh-CN')
    expect(invoke).toHaveBeenLastCalledWith('set_locale', { locale: 'zh-CN' })
  })

  it('a back end that cannot be told is no failure of the window', async () => {
    invoke.mockRejectedValue(new Error('no back end'))
    expect(() => tellBackEndLocale('en')).not.toThrow()
    await Promise.resolve()
  })
})

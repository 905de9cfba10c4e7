import { describe, expect, it } from 'vitest'
import { mayManageSchools, mayReview, pagesFor } from '../src/session'
import en from '../src/i18n/en'
import zhCN from '../src/i18n/zh-CN'

describe('what each role sees', () => {
  it('lets only an information administrator review', () => {
    expect(mayReview('info_admin')).toBe(true)
    expect(mayReview('system_admin')).toBe(false)
    expect(mayReview('info_query')).toBe(false)
  })

  it('lets an information viewer only read schools', () => {
    expect(mayManageSchools('info_query')).toBe(false)
    expect(mayManageSchools('system_admin')).toBe(true)
  })

  it('shows accounts and the audit log to a system administrator only', () => {
    expect(pagesFor('system_admin')).toContain('accounts')
    expect(pagesFor('system_admin')).toContain('audit')
    expect(pagesFor('info_admin')).not.toContain('accounts')
    expect(pagesFor('info_query')).toEqual(['progress', 'review', 'schools', 'teachers'])
  })
})

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : keys(v as object, `${prefix}${k}.`),
  )
}

describe('the locales', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })
})

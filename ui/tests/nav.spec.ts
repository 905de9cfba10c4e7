import { describe, expect, it } from 'vitest'
import type { Permission } from '../src/bindings'
import { NAV_ITEMS, navItems, navKeyOf, stepKey } from '../src/nav'

const role = (permissions: Permission[]) => (p: Permission) => permissions.includes(p)

const CLERK: Permission[] = [
  'teachers.view',
  'teachers.view_full',
  'teachers.edit',
  'import',
  'export',
  'sheets.print',
  'batches.submit',
  'audit.view',
  'backup',
]
const ADMIN: Permission[] = [
  'teachers.view',
  'teachers.view_full',
  'audit.view',
  'backup',
  'restore',
  'settings.manage',
  'users.manage',
]
const VIEWER: Permission[] = ['teachers.view']

describe('navItems', () => {
  it('gives a 信息管理员 every entry, 工作台 first', () => {
    expect(navItems(role(CLERK)).map((i) => i.key)).toEqual([
      'home',
      'list',
      'validation',
      'import',
      'sheets',
      'submit',
      'stats',
      'audit',
      'settings',
    ])
  })

  it('gives a 信息查询员 only what reads, and 设置 for the language', () => {
    expect(navItems(role(VIEWER)).map((i) => i.key)).toEqual(['home', 'list', 'validation', 'submit', 'stats', 'settings'])
  })

  it('gives a 系统管理员 操作记录 but neither 导入 nor 信息确认表', () => {
    const keys = navItems(role(ADMIN)).map((i) => i.key)
    expect(keys).toContain('audit')
    expect(keys).not.toContain('import')
    expect(keys).not.toContain('sheets')
  })

  it('gives 待审核 to whoever may review batches, and not to the 信息管理员', () => {
    expect(navItems(role([...ADMIN, 'batches.review'])).map((i) => i.key)).toContain('review')
    expect(navItems(role(CLERK)).map((i) => i.key)).not.toContain('review')
  })

  it('shows nothing but 设置 to no one signed in', () => {
    expect(navItems(() => false).map((i) => i.key)).toEqual(['settings'])
  })

  it('keeps the test ids the older buttons had', () => {
    const testids = Object.fromEntries(NAV_ITEMS.map((i) => [i.key, i.testid]))
    expect(testids).toMatchObject({
      validation: 'open-validation',
      import: 'import-open',
      submit: 'open-submit',
      stats: 'open-stats',
      audit: 'open-audit',
      settings: 'open-settings',
    })
  })
})

describe('navKeyOf', () => {
  it('is the screen itself for a menu screen', () => {
    expect(navKeyOf('stats')).toBe('stats')
    expect(navKeyOf('home')).toBe('home')
  })

  it('puts a teacher form under the list it was opened from', () => {
    expect(navKeyOf('form')).toBe('list')
    expect(navKeyOf('form', 'validation')).toBe('validation')
  })
})

describe('stepKey', () => {
  const keys = ['home', 'list', 'stats'] as const

  it('moves down and up', () => {
    expect(stepKey(keys, 'home', 1)).toBe('list')
    expect(stepKey(keys, 'stats', -1)).toBe('list')
  })

  it('wraps round at either end', () => {
    expect(stepKey(keys, 'stats', 1)).toBe('home')
    expect(stepKey(keys, 'home', -1)).toBe('stats')
  })

  it('starts at the first entry from one not in the menu, and gives nothing for an empty menu', () => {
    expect(stepKey(keys, 'audit', 1)).toBe('home')
    expect(stepKey([], 'home', 1)).toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import en from '../src/i18n/en'
import zhCN from '../src/i18n/zh-CN'

function keyPaths(tree: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(tree)
    .flatMap(([key, value]) =>
      value !== null && typeof value === 'object'
        ? keyPaths(value as Record<string, unknown>, `${prefix}${key}.`)
        : [`${prefix}${key}`],
    )
    .sort()
}

describe('i18n messages', () => {
  it('zh-CN and en have exactly the same keys', () => {
    expect(keyPaths(en)).toEqual(keyPaths(zhCN))
  })

  it('no message is empty in either language', () => {
    const empty = (tree: Record<string, unknown>) =>
      keyPaths(tree).filter((path) => {
        const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], tree)
        return typeof value !== 'string' || value.trim() === ''
      })
    expect(empty(zhCN)).toEqual([])
    expect(empty(en)).toEqual([])
  })
})

import type { SchoolType } from './bindings'

/**
 * Whether a 办学类型 matches what the clerk typed: the code starts with the query
 * (「211」, 「21」), the name contains it (「小学」), or the shown label
 * 「{code} {name}」 starts with it (「211 小」). An empty query matches everything.
 */
export function schoolTypeMatches(type: Pick<SchoolType, 'code' | 'name'>, query: string): boolean {
  const q = query.trim()
  if (q === '') return true
  return type.code.startsWith(q) || type.name.includes(q) || schoolTypeLabel(type).startsWith(q)
}

export function filterSchoolTypes<T extends Pick<SchoolType, 'code' | 'name'>>(types: readonly T[], query: string): T[] {
  return types.filter((type) => schoolTypeMatches(type, query))
}

export function schoolTypeLabel(type: Pick<SchoolType, 'code' | 'name'>): string {
  return `${type.code} ${type.name}`
}

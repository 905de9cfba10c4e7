// What a valid resident ID number gives of 基本信息 (出生日期, 性别), as the
// form uses it. Which values the number gives is the back end's answer
// (id_derived_values, the catalog's ID-agreement rules); here they are only
// put into the form's empty fields: a value the clerk gave (the 档案 may
// differ from the ID) is never replaced, and the 校验 warning asks for its reason.
import { listed } from './i18n'
import type { IdDerivedValue } from './bindings'
import type { FieldValue } from './indicators'

function isEmpty(value: FieldValue | undefined): boolean {
  if (value === null || value === undefined) return true
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'string' && value.trim() === ''
}

/** Puts each derived value into `values` where that field is empty; returns those it filled. */
export function fillFromId(values: Record<string, FieldValue>, derived: IdDerivedValue[]): IdDerivedValue[] {
  const filled: IdDerivedValue[] = []
  for (const item of derived) {
    if (!(item.field in values) || !isEmpty(values[item.field])) continue
    values[item.field] = item.value
    filled.push(item)
  }
  return filled
}

/** 「出生日期 1985-03-04、性别 男」: what was (or will be) filled, for a note. */
export function describeDerived(derived: IdDerivedValue[]): string {
  return listed(derived.map((item) => `${item.label} ${item.shown}`))
}

// What the teacher form and the 校验 page need to know about the indicator
// catalog, as pure functions: code labels and filtering, form values and drafts.
// Field names are never listed here: everything comes from school_catalog(),
// except the identity fields of 基本信息, which live on the teacher itself.
import type { Code, CodeTable, EffectiveField, EffectiveGroup, FieldType, Problem } from './bindings'
import type { AppLocale } from './i18n'

/** The group holding a teacher's identity and basic facts. */
export const BASIC_GROUP = 'basic'

/** Fields of 基本信息 kept on the teacher row: shown read-only, never sent with a record. */
export const IDENTITY_FIELDS: readonly string[] = ['name', 'id_type', 'id_number']

/** What a form control holds: text (codes, dates, text), several codes, or a number. */
export type FieldValue = string | string[] | number | null

export function isIdentityField(groupId: string, fieldCode: string): boolean {
  return groupId === BASIC_GROUP && IDENTITY_FIELDS.includes(fieldCode)
}

/** Whether the clerk types this field (not derived, not part of the teacher's identity). */
export function isEditable(group: Pick<EffectiveGroup, 'id'>, field: Pick<EffectiveField, 'code' | 'derived'>): boolean {
  return !field.derived && !isIdentityField(group.id, field.code)
}

// ---- code tables -----------------------------------------------------------

/** A code table's codes (the generated type names the list `code`, after the catalog files). */
export function tableCodes(table: CodeTable | null | undefined): Code[] {
  if (!table) return []
  const loose = table as CodeTable & { codes?: Code[] }
  return loose.code ?? loose.codes ?? []
}

export function codeName(code: Pick<Code, 'name' | 'name_en'>, locale: AppLocale): string {
  return locale === 'en' && code.name_en ? code.name_en : code.name
}

function usesBareNames(kind: FieldType): boolean {
  return kind === 'yes_no'
}

/** The text a chosen code shows: 「code name」 (just 是 / 否 for yes/no fields). */
export function codeLabel(code: Pick<Code, 'code' | 'name' | 'name_en'>, locale: AppLocale, kind: FieldType = 'code'): string {
  const name = codeName(code, locale)
  return usesBareNames(kind) ? name : `${code.code} ${name}`
}

export interface CodeOption {
  value: string
  label: string
  /** How deep the code sits in a hierarchical table: 0 for a top-level code. */
  depth: number
  /** The parent's name, shown beside a child code. */
  parentName: string | null
  disabled: boolean
  /** Lower-cased texts the clerk may type to find the code. */
  names: string[]
}

export function codeOptions(table: CodeTable | null | undefined, locale: AppLocale, kind: FieldType = 'code'): CodeOption[] {
  const codes = tableCodes(table)
  const byCode = new Map(codes.map((c) => [c.code, c]))
  const depthOf = (code: Code): number => {
    let depth = 0
    let parent = code.parent ? byCode.get(code.parent) : undefined
    const seen = new Set<string>([code.code])
    while (parent && !seen.has(parent.code)) {
      seen.add(parent.code)
      depth += 1
      parent = parent.parent ? byCode.get(parent.parent) : undefined
    }
    return depth
  }
  return codes.map((code) => {
    const parent = code.parent ? byCode.get(code.parent) : undefined
    return {
      value: code.code,
      label: codeLabel(code, locale, kind),
      depth: depthOf(code),
      parentName: parent ? codeName(parent, locale) : null,
      disabled: !code.selectable,
      names: [code.name, code.name_en ?? '', ...code.synonyms].filter(Boolean).map((n) => n.toLowerCase()),
    }
  })
}

/**
 * How well an option matches what the clerk typed, or null: the exact code first,
 * then an exact name or synonym, a code starting with the query, a name starting
 * with it, and a name or synonym containing it.
 */
function matchRank(option: CodeOption, query: string): number | null {
  if (option.value === query) return 0
  if (option.names.includes(query)) return 1
  if (option.value.startsWith(query)) return 2
  if (option.label.toLowerCase().startsWith(query)) return 2
  if (option.names.some((n) => n.startsWith(query))) return 3
  if (option.names.some((n) => n.includes(query))) return 4
  return null
}

/** The options matching `query` (code, any part of a name or synonym), best first; all for a blank query. */
export function filterCodeOptions(options: readonly CodeOption[], query: string): CodeOption[] {
  const q = query.trim().toLowerCase()
  if (q === '') return [...options]
  return options
    .map((option, index) => ({ option, index, rank: matchRank(option, q) }))
    .filter((m): m is { option: CodeOption; index: number; rank: number } => m.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((m) => m.option)
}

// ---- form values -----------------------------------------------------------

export function emptyValue(field: Pick<EffectiveField, 'kind'>): FieldValue {
  if (field.kind === 'multi_code') return []
  if (field.kind === 'number') return null
  return ''
}

/** A stored value (or a catalog default) as the form control holds it. */
export function toFormValue(field: Pick<EffectiveField, 'kind'>, raw: unknown): FieldValue {
  if (raw === null || raw === undefined) return emptyValue(field)
  switch (field.kind) {
    case 'multi_code':
      if (Array.isArray(raw)) return raw.map((v) => String(v))
      return String(raw)
        .split(/[,，、;；]/)
        .map((v) => v.trim())
        .filter(Boolean)
    case 'number': {
      if (typeof raw === 'number') return raw
      const n = Number(String(raw).replace(/,/g, ''))
      return String(raw).trim() !== '' && Number.isFinite(n) ? n : null
    }
    default:
      return Array.isArray(raw) ? raw.join(',') : String(raw)
  }
}

export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true
  if (typeof value === 'string') return value.trim() === ''
  if (Array.isArray(value)) return value.length === 0
  return false
}

/** The values of a new record: empty, or the catalog's default where it has one. */
export function initialValues(group: EffectiveGroup): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {}
  for (const field of group.fields) {
    values[field.code] = field.default !== null && isEditable(group, field) ? toFormValue(field, field.default) : emptyValue(field)
  }
  return values
}

/** A stored record's values for every field of the group. */
export function storedValues(group: EffectiveGroup, fields: Record<string, unknown>): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {}
  for (const field of group.fields) values[field.code] = toFormValue(field, fields[field.code])
  return values
}

/**
 * The `fields` of a RecordDraft: every filled field the clerk may type, keyed by
 * code. Derived and identity fields are left out (the back end refuses them);
 * an empty field is left out too, which clears it.
 */
export function draftFields(group: EffectiveGroup, values: Record<string, FieldValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of group.fields) {
    if (!isEditable(group, field)) continue
    const value = values[field.code]
    if (isEmptyValue(value)) continue
    out[field.code] = typeof value === 'string' ? value.trim() : value
  }
  return out
}

// ---- problems --------------------------------------------------------------

export function problemMessage(problem: Pick<Problem, 'message' | 'message_en'>, locale: AppLocale): string {
  return locale === 'en' ? problem.message_en : problem.message
}

/** What is wrong, without the leading 「teacher · group · field：」 (for under a field). */
export function problemDetail(problem: Pick<Problem, 'message' | 'message_en'>, locale: AppLocale): string {
  const message = problemMessage(problem, locale)
  const separator = locale === 'en' ? ': ' : '：'
  const at = message.indexOf(separator)
  return at >= 0 ? message.slice(at + separator.length) : message
}

// The indicators a roster column can fill, as the import wizard's column
// selects offer them, and the names the back end takes for a correction.
import type { ColumnMapping, EffectiveCatalog, RowStatus } from './bindings'
import type { AppLocale } from './i18n'

/** The preview's row filter: every row, or those of one status. */
export type StatusFilter = 'all' | RowStatus

/** The select value meaning 「不导入」 (a column the clerk leaves out). */
export const IGNORE = '-'

/** One indicator a column can fill. */
export interface TargetOption {
  /** `group.field` by id, e.g. `basic.school_entry_month`. */
  value: string
  /** The field's label in the interface language. */
  label: string
  /** The group's name in the interface language. */
  groupLabel: string
  /** What import_preview takes: 「组名.指标」 in Chinese, e.g. 基本信息.进本校年月. */
  target: string
}

export interface TargetGroup {
  /** Never chosen: only for the select's check that top-level values are unique. */
  value: string
  label: string
  options: TargetOption[]
}

/** Every indicator of the catalog that an import may fill (not the derived ones), by group in tab order. */
export function targetGroups(catalog: EffectiveCatalog, locale: AppLocale): TargetGroup[] {
  const en = locale === 'en'
  return catalog.groups
    .map((group) => ({
      value: `group:${group.id}`,
      label: en ? group.name_en : group.name,
      options: group.fields
        .filter((field) => !field.derived)
        .map((field) => ({
          value: `${group.id}.${field.code}`,
          label: en ? field.label_en : field.label,
          groupLabel: en ? group.name_en : group.name,
          target: `${group.name}.${field.label}`,
        })),
    }))
    .filter((group) => group.options.length > 0)
}

/** The select value showing a column's current target. */
export function columnValue(column: ColumnMapping): string {
  if (column.target) return `${column.target.group}.${column.target.field}`
  return column.source === 'ignored' ? IGNORE : ''
}

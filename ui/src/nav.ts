// The side menu of an open school: its entries, which role sees each, and
// which entry a screen belongs to. The menu (AppNav.vue) only draws these.
import type { Permission } from './bindings'
import type { View } from './session'

/** A menu entry: the screen it opens. */
export type NavKey =
  | 'home'
  | 'list'
  | 'validation'
  | 'import'
  | 'sheets'
  | 'submit'
  | 'review'
  | 'stats'
  | 'audit'
  | 'settings'

export interface NavItem {
  key: NavKey
  /** The i18n key of its label. */
  label: string
  /** The i18n key of its longer description (the tooltip). */
  title: string
  /** What end-to-end tests click; the older buttons' names are kept. */
  testid: string
  /** Shown only to a role with this permission; null: to everyone signed in. */
  permission: Permission | null
}

/** Every entry, in the menu's order. */
export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'home', label: 'nav.home', title: 'nav.homeTitle', testid: 'nav-home', permission: 'teachers.view' },
  { key: 'list', label: 'nav.list', title: 'nav.listTitle', testid: 'nav-teachers', permission: 'teachers.view' },
  {
    key: 'validation',
    label: 'nav.validation',
    title: 'list.openValidationTitle',
    testid: 'open-validation',
    permission: 'teachers.view',
  },
  { key: 'import', label: 'nav.import', title: 'list.importTitle', testid: 'import-open', permission: 'import' },
  { key: 'sheets', label: 'nav.sheets', title: 'nav.sheetsTitle', testid: 'nav-sheets', permission: 'sheets.print' },
  { key: 'submit', label: 'nav.submit', title: 'list.openSubmitTitle', testid: 'open-submit', permission: 'teachers.view' },
  // 待审核: the school head's review of a batch before upload (系统管理员).
  { key: 'review', label: 'nav.review', title: 'nav.reviewTitle', testid: 'open-review', permission: 'batches.review' },
  { key: 'stats', label: 'nav.stats', title: 'list.openStatsTitle', testid: 'open-stats', permission: 'teachers.view' },
  { key: 'audit', label: 'nav.audit', title: 'list.openAuditTitle', testid: 'open-audit', permission: 'audit.view' },
  // 设置 holds the interface language, which every role may choose.
  { key: 'settings', label: 'nav.settings', title: 'list.openSettingsTitle', testid: 'open-settings', permission: null },
]

/** The entries a role with these permissions sees. */
export function navItems(may: (permission: Permission) => boolean): NavItem[] {
  return NAV_ITEMS.filter((item) => item.permission === null || may(item.permission))
}

/** The entry a screen belongs to: a teacher's form belongs to the list it was opened from. */
export function navKeyOf(view: View, formReturn: 'list' | 'validation' = 'list'): NavKey {
  return view === 'form' ? formReturn : view
}

/**
 * The entry `step` places from `from` among `keys`, wrapping round: the
 * arrow keys move through the menu this way.
 */
export function stepKey(keys: readonly NavKey[], from: NavKey, step: 1 | -1): NavKey | undefined {
  if (keys.length === 0) return undefined
  const at = keys.indexOf(from)
  if (at < 0) return keys[0]
  return keys[(at + step + keys.length) % keys.length]
}

// 在职情况变动 as the window shows it: a status code's label, the rule a
// change to it follows, and the timeline's entries. Pure functions; the
// core decides everything (crates/taoli-core/src/status_changes.rs).
import type { CodeTable, StatusEvent, StatusRule, StatusTimeline } from './bindings'
import type { AppLocale } from './i18n'
import { codeLabel, tableCodes } from './indicators'

/** The 人员状态 code table's id. */
export const PERSONNEL_STATUS_TABLE = 'personnel_status'
/** The 基本信息 field holding the teacher's 人员状态. */
export const PERSONNEL_STATUS_FIELD = 'personnel_status'

/** 「301 退休」 for a code of the table; the code itself when the table lacks it. */
export function statusLabel(table: CodeTable | null | undefined, code: string, locale: AppLocale): string {
  const found = tableCodes(table).find((c) => c.code === code)
  return found ? codeLabel(found, locale) : code
}

/** The rule a change to `code` follows, if the core gave one. */
export function ruleFor(rules: StatusRule[], code: string): StatusRule | null {
  return rules.find((r) => r.code === code) ?? null
}

/** Whether the teacher's current status locks `group` (`*`: every group). */
export function locksGroup(timeline: Pick<StatusTimeline, 'locks'> | null, group: string): boolean {
  return !!timeline && timeline.locks.some((g) => g === group || g === '*')
}

/** The timeline newest first, as the form lists it. */
export function newestFirst(events: StatusEvent[]): StatusEvent[] {
  return [...events].reverse()
}

/** The colour of a timeline entry's dot, by where the event stands. */
export function eventTone(event: Pick<StatusEvent, 'state' | 'kind'>): 'primary' | 'success' | 'warning' | 'danger' | 'info' {
  if (event.state === 'pending') return 'warning'
  if (event.state === 'returned') return 'danger'
  if (event.state === 'withdrawn') return 'info'
  return event.kind === 'change' ? 'primary' : 'success'
}

/** Today as YYYY-MM-DD on this computer's clock (the dialog's default date). */
export function todayText(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

// The 工作台's cards: each figure of the core's WorkbenchSummary, how urgent
// it looks, and the list that resolves it. WorkbenchPage.vue draws these.
//
// A figure the core adds later (reviews waiting, pending 人员状态 changes) is
// a field of WorkbenchSummary, one more card here and its words in the
// i18n files (`workbench.card.<key>.*`).
import type { Permission, RosterFilter, UploadStatus, WorkbenchSummary } from './bindings'
import type { SeverityFilter } from './session'

export type CardKey =
  | 'deadline'
  | 'completeness'
  | 'signoffs'
  | 'unsent'
  | 'returned'
  | 'review'
  | 'statusPending'
  | 'departed'

/** How a card's figure is coloured: all done, needs a look, urgent, or plain. */
export type CardTone = 'success' | 'warning' | 'danger' | 'info'

/** Where a card's link goes: the list that resolves its figure. */
export type CardLink =
  | { view: 'validation'; severity: SeverityFilter }
  | { view: 'submit'; filter: UploadStatus | '' }
  | { view: 'sheets' }
  | { view: 'list'; roster: RosterFilter }
  | { view: 'review' }

export interface WorkbenchCard {
  key: CardKey
  /** The figure: a count, or the days left for the deadline. */
  value: number
  /** Out of how many (the x of "value / x"), when the figure is a share. */
  total: number | null
  tone: CardTone
  /** Null when the role may not open the list (the figure is shown all the same). */
  link: CardLink | null
}

/** Days left at or under which the deadline shows as urgent, and as near. */
export const DEADLINE_URGENT_DAYS = 14
export const DEADLINE_NEAR_DAYS = 30

export function deadlineTone(daysLeft: number): CardTone {
  if (daysLeft <= DEADLINE_URGENT_DAYS) return 'danger'
  if (daysLeft <= DEADLINE_NEAR_DAYS) return 'warning'
  return 'info'
}

/** A share's tone: everything done is success, anything left a warning; nothing to count is plain. */
export function shareTone(done: number, total: number): CardTone {
  if (total === 0) return 'info'
  return done >= total ? 'success' : 'warning'
}

/** A waiting count's tone: none waiting is success. */
export function waitingTone(count: number, urgent = false): CardTone {
  if (count === 0) return 'success'
  return urgent ? 'danger' : 'warning'
}

/** Whole percent of `part` in `whole` (0 when there is nothing to count), rounded down so 99.6% never reads 100%. */
export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0
  return Math.floor((part * 100) / whole)
}

/** The cards of `summary`, in the page's order, with links `may` allows. */
export function workbenchCards(
  summary: WorkbenchSummary,
  may: (permission: Permission) => boolean,
): WorkbenchCard[] {
  const cards: WorkbenchCard[] = []
  if (summary.deadline) {
    cards.push({
      key: 'deadline',
      value: summary.deadline.days_left,
      total: null,
      tone: deadlineTone(summary.deadline.days_left),
      link: { view: 'submit', filter: '' },
    })
  }
  const { completeness, signoffs, reporting } = summary
  cards.push(
    {
      key: 'completeness',
      value: completeness.without_errors,
      total: completeness.teachers,
      tone: shareTone(completeness.without_errors, completeness.teachers),
      link: { view: 'validation', severity: 'error' },
    },
    {
      key: 'signoffs',
      value: signoffs.current,
      total: signoffs.teachers,
      tone: shareTone(signoffs.current, signoffs.teachers),
      link: may('sheets.print') ? { view: 'sheets' } : null,
    },
    {
      key: 'unsent',
      value: reporting.unsent_changes,
      total: null,
      tone: waitingTone(reporting.unsent_changes),
      link: { view: 'submit', filter: 'pending' },
    },
    {
      key: 'returned',
      value: reporting.returned_records,
      total: null,
      tone: waitingTone(reporting.returned_records, true),
      link: { view: 'submit', filter: 'returned' },
    },
    ...(summary.review.required
      ? [
          {
            key: 'review' as const,
            value: summary.review.waiting_changes,
            total: null,
            tone: waitingTone(summary.review.waiting_changes),
            link: may('batches.review') ? ({ view: 'review' } as const) : ({ view: 'submit', filter: '' } as const),
          },
        ]
      : []),
    {
      key: 'statusPending',
      value: summary.status.pending,
      total: null,
      tone: waitingTone(summary.status.pending + summary.status.returned, summary.status.returned > 0),
      link: { view: 'submit', filter: '' },
    },
    {
      key: 'departed',
      value: summary.status.departed,
      total: null,
      tone: 'info',
      link: { view: 'list', roster: 'departed' },
    },
  )
  return cards
}

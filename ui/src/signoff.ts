// How a teacher's 信息确认表 sign-off state shows: its label key and tag colour.
import type { SignoffState } from './bindings'

export type SignoffKind = SignoffState['state']

/** The i18n key of a state's short label (未签字 / 已签字 / 签字后有改动). */
export function signoffLabelKey(state: SignoffState | undefined): string {
  return `signoff.state.${state?.state ?? 'none'}`
}

/** Element Plus tag type for a state: grey, green, or orange for stale. */
export function signoffTagType(state: SignoffState | undefined): 'info' | 'success' | 'warning' {
  switch (state?.state) {
    case 'signed':
      return 'success'
    case 'stale':
      return 'warning'
    default:
      return 'info'
  }
}

/** The ids of teachers whose sign-off went stale (their data changed after signing). */
export function staleTeacherIds(states: Record<string, SignoffState>): string[] {
  return Object.entries(states)
    .filter(([, s]) => s.state === 'stale')
    .map(([id]) => id)
}

/** A fingerprint as typed or scanned: spaces and dashes dropped, lower case. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/[\s\-－—]/g, '').toLowerCase()
}

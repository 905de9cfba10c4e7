// How the console writes numbers and times.

/** A rate in percent (DHIS2's REPORTING_RATE), as "87.5%": one decimal, none when whole. */
export function formatRate(percent: number | null | undefined): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—'
  const clamped = Math.min(100, Math.max(0, percent))
  const rounded = Math.round(clamped * 10) / 10
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`
}

/** A protocol timestamp (UTC, RFC 3339) in China's time: "2027-03-31 16:05". */
export function formatTime(at: string | null | undefined): string {
  if (!at) return '—'
  const date = new Date(at)
  if (Number.isNaN(date.getTime())) return at
  const china = new Date(date.getTime() + 8 * 3600 * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return (
    `${china.getUTCFullYear()}-${pad(china.getUTCMonth() + 1)}-${pad(china.getUTCDate())} ` +
    `${pad(china.getUTCHours())}:${pad(china.getUTCMinutes())}`
  )
}

/** A value of a change as a reviewer reads it: "—" for nothing. */
export function formatValue(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '—' : value
}

/** The key of a queued record (batch and record id together). */
export function recordKey(item: { batch_id: string; record: string }): string {
  return `${item.batch_id}/${item.record}`
}

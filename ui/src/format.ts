function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** An RFC 3339 timestamp as local 'YYYY-MM-DD HH:mm'; unparsable input is returned as is. */
export function formatLocalMinute(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** An RFC 3339 timestamp as local 'YYYY-MM-DD HH:mm:ss'; unparsable input is returned as is. */
export function formatLocalSecond(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return `${formatLocalMinute(iso)}:${pad(d.getSeconds())}`
}

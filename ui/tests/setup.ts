// Test-only quieting of two development-mode loggers; nothing here changes behaviour.

// async-validator (used by Element Plus forms) logs every failed rule outside production builds.
;(globalThis as Record<string, unknown>).ASYNC_VALIDATOR_NO_WARNING = 1

// Element Plus inputs validate on change and console.warn the failed-field map, e.g.
// { code: [{ message, field }] }. Drop exactly that shape; let every other warning through.
function isFailedFieldMap(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Error) return false
  const entries = Object.values(value)
  return (
    entries.length > 0 &&
    entries.every(
      (errors) =>
        Array.isArray(errors) &&
        errors.every((error) => typeof error === 'object' && error !== null && 'field' in error),
    )
  )
}

const warn = console.warn.bind(console)
console.warn = (...args: unknown[]) => {
  if (args.length === 1 && isFailedFieldMap(args[0])) return
  warn(...args)
}

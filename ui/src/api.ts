// The one typed door to the Rust back end. Every command's function is
// generated from the Rust command table (./commands.ts, "Do not edit"); this
// file adds only what the table cannot say: the events, the error text,
// and the few calls the UI makes in a friendlier shape.
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import type { ExportFormat, SheetStyle, SyncPass } from './bindings'
import * as commands from './commands'
import { i18n } from './i18n'
import { isErrorPayload } from './invoke'

export * from './commands'
export { isErrorPayload, whenLocked } from './invoke'

/** Writes the open school as a workbook or CSV to `path`; returns the path written. */
export function exportFile(
  format: ExportFormat,
  group: string | null,
  path: string,
  style: SheetStyle = 'taoli',
): Promise<string> {
  return commands.exportFile(format, group, path, style)
}

/** The file name the save dialog proposes for an export. */
export function exportFileName(format: ExportFormat, style: SheetStyle = 'taoli'): Promise<string> {
  return commands.exportFileName(format, style)
}

/** A warning the teacher has now, named as the Problem names it. */
export interface WarningToExplain {
  teacherId: string
  rule: string
  /** The Problem's `field`, null when absent. */
  field: string | null
  /** The Problem's `row_order`, null when absent. */
  rowOrder: number | null
}

/** Keeps a written reason with a warning (refused for an error, an empty reason or a warning now gone). */
export function explainWarning(warning: WarningToExplain, reason: string): Promise<void> {
  return commands.explainWarning(warning.teacherId, warning.rule, warning.field, warning.rowOrder, reason)
}

/** Calls `handler(done, total)` for each `import-progress` event while a commit writes. */
export function onImportProgress(handler: (done: number, total: number) => void): Promise<UnlistenFn> {
  return listen<[number, number]>('import-progress', (event) => {
    const [done, total] = event.payload
    handler(done, total)
  })
}

/** Calls `handler` with each sync pass (the worker's or the clerk's). */
export function onSyncPass(handler: (pass: SyncPass) => void): Promise<UnlistenFn> {
  return listen<SyncPass>('sync-pass', (event) => handler(event.payload))
}

/** The text to show a clerk for a failed command. */
export function errorMessage(e: unknown): string {
  if (isErrorPayload(e)) return e.message
  const t = i18n.global.t
  const detail = typeof e === 'string' ? e : e instanceof Error ? e.message : ''
  return detail ? t('errors.unexpectedWithDetail', { detail }) : t('errors.unexpected')
}

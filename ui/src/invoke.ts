// How every command is called (ui/src/commands.ts is generated over this):
// a command rejects with an ErrorPayload, and one that says the session is
// locked (ten idle minutes) shows the lock screen first.
import { invoke as tauriInvoke } from '@tauri-apps/api/core'
import type { ErrorPayload } from './bindings'

/** Told when the back end says the session is locked (ten idle minutes). */
let onLocked: () => void = () => {}

export function whenLocked(handler: () => void): void {
  onLocked = handler
}

/** Every command goes through here: a locked session shows the lock screen. */
export async function invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await (args === undefined ? tauriInvoke<T>(command) : tauriInvoke<T>(command, args))
  } catch (e) {
    if (isErrorPayload(e) && e.code === 'account.session_locked') onLocked()
    throw e
  }
}

export function isErrorPayload(e: unknown): e is ErrorPayload {
  if (typeof e !== 'object' || e === null) return false
  const candidate = e as Record<string, unknown>
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (candidate.kind === 'user' || candidate.kind === 'internal')
  )
}

// The app's whole shared state: which school is open.
import { computed, reactive } from 'vue'
import type { School } from './bindings'

const state = reactive<{ school: School | null }>({ school: null })

export function setSchool(school: School | null): void {
  state.school = school
}

export function useSession() {
  return {
    school: computed(() => state.school),
    setSchool,
    clearSchool: () => setSchool(null),
  }
}

let launchFileTaken = false

/**
 * True the first time only: the file the app was launched with is opened once,
 * not again after the clerk closes that school.
 */
export function takeLaunchFileTurn(): boolean {
  if (launchFileTaken) return false
  launchFileTaken = true
  return true
}

/** For tests. */
export function resetSession(): void {
  state.school = null
  launchFileTaken = false
}

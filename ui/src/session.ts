// The app's whole shared state: which school is open, which screen shows it,
// and what that screen was asked to show.
import { computed, reactive } from 'vue'
import * as api from './api'
import { clearUploads } from './uploads'
import type {
  EffectiveCatalog,
  OpenedSchool,
  Permission,
  Regions,
  RosterFilter,
  School,
  Session,
  Severity,
  Teacher,
  UploadStatus,
} from './bindings'

/** The screens of an open school; 'home' is the 工作台, shown after sign-in. */
export type View =
  | 'home'
  | 'list'
  | 'form'
  | 'validation'
  | 'stats'
  | 'settings'
  | 'import'
  | 'sheets'
  | 'audit'
  | 'submit'
  | 'review'

/** Where the teacher form opens: a group's tab, and optionally one field (of one row). */
export interface FormTarget {
  group: string
  field: string | null
  recordId: string | null
  rowOrder: number | null
}

export type SeverityFilter = 'all' | Severity

interface State {
  school: School | null
  /** Who is signed in to the open school; null shows the sign-in page. */
  account: Session | null
  /** Whether the open school has any account (an older file has none). */
  hasUsers: boolean
  /** The session is locked: the lock screen asks for the password. */
  locked: boolean
  view: View
  teacher: Teacher | null
  target: FormTarget | null
  /** The screen the form's back button returns to. */
  formReturn: 'list' | 'validation'
  listQuery: string
  /** Which teachers the list shows: on the roster, departed (离校教师) or all. */
  listRoster: RosterFilter
  /** The teachers whose 信息确认表 the sheets page prints (everyone when empty). */
  sheetsFor: Teacher[]
  /** The screen the sheets page's back button returns to. */
  sheetsReturn: 'list' | 'form'
  /** The teacher the 操作记录 page opens filtered to (everyone when null). */
  auditFor: Teacher | null
  /** The screen the 操作记录 page's back button returns to. */
  auditReturn: 'list' | 'form'
  validationFilter: { severity: SeverityFilter; group: string }
  /** The status the 报送 page's teacher list opens filtered to (all when ''). */
  submitFilter: UploadStatus | ''
}

const state = reactive<State>({
  school: null,
  account: null,
  hasUsers: true,
  locked: false,
  view: 'list',
  teacher: null,
  target: null,
  formReturn: 'list',
  listQuery: '',
  listRoster: 'on_roster',
  sheetsFor: [],
  sheetsReturn: 'list',
  auditFor: null,
  auditReturn: 'list',
  validationFilter: { severity: 'all', group: '' },
  submitFilter: '',
})

let catalogCache: { school: string; catalog: Promise<EffectiveCatalog> } | null = null

/** A school file just opened (or created): the school and who is signed in. */
export function setOpened(opened: OpenedSchool): void {
  setSchool(opened.school)
  state.account = opened.session
  state.hasUsers = opened.has_users
}

/** Someone signed in: the 工作台 of their school shows. */
export function setAccount(account: Session | null): void {
  if (account?.name !== state.account?.name) clearUploads()
  state.account = account
  state.locked = false
  if (account) state.hasUsers = true
  state.view = 'home'
  state.teacher = null
}

/** Unlocked with the password: the screen underneath is as it was. */
export function setUnlocked(account: Session): void {
  state.account = account
  state.locked = false
}

/** The session was locked (by hand, idle time, or the back end saying so). */
export function setLocked(locked: boolean): void {
  state.locked = locked && state.account !== null
}

/** Closes the open school file and goes back to the start page. */
export async function clearSchoolFile(): Promise<void> {
  try {
    await api.closeSchool()
  } finally {
    setSchool(null)
  }
}

/** Signs out: the sign-in page of the same school shows. */
export async function signOut(): Promise<void> {
  await api.signOut()
  setAccount(null)
}

/** Whether the signed-in account may do what `permission` covers. */
export function can(permission: Permission): boolean {
  return state.account?.permissions.includes(permission) ?? false
}

export function setSchool(school: School | null): void {
  state.school = school
  state.account = null
  state.locked = false
  state.hasUsers = true
  state.view = 'home'
  state.teacher = null
  state.target = null
  state.listQuery = ''
  state.listRoster = 'on_roster'
  state.sheetsFor = []
  state.auditFor = null
  state.validationFilter = { severity: 'all', group: '' }
  state.submitFilter = ''
  catalogCache = null
  clearUploads()
}

/** The open school's indicator catalog, asked of the back end once per school. */
export function schoolCatalog(): Promise<EffectiveCatalog> {
  const school = state.school?.code ?? ''
  if (catalogCache?.school !== school) {
    const catalog = api.schoolCatalog()
    catalogCache = { school, catalog }
    catalog.catch(() => {
      if (catalogCache?.catalog === catalog) catalogCache = null
    })
  }
  return catalogCache.catalog
}

let regionsCache: Promise<Regions> | null = null

/**
 * The administrative divisions 籍贯 and 出生地 are chosen from: the same for
 * every school, asked of the back end once.
 */
export function regionTable(): Promise<Regions> {
  if (regionsCache === null) {
    const regions = api.regions()
    regionsCache = regions
    regions.catch(() => {
      if (regionsCache === regions) regionsCache = null
    })
  }
  return regionsCache
}

/**
 * Forgets the cached catalog: the next schoolCatalog() asks the back end again.
 * Called when the school's catalog changes (a province pack used or cleared).
 */
export function invalidateCatalog(): void {
  catalogCache = null
}

/** Opens a teacher's form, at `target` when given. */
export function openTeacher(teacher: Teacher, target: FormTarget | null = null): void {
  state.formReturn = state.view === 'validation' ? 'validation' : 'list'
  state.teacher = teacher
  state.target = target
  state.view = 'form'
}

/** The open form's teacher as now registered (after a correction), the form staying where it is. */
export function replaceTeacher(teacher: Teacher): void {
  if (state.teacher?.id === teacher.id) state.teacher = teacher
}

/** Leaves the form for the screen it was opened from. */
export function leaveForm(): void {
  state.view = state.formReturn
  state.teacher = null
  state.target = null
}

let leaveGuard: (() => Promise<boolean>) | null = null

/**
 * Lets the screen shown ask before the menu takes the clerk elsewhere (the
 * teacher form with unsaved changes). Returns the call that takes it back.
 */
export function guardLeaving(guard: () => Promise<boolean>): () => void {
  leaveGuard = guard
  return () => {
    if (leaveGuard === guard) leaveGuard = null
  }
}

/** Whether the screen shown lets the clerk go (asked before the menu switches screens). */
export async function mayLeave(): Promise<boolean> {
  return leaveGuard ? leaveGuard() : true
}

/** The 工作台: the figures of what waits, each a link to its list. */
export function showHome(): void {
  state.view = 'home'
}

export function showList(): void {
  state.view = 'list'
}

/** The 校验 page; opened filtered to one severity when given (the 工作台's errors). */
export function showValidation(severity?: SeverityFilter): void {
  if (severity !== undefined) state.validationFilter = { severity, group: '' }
  state.view = 'validation'
}

/**
 * The 报送 page: enrollment, the deadline, batches, receipts, each teacher's
 * status; its teacher list filtered to `filter` (all when '').
 */
export function showSubmit(filter: UploadStatus | '' = ''): void {
  state.submitFilter = filter
  state.view = 'submit'
}

/** The status the 报送 page opens filtered to. */
export function submitFilter(): UploadStatus | '' {
  return state.submitFilter
}

/** 待审核: the batch waiting for the school head's review (系统管理员). */
export function showReview(): void {
  state.view = 'review'
}

/** The 统计 page. */
export function showStats(): void {
  state.view = 'stats'
}

export function showSettings(): void {
  state.view = 'settings'
}

/** The import wizard (花名册导入). */
export function showImport(): void {
  state.view = 'import'
}

/**
 * The 信息确认表 page for these teachers (everyone when none). Opened from a
 * teacher's form, its back button returns there.
 */
export function showSheets(teachers: Teacher[]): void {
  state.sheetsFor = [...teachers]
  state.sheetsReturn = state.view === 'form' ? 'form' : 'list'
  state.view = 'sheets'
}

/** Leaves the sheets page for the screen it was opened from. */
export function leaveSheets(): void {
  state.view = state.sheetsReturn === 'form' && state.teacher ? 'form' : 'list'
}

/** The 操作记录 page, narrowed to `teacher` when given (from their form). */
export function showAudit(teacher: Teacher | null = null): void {
  state.auditFor = teacher
  state.auditReturn = state.view === 'form' ? 'form' : 'list'
  state.view = 'audit'
}

/** Leaves the 操作记录 page for the screen it was opened from. */
export function leaveAudit(): void {
  state.view = state.auditReturn === 'form' && state.teacher ? 'form' : 'list'
}

export function setListRoster(filter: RosterFilter): void {
  state.listRoster = filter
}

export function setListQuery(query: string): void {
  state.listQuery = query
}

export function useSession() {
  return {
    school: computed(() => state.school),
    account: computed(() => state.account),
    hasUsers: computed(() => state.hasUsers),
    locked: computed(() => state.locked),
    view: computed(() => state.view),
    teacher: computed(() => state.teacher),
    target: computed(() => state.target),
    formReturn: computed(() => state.formReturn),
    listQuery: computed(() => state.listQuery),
    listRoster: computed(() => state.listRoster),
    sheetsFor: computed(() => state.sheetsFor),
    auditFor: computed(() => state.auditFor),
    setSchool,
    clearSchool: () => setSchool(null),
  }
}

/** The 校验 page's filters, kept while the clerk visits a teacher's form. */
export function validationFilter(): State['validationFilter'] {
  return state.validationFilter
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
  setSchool(null)
  launchFileTaken = false
}

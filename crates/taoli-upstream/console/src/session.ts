// The signed-in officer and what their role lets the console show.
import { computed, ref } from 'vue'
import type { Role, SessionBody } from './bindings'

export const current = ref<SessionBody | null>(null)

export type Page = 'progress' | 'review' | 'schools' | 'teachers' | 'accounts' | 'audit'

export const PAGES: readonly Page[] = ['progress', 'review', 'schools', 'teachers', 'accounts', 'audit']

/** Only a 信息管理员 accepts or returns records (src/officer.rs). */
export function mayReview(role: Role | undefined): boolean {
  return role === 'info_admin'
}

/** Registering schools, codes and keys: 信息管理员 or 系统管理员. */
export function mayManageSchools(role: Role | undefined): boolean {
  return role === 'info_admin' || role === 'system_admin'
}

/** Accounts and the audit log: 系统管理员. */
export function mayManageOfficers(role: Role | undefined): boolean {
  return role === 'system_admin'
}

/** The pages a role sees in the menu. */
export function pagesFor(role: Role | undefined): Page[] {
  return PAGES.filter((page) =>
    page === 'accounts' || page === 'audit' ? mayManageOfficers(role) : true,
  )
}

export const role = computed(() => current.value?.officer.role)

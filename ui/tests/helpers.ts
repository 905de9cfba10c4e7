import ElementPlus from 'element-plus'
import { flushPromises } from '@vue/test-utils'
import type { Permission } from '../src/bindings'
import { i18n, setLocale } from '../src/i18n'
import { setUnlocked } from '../src/session'

/** Plugins every mounted component needs. */
export const plugins = [ElementPlus, i18n]

export function useChinese(): void {
  setLocale('zh-CN')
}

/** Let pending promises and timers settle. */
export async function settle(): Promise<void> {
  await flushPromises()
  await new Promise((resolve) => setTimeout(resolve, 0))
  await flushPromises()
}

/** Element Plus shows a form item's error message after a short debounce. */
export async function settleValidation(): Promise<void> {
  await settle()
  await new Promise((resolve) => setTimeout(resolve, 150))
  await flushPromises()
}

/** Every permission: the specs of a screen test what it does, not who may. */
export const ALL_PERMISSIONS: Permission[] = [
  'teachers.view',
  'teachers.view_full',
  'teachers.edit',
  'import',
  'export',
  'sheets.print',
  'batches.submit',
  'audit.view',
  'backup',
  'restore',
  'settings.manage',
  'users.manage',
]

/** Signs a test account in to the open school (every permission by default). */
export function signInForTests(permissions: Permission[] = ALL_PERMISSIONS): void {
  setUnlocked({
    name: '王老师',
    role: 'info_manager',
    role_label: '信息管理员',
    permissions,
    masked: !permissions.includes('teachers.view_full'),
  })
}

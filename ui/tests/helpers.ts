import ElementPlus from 'element-plus'
import { flushPromises } from '@vue/test-utils'
import { i18n, setLocale } from '../src/i18n'

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

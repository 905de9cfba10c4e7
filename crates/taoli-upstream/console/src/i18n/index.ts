import { createI18n } from 'vue-i18n'
import en from './en'
import zhCN from './zh-CN'

export type AppLocale = 'zh-CN' | 'en'

export const LOCALE_STORAGE_KEY = 'taoli.console.locale'

export const messages = { 'zh-CN': zhCN, en }

function isAppLocale(value: unknown): value is AppLocale {
  return value === 'zh-CN' || value === 'en'
}

function storedLocale(): AppLocale {
  try {
    const value = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY)
    if (isAppLocale(value)) return value
  } catch {
    // localStorage unavailable: the default.
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages,
})

export function currentLocale(): AppLocale {
  const value = i18n.global.locale.value
  return isAppLocale(value) ? value : 'zh-CN'
}

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // Not kept; it still applies now.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

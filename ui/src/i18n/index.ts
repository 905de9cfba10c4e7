import { createI18n } from 'vue-i18n'
import { setLocale as setBackEndLocale } from '../commands'
import en from './en'
import zhCN from './zh-CN'

export type AppLocale = 'zh-CN' | 'en'

export const LOCALES: readonly AppLocale[] = ['zh-CN', 'en']
export const LOCALE_STORAGE_KEY = 'taoli.locale'

export const messages = { 'zh-CN': zhCN, en }

function isAppLocale(value: unknown): value is AppLocale {
  return value === 'zh-CN' || value === 'en'
}

function storedLocale(): AppLocale {
  try {
    const value = globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY)
    if (isAppLocale(value)) return value
  } catch {
    // localStorage unavailable: fall back to the default.
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

/**
 * Tells the back end the interface language, so the errors it sends come
 * in it (the core's messages are rendered per locale from their codes).
 */
export function tellBackEndLocale(locale: AppLocale = currentLocale()): void {
  setBackEndLocale(locale).catch(() => {
    // Outside the app (no back end): its errors stay in Chinese.
  })
}

/** `items` as a list in the window's language (甲、乙 / a, b). */
export function listed(items: readonly string[]): string {
  return items.join(i18n.global.t('app.listSeparator'))
}

export function setLocale(locale: AppLocale): void {
  tellBackEndLocale(locale)
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, locale)
  } catch {
    // Not persisted; the choice still applies for this session.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

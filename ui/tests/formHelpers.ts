// DOM helpers for specs that drive the teacher form and the 校验 page.
import { vi } from 'vitest'
import { settle } from './helpers'

export type Handlers = Record<string, (args?: Record<string, unknown>) => unknown>

/** Routes invoke(cmd, args) to `handlers`; an unexpected command fails the call. */
export function routeInvoke(invoke: ReturnType<typeof vi.fn>, handlers: Handlers): void {
  invoke.mockImplementation(async (cmd: string, args?: Record<string, unknown>) => {
    const handler = handlers[cmd]
    if (!handler) throw new Error(`unexpected command ${cmd}`)
    return handler(args)
  })
}

export function byTestId(testid: string): HTMLElement {
  const el = document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
  if (!el) throw new Error(`no [data-testid="${testid}"]`)
  return el
}

export function maybeTestId(testid: string): HTMLElement | null {
  return document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)
}

/** The element itself when it is an input, else the input inside it. */
export function inputOf(testid: string): HTMLInputElement {
  const el = byTestId(testid)
  const input = el instanceof HTMLInputElement ? el : el.querySelector('input')
  if (!input) throw new Error(`no input in [data-testid="${testid}"]`)
  return input
}

export async function typeInto(testid: string, value: string): Promise<void> {
  const input = inputOf(testid)
  input.value = value
  input.dispatchEvent(new Event('input'))
  await settle()
}

/** The options an el-select shows now (its dropdown is found through aria-controls). */
export function optionsOf(testid: string): HTMLElement[] {
  const id = inputOf(testid).getAttribute('aria-controls')
  const list = id ? document.getElementById(id) : null
  if (!list) throw new Error(`no dropdown for [data-testid="${testid}"]`)
  return Array.from(list.querySelectorAll<HTMLElement>('.el-select-dropdown__item'))
}

export function optionTexts(testid: string): string[] {
  return optionsOf(testid).map((li) => li.textContent?.replace(/\s+/g, ' ').trim() ?? '')
}

/** Types `query` into a code select and clicks the option whose text starts with `label`. */
export async function pick(testid: string, query: string, label: string): Promise<void> {
  await typeInto(testid, query)
  const option = optionsOf(testid).find((li) => li.textContent?.trim().startsWith(label))
  if (!option) throw new Error(`no option ${label} in [data-testid="${testid}"]`)
  option.click()
  await settle()
}

export async function clickTestId(testid: string): Promise<void> {
  byTestId(testid).click()
  await settle()
}

/** Waits past a debounce, then lets the promises settle. */
export async function wait(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
  await settle()
}

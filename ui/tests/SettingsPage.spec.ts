import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ErrorPayload, PackInfo, School } from '../src/bindings'
import SettingsPage from '../src/components/SettingsPage.vue'
import { resetSession, schoolCatalog, setSchool, showSettings, useSession } from '../src/session'
import { CATALOG } from './fakeCatalog'
import { byTestId, clickTestId, inputOf, maybeTestId, routeInvoke, typeInto, type Handlers } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const open = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/plugin-dialog', () => ({ open }))

const SCHOOL: School = {
  code: '2151072201',
  name: '桃李县实验小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: CATALOG.set,
  province_code: '510000',
  city_code: '510700',
  county_code: '510722',
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

const EXAMPLE: PackInfo = { id: 'example-province', name: '示例省补充指标', version: '2026.1', province: '510000' }
const OTHER: PackInfo = { id: 'other-province', name: '另一省补充指标', version: '3', province: null }

const REFUSED: ErrorPayload = {
  code: 'province_pack',
  kind: 'user',
  message: '省级补充包 drops.toml 与全国指标冲突：取消了全国必填指标「性别」在中小学中的必填要求',
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage(handlers: Handlers) {
  routeInvoke(invoke, handlers)
  wrapper = mount(SettingsPage, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

function packInfo(): string {
  return byTestId('pack-info').textContent?.trim() ?? ''
}

function calls(command: string): unknown[][] {
  return invoke.mock.calls.filter(([cmd]) => cmd === command)
}

/** Clicks the primary button of the ElMessageBox now open. */
async function confirmMessageBox(): Promise<void> {
  await settle()
  const button = document.body.querySelector<HTMLElement>('.el-message-box__btns .el-button--primary')
  if (!button) throw new Error('no confirmation box')
  button.click()
  await settle()
  await new Promise((resolve) => setTimeout(resolve, 350))
  await settle()
}

describe('SettingsPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    setSchool(SCHOOL)
    signInForTests()
    showSettings()
    useChinese()
    invoke.mockReset()
    open.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('shows the pack the school uses', async () => {
    await mountPage({ province_pack: () => EXAMPLE })
    expect(packInfo()).toBe('示例省补充指标（example-province，2026.1 版）')
    expect(byTestId('pack-province').textContent).toContain('510000')
    expect(maybeTestId('pack-clear')).not.toBeNull()
    expect(maybeTestId('settings-error')).toBeNull()
  })

  it('says the national indicators are used when there is no pack', async () => {
    await mountPage({ province_pack: () => null })
    expect(packInfo()).toBe('未使用省级补充包，按全国指标校验')
    expect(maybeTestId('pack-clear')).toBeNull()
  })

  it('explains what a pack is', async () => {
    await mountPage({ province_pack: () => null })
    const text = byTestId('settings-pack').textContent ?? ''
    expect(text).toContain('教育局')
    expect(text).toContain('不能取消全国必填的指标')
  })

  it('uses the pack at the typed path, shows it and drops the cached catalog', async () => {
    let catalogAsks = 0
    await mountPage({
      province_pack: () => null,
      use_province_pack: () => EXAMPLE,
      school_catalog: () => {
        catalogAsks += 1
        return CATALOG
      },
    })
    await schoolCatalog()
    await schoolCatalog()
    expect(catalogAsks).toBe(1)

    await typeInto('pack-path', '  /tmp/packs/example-pack.toml ')
    await clickTestId('pack-use')
    expect(calls('use_province_pack')).toEqual([['use_province_pack', { path: '/tmp/packs/example-pack.toml' }]])
    expect(packInfo()).toBe('示例省补充指标（example-province，2026.1 版）')
    expect(maybeTestId('settings-error')).toBeNull()
    expect(inputOf('pack-path').value).toBe('')

    await schoolCatalog()
    expect(catalogAsks).toBe(2)
  })

  it('uses the pack on Enter in the path box', async () => {
    await mountPage({ province_pack: () => null, use_province_pack: () => EXAMPLE })
    await typeInto('pack-path', '/tmp/example-pack.toml')
    inputOf('pack-path').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    await settle()
    expect(calls('use_province_pack')).toEqual([['use_province_pack', { path: '/tmp/example-pack.toml' }]])
    expect(packInfo()).toContain('示例省补充指标')
  })

  it('shows the back end’s message for a refused pack and keeps the pack in use', async () => {
    await mountPage({
      province_pack: () => OTHER,
      use_province_pack: () => Promise.reject(REFUSED),
    })
    const before = packInfo()
    expect(before).toBe('另一省补充指标（other-province，3 版）')
    await typeInto('pack-path', '/tmp/drops-national-required.toml')
    await clickTestId('pack-use')
    expect(byTestId('settings-error').textContent).toContain('取消了全国必填指标「性别」')
    expect(packInfo()).toBe(before)
    expect(inputOf('pack-path').value).toBe('/tmp/drops-national-required.toml')
  })

  it('asks for a path before using one', async () => {
    await mountPage({ province_pack: () => null })
    await clickTestId('pack-use')
    expect(calls('use_province_pack')).toHaveLength(0)
    expect(byTestId('settings-error').textContent).toContain('请先输入补充包文件的路径')
  })

  it('uses the pack chosen in the file dialog, offering only .toml files', async () => {
    open.mockResolvedValue('/home/clerk/example-pack.toml')
    await mountPage({ province_pack: () => null, use_province_pack: () => EXAMPLE })
    await clickTestId('pack-choose')
    expect(open).toHaveBeenCalledTimes(1)
    expect(open.mock.calls[0]![0]).toMatchObject({ filters: [{ name: '省级补充包', extensions: ['toml'] }] })
    expect(calls('use_province_pack')).toEqual([['use_province_pack', { path: '/home/clerk/example-pack.toml' }]])
    expect(packInfo()).toContain('示例省补充指标')
  })

  it('stops using the pack after confirmation', async () => {
    await mountPage({ province_pack: () => EXAMPLE, clear_province_pack: () => null })
    await clickTestId('pack-clear')
    expect(calls('clear_province_pack')).toHaveLength(0)
    await confirmMessageBox()
    expect(calls('clear_province_pack')).toHaveLength(1)
    expect(packInfo()).toBe('未使用省级补充包，按全国指标校验')
  })

  it('goes back to the teacher list', async () => {
    await mountPage({ province_pack: () => null })
    await clickTestId('settings-back')
    expect(useSession().view.value).toBe('list')
  })

  it('changes nothing when the file dialog is cancelled', async () => {
    open.mockResolvedValue(null)
    await mountPage({ province_pack: () => EXAMPLE })
    await clickTestId('pack-choose')
    expect(calls('use_province_pack')).toHaveLength(0)
    expect(packInfo()).toContain('示例省补充指标')
  })
})

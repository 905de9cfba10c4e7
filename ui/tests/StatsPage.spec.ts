import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ErrorPayload, SchoolStats, StatsBucket, StatsDimension } from '../src/bindings'
import StatsPage from '../src/components/StatsPage.vue'
import { setLocale } from '../src/i18n'
import { resetSession, setSchool, showStats, useSession } from '../src/session'
import { CATALOG } from './fakeCatalog'
import { byTestId, clickTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

// ECharts draws on a canvas, which jsdom does not have: its init is a fake
// that records what each chart was asked to draw.
const charts = vi.hoisted(() => ({
  init: vi.fn(),
  options: [] as { option: Record<string, unknown> }[],
}))
vi.mock('echarts/core', () => ({ init: charts.init, use: () => undefined }))
vi.mock('echarts/charts', () => ({ BarChart: {}, PieChart: {} }))
vi.mock('echarts/components', () => ({ GridComponent: {}, LegendComponent: {}, TooltipComponent: {} }))
vi.mock('echarts/renderers', () => ({ CanvasRenderer: {} }))

function bucket(key: string, label: string, count: number, label_en = label): StatsBucket {
  return { key, label, label_en, count, missing: key === 'missing' }
}

function dimension(
  id: StatsDimension['id'],
  name: string,
  name_en: string,
  chart: StatsDimension['chart'],
  buckets: StatsBucket[],
  multi = false,
): StatsDimension {
  return { id, name, name_en, chart, multi, total: 30, buckets }
}

const STATS: SchoolStats = {
  school_code: '2151072201',
  school_name: '桃李县实验小学',
  set: 'primary_secondary',
  as_of: '2026-06-15',
  teachers: 30,
  departed: 0,
  dimensions: [
    dimension('gender', '性别', 'Gender', 'pie', [
      bucket('1', '男', 12, 'Male'),
      bucket('2', '女', 16, 'Female'),
      bucket('missing', '未填', 2, 'Not filled'),
    ]),
    dimension('age', '年龄', 'Age', 'column', [
      bucket('le24', '≤24', 3),
      bucket('25-29', '25–29', 27),
      bucket('missing', '未知', 0, 'Unknown'),
    ]),
    dimension('highest_education', '最高学历', 'Highest education', 'column', [
      bucket('21', '大学本科毕业', 20),
      bucket('missing', '未填', 10, 'Not filled'),
    ]),
    dimension('current_title', '现任专业技术职务', 'Current professional title', 'column', [
      bucket('missing', '未填', 30, 'Not filled'),
    ]),
    dimension('ethnicity', '民族', 'Ethnicity', 'pie', [
      bucket('han', '汉族', 28, 'Han'),
      bucket('minority', '少数民族', 1, 'Ethnic minorities'),
      bucket('missing', '未填', 1, 'Not filled'),
    ]),
    dimension(
      'political_status',
      '政治面貌',
      'Political status',
      'column',
      [bucket('01', '中共党员', 20), bucket('04', '民革会员', 2), bucket('missing', '未填', 10, 'Not filled')],
      true,
    ),
    dimension('on_establishment', '是否在编', 'On the establishment (在编)', 'pie', [
      bucket('0', '否', 4, 'No'),
      bucket('1', '是', 26, 'Yes'),
      bucket('missing', '未填', 0, 'Not filled'),
    ]),
    dimension('staff_category', '教职工类别', 'Staff category', 'column', [
      bucket('A1', '专任教师', 30, 'Full-time teacher'),
      bucket('missing', '未填', 0, 'Not filled'),
    ]),
  ],
}

const SCHOOL = {
  code: STATS.school_code,
  name: STATS.school_name,
  school_type: '211',
  school_type_name: '小学',
  indicator_set: CATALOG.set,
  province_code: null,
  city_code: null,
  county_code: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage(stats: () => unknown = () => STATS) {
  routeInvoke(invoke, { school_stats: stats })
  wrapper = mount(StatsPage, { global: { plugins }, attachTo: document.body })
  await settle()
  await settle()
  return wrapper
}

function cards(): HTMLElement[] {
  return Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="stats-card"]'))
}

function card(id: string): HTMLElement {
  const found = document.body.querySelector<HTMLElement>(`[data-testid="stats-card"][data-dimension="${id}"]`)
  if (!found) throw new Error(`no card ${id}`)
  return found
}

/** A card's rows as 「label count share」. */
function rows(id: string): string[] {
  return Array.from(card(id).querySelectorAll('[data-testid="stats-row"]')).map((row) =>
    Array.from(row.querySelectorAll('td'))
      .map((td) => td.textContent?.trim())
      .join(' '),
  )
}

function total(id: string): string {
  return card(id).querySelector('[data-testid="stats-total-count"]')?.textContent?.trim() ?? ''
}

describe('StatsPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    setSchool(SCHOOL)
    signInForTests()
    showStats()
    useChinese()
    invoke.mockReset()
    charts.options = []
    charts.init.mockReset()
    charts.init.mockImplementation(() => {
      const chart = { option: {} as Record<string, unknown> }
      charts.options.push(chart)
      return {
        setOption: (option: Record<string, unknown>) => {
          chart.option = option
        },
        resize: () => undefined,
        dispose: () => undefined,
      }
    })
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
    setLocale('zh-CN')
  })

  it('shows a card per dimension, in the order the back end gives', async () => {
    await mountPage()
    const titles = cards().map((c) => c.querySelector('[data-testid="stats-card-title"]')?.textContent?.trim())
    expect(titles).toEqual(['性别', '年龄', '最高学历', '现任专业技术职务', '民族', '政治面貌', '是否在编', '教职工类别'])
  })

  it('lists each bucket with its count and share, 未填 included', async () => {
    await mountPage()
    expect(rows('gender')).toEqual(['男 12 40.0%', '女 16 53.3%', '未填 2 6.7%'])
  })

  it('ends each card with the total of teachers', async () => {
    await mountPage()
    for (const c of STATS.dimensions) expect(total(c.id)).toBe('30')
  })

  it('says when the school is counted and how many teachers it has', async () => {
    await mountPage()
    expect(byTestId('stats-summary').textContent).toBe('截至 2026-06-15，共 30 位教师')
  })

  it('notes that a multi-code dimension counts a teacher under each code', async () => {
    await mountPage()
    expect(card('political_status').querySelector('[data-testid="stats-multi-note"]')).not.toBeNull()
    expect(card('gender').querySelector('[data-testid="stats-multi-note"]')).toBeNull()
  })

  it('draws a chart in every card: a pie for gender, columns for age', async () => {
    await mountPage()
    expect(charts.init).toHaveBeenCalledTimes(STATS.dimensions.length)
    for (const c of cards()) expect(c.querySelector('[data-testid="stats-chart"]')).not.toBeNull()
    const [gender, age] = charts.options.map((c) => c.option)
    expect((gender!.series as { type: string }[])[0]!.type).toBe('pie')
    expect((age!.series as { type: string }[])[0]!.type).toBe('bar')
    expect((age!.xAxis as { data: string[] }).data).toEqual(['≤24', '25–29', '未知'])
  })

  it('greys out the 未填 slice', async () => {
    await mountPage()
    const series = (charts.options[0]!.option.series as { data: { name: string; itemStyle?: { color: string } }[] }[])[0]!
    expect(series.data.find((d) => d.name === '未填')?.itemStyle?.color).toBe('#c0c4cc')
    expect(series.data.find((d) => d.name === '男')?.itemStyle).toBeUndefined()
  })

  it('draws no label for an empty slice', async () => {
    await mountPage()
    const onEstablishment = charts.options[6]!.option
    const series = (onEstablishment.series as { data: { name: string; label?: { show: boolean } }[] }[])[0]!
    expect(series.data.find((d) => d.name === '未填')?.label?.show).toBe(false)
    expect(series.data.find((d) => d.name === '是')?.label).toBeUndefined()
  })

  it('shows the labels in English when switched', async () => {
    await mountPage()
    setLocale('en')
    await settle()
    expect(card('gender').querySelector('[data-testid="stats-card-title"]')?.textContent?.trim()).toBe('Gender')
    expect(rows('gender')).toEqual(['Male 12 40.0%', 'Female 16 53.3%', 'Not filled 2 6.7%'])
    const series = (charts.options[0]!.option.series as { data: { name: string }[] }[])[0]!
    expect(series.data.map((d) => d.name)).toEqual(['Male', 'Female', 'Not filled'])
  })

  it('asks again on refresh and shows the new numbers', async () => {
    let asked = 0
    await mountPage(() => {
      asked += 1
      if (asked === 1) return STATS
      const gender = { ...STATS.dimensions[0]!, buckets: [bucket('1', '男', 13), bucket('2', '女', 17)] }
      return { ...STATS, dimensions: [gender, ...STATS.dimensions.slice(1)] }
    })
    await clickTestId('stats-refresh')
    await settle()
    expect(asked).toBe(2)
    expect(rows('gender')).toEqual(['男 13 43.3%', '女 17 56.7%'])
  })

  it('shows the back end refusal', async () => {
    const refused: ErrorPayload = { code: 'internal.database', kind: 'internal', message: '数据库操作失败：磁盘已满' }
    await mountPage(() => Promise.reject(refused))
    expect(byTestId('stats-error').textContent).toContain('数据库操作失败：磁盘已满')
    expect(cards()).toEqual([])
  })

  it('goes back to the teacher list', async () => {
    await mountPage()
    await clickTestId('stats-back')
    expect(useSession().view.value).toBe('list')
  })
})

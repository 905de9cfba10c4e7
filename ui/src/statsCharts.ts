// The 统计 page's charts: one ECharts option per dimension (a pie for shares
// of a whole, columns for the others), and ECharts itself, loaded on first use
// so that the rest of the app does not wait for it.
import type { StatsBucket, StatsDimension } from './bindings'

/** The colour of the 「未填」/「未知」 slice or column. */
export const MISSING_COLOR = '#c0c4cc'

/** Above this many columns the category labels are turned to fit. */
const TURN_LABELS_ABOVE = 5

/** The parts of ECharts the page uses. */
export interface ChartHandle {
  setOption(option: object, notMerge?: boolean): void
  resize(): void
  dispose(): void
}

export type ChartInit = (element: HTMLElement) => ChartHandle

let engine: Promise<ChartInit> | null = null

/** ECharts (core, pie and bar charts, the canvas renderer), imported once. */
export function loadCharts(): Promise<ChartInit> {
  if (!engine) {
    engine = import('./chartEngine').then((m) => m.initChart)
    engine.catch(() => {
      engine = null
    })
  }
  return engine
}

export function bucketLabel(bucket: StatsBucket, english: boolean): string {
  return english ? bucket.label_en : bucket.label
}

function itemColor(bucket: StatsBucket): { color: string } | undefined {
  return bucket.missing ? { color: MISSING_COLOR } : undefined
}

/** The ECharts option that draws `dimension`. */
export function chartOption(dimension: StatsDimension, english: boolean): object {
  const data = dimension.buckets.map((bucket) => ({
    name: bucketLabel(bucket, english),
    value: bucket.count,
    itemStyle: itemColor(bucket),
  }))
  const name = english ? dimension.name_en : dimension.name
  if (dimension.chart === 'pie') {
    // An empty slice keeps its legend entry but draws no label pointing at nothing.
    const slices = data.map((d) => (d.value > 0 ? d : { ...d, label: { show: false }, labelLine: { show: false } }))
    return {
      animationDuration: 300,
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { type: 'scroll', bottom: 0 },
      series: [
        {
          name,
          type: 'pie',
          radius: ['35%', '62%'],
          center: ['50%', '45%'],
          label: { formatter: '{b}: {c}' },
          data: slices,
        },
      ],
    }
  }
  const turn = data.length > TURN_LABELS_ABOVE
  return {
    animationDuration: 300,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 40, right: 16, top: 24, bottom: turn ? 72 : 32 },
    xAxis: {
      type: 'category',
      data: data.map((d) => d.name),
      axisLabel: { interval: 0, rotate: turn ? 30 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ name, type: 'bar', barMaxWidth: 40, label: { show: true, position: 'top' }, data }],
  }
}

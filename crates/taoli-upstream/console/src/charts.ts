// The console's ECharts options (pure, tested) and the lazily loaded engine
// with only what the console draws.
import type { Dimension, UnitProgress } from './bindings'

export type ChartHandle = {
  setOption(option: object, notMerge?: boolean): void
  resize(): void
  dispose(): void
}

export async function loadCharts(): Promise<(element: HTMLElement) => ChartHandle> {
  const engine = await import('./chartEngine')
  return engine.initChart
}

type RateLabels = { reportingRate: string; onTimeRate: string }

/** Bars of 报送率 and 按时报送率 per unit, in percent (0–100). */
export function rateChartOption(units: readonly UnitProgress[], labels: RateLabels): object {
  const percent = (value: number) => Math.round(Math.min(100, Math.max(0, value)) * 10) / 10
  return {
    animation: false,
    color: ['#409eff', '#67c23a'],
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 40 },
    xAxis: {
      type: 'category',
      data: units.map((u) => u.name),
      axisLabel: { interval: 0 },
    },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      {
        name: labels.reportingRate,
        type: 'bar',
        data: units.map((u) => percent(u.reporting_rate)),
        label: { show: true, position: 'top', formatter: '{c}%' },
      },
      {
        name: labels.onTimeRate,
        type: 'bar',
        data: units.map((u) => percent(u.on_time_rate)),
        label: { show: true, position: 'top', formatter: '{c}%' },
      },
    ],
  }
}

/** One dimension of the teacher statistics as bars of counts. */
export function dimensionChartOption(dimension: Dimension): object {
  return {
    animation: false,
    title: { text: dimension.label, left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 40, bottom: 56 },
    xAxis: {
      type: 'category',
      data: dimension.buckets.map((b) => b.label),
      axisLabel: { interval: 0, rotate: dimension.buckets.length > 5 ? 30 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: dimension.buckets.map((b) => b.count),
        label: { show: true, position: 'top' },
        itemStyle: { color: '#409eff' },
      },
    ],
  }
}

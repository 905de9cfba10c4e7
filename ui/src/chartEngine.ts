// ECharts with only what the 统计 page draws; imported lazily (statsCharts.ts).
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import type { ChartHandle } from './statsCharts'

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export function initChart(element: HTMLElement): ChartHandle {
  return init(element, undefined, { renderer: 'canvas' })
}

// ECharts with only the bar chart the console draws; imported lazily (charts.ts).
import { BarChart } from 'echarts/charts'
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import type { ChartHandle } from './charts'

use([BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer])

export function initChart(element: HTMLElement): ChartHandle {
  return init(element, undefined, { renderer: 'canvas' })
}

import { describe, expect, it } from 'vitest'
import type { UnitProgress } from '../src/bindings'
import { dimensionChartOption, rateChartOption } from '../src/charts'

function unit(name: string, reporting: number, onTime: number): UnitProgress {
  return {
    code: '510722', name, level: 'county', expected: 3, enrolled: 2, reported: 2, on_time: 1,
    reporting_rate: reporting, on_time_rate: onTime, records_received: 4, accepted: 1, returned: 0, pending: 3,
  }
}

type Series = { name: string; data: number[] }

describe('rateChartOption', () => {
  it('draws the reporting and on-time rates of each unit on a 0–100% axis', () => {
    const option = rateChartOption([unit('三台县', 66.666, 33.333), unit('涪城区', 0, 0)], {
      reportingRate: '报送率',
      onTimeRate: '按时报送率',
    }) as { xAxis: { data: string[] }; yAxis: { max: number }; series: Series[] }
    expect(option.xAxis.data).toEqual(['三台县', '涪城区'])
    expect(option.yAxis.max).toBe(100)
    expect(option.series.map((s) => s.name)).toEqual(['报送率', '按时报送率'])
    expect(option.series[0]?.data).toEqual([66.7, 0])
    expect(option.series[1]?.data).toEqual([33.3, 0])
  })
})

describe('dimensionChartOption', () => {
  it('draws one bar per bucket with its count', () => {
    const option = dimensionChartOption({
      key: 'gender',
      label: '性别',
      buckets: [{ label: '男', count: 3 }, { label: '女', count: 5 }],
    }) as { title: { text: string }; xAxis: { data: string[] }; series: Series[] }
    expect(option.title.text).toBe('性别')
    expect(option.xAxis.data).toEqual(['男', '女'])
    expect(option.series[0]?.data).toEqual([3, 5])
  })
})

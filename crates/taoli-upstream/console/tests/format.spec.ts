import { describe, expect, it } from 'vitest'
import { formatRate, formatTime, formatValue, recordKey } from '../src/format'

describe('formatRate', () => {
  it('writes a whole rate without decimals and others with one', () => {
    expect(formatRate(100)).toBe('100%')
    expect(formatRate(0)).toBe('0%')
    expect(formatRate(66.66666)).toBe('66.7%')
    expect(formatRate(50.04)).toBe('50%')
  })

  it('keeps a rate between 0 and 100 and marks a missing one', () => {
    expect(formatRate(120)).toBe('100%')
    expect(formatRate(-3)).toBe('0%')
    expect(formatRate(Number.NaN)).toBe('—')
    expect(formatRate(null)).toBe('—')
  })
})

describe('formatTime', () => {
  it('shows a UTC timestamp in China’s time', () => {
    expect(formatTime('2027-03-31T15:59:00Z')).toBe('2027-03-31 23:59')
    expect(formatTime('2027-03-31T16:05:00.123Z')).toBe('2027-04-01 00:05')
  })

  it('shows nothing as a dash and an unreadable time as it is', () => {
    expect(formatTime(null)).toBe('—')
    expect(formatTime('yesterday')).toBe('yesterday')
  })
})

describe('formatValue and recordKey', () => {
  it('shows a missing value as a dash', () => {
    expect(formatValue(null)).toBe('—')
    expect(formatValue('')).toBe('—')
    expect(formatValue('王芳')).toBe('王芳')
  })

  it('keys a record by its batch and id', () => {
    expect(recordKey({ batch_id: 'b1', record: 'teacher:t-1' })).toBe('b1/teacher:t-1')
  })
})

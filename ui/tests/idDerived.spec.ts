import { describe, expect, it } from 'vitest'
import type { IdDerivedValue } from '../src/bindings'
import { describeDerived, fillFromId } from '../src/idDerived'
import type { FieldValue } from '../src/indicators'

const FROM_ID: IdDerivedValue[] = [
  { field: 'birth_date', label: '出生日期', value: '1985-03-04', shown: '1985-03-04' },
  { field: 'gender', label: '性别', value: '1', shown: '男' },
]

describe('fillFromId', () => {
  it('fills the empty fields and says which it filled', () => {
    const values: Record<string, FieldValue> = { birth_date: null, gender: '', ethnicity: '01' }
    const filled = fillFromId(values, FROM_ID)
    expect(values).toEqual({ birth_date: '1985-03-04', gender: '1', ethnicity: '01' })
    expect(filled.map((v) => v.field)).toEqual(['birth_date', 'gender'])
  })

  it('never replaces a value the clerk or the 档案 gave', () => {
    const values: Record<string, FieldValue> = { birth_date: '1985-03-05', gender: '2' }
    expect(fillFromId(values, FROM_ID)).toEqual([])
    expect(values).toEqual({ birth_date: '1985-03-05', gender: '2' })
  })

  it('leaves out a field the form does not have', () => {
    const values: Record<string, FieldValue> = { gender: null }
    expect(fillFromId(values, FROM_ID).map((v) => v.field)).toEqual(['gender'])
    expect(values).toEqual({ gender: '1' })
  })

  it('takes a blank text as empty', () => {
    const values: Record<string, FieldValue> = { birth_date: '  ', gender: null }
    fillFromId(values, FROM_ID)
    expect(values.birth_date).toBe('1985-03-04')
  })
})

describe('describeDerived', () => {
  it('names each value with its label', () => {
    expect(describeDerived(FROM_ID)).toBe('出生日期 1985-03-04、性别 男')
  })
})

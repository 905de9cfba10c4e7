import { describe, expect, it } from 'vitest'
import { filterSchoolTypes, schoolTypeMatches } from '../src/schoolTypeFilter'

const primary = { code: '211', name: '小学' }
const juniorHigh = { code: '311', name: '初级中学' }
const technical = { code: '365', name: '技工学校' }
const all = [primary, juniorHigh, technical]

describe('school type filter', () => {
  it('matches by code prefix', () => {
    expect(filterSchoolTypes(all, '211')).toEqual([primary])
    expect(filterSchoolTypes(all, '3')).toEqual([juniorHigh, technical])
  })

  it('matches by any part of the name', () => {
    expect(filterSchoolTypes(all, '小学')).toEqual([primary])
    expect(filterSchoolTypes(all, '中学')).toEqual([juniorHigh])
    expect(filterSchoolTypes(all, '技工')).toEqual([technical])
  })

  it('does not match digits inside the code that are not its prefix', () => {
    expect(schoolTypeMatches(primary, '11')).toBe(false)
    expect(schoolTypeMatches(technical, '65')).toBe(false)
  })

  it('does not match unrelated text', () => {
    expect(filterSchoolTypes(all, '大学')).toEqual([])
    expect(filterSchoolTypes(all, 'xx')).toEqual([])
  })

  it('matches everything for an empty or blank query', () => {
    expect(filterSchoolTypes(all, '')).toEqual(all)
    expect(filterSchoolTypes(all, '  ')).toEqual(all)
  })
})

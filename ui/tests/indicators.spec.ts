import { describe, expect, it } from 'vitest'
import {
  codeOptions,
  draftFields,
  filterCodeOptions,
  initialValues,
  problemDetail,
  storedValues,
  toFormValue,
} from '../src/indicators'
import { BASIC, CATALOG, EDUCATION, field, problem } from './fakeCatalog'

function options(tableId: string) {
  return codeOptions(
    CATALOG.code_tables.find((t) => t.id === tableId),
    'zh-CN',
  )
}

function values(tableId: string, query: string): string[] {
  return filterCodeOptions(options(tableId), query).map((o) => o.value)
}

describe('code options', () => {
  it('read 「code name」, with headings disabled and children one level deep', () => {
    const degrees = options('degree_name')
    expect(degrees.map((o) => [o.label, o.disabled, o.depth])).toEqual([
      ['4 学士', true, 0],
      ['401 哲学学士学位', false, 1],
      ['405 文学学士学位', false, 1],
    ])
    expect(degrees[1]!.parentName).toBe('学士')
  })

  it('read just 是 / 否 for a yes/no field', () => {
    const yesNo = codeOptions(
      CATALOG.code_tables.find((t) => t.id === 'yes_no'),
      'zh-CN',
      'yes_no',
    )
    expect(yesNo.map((o) => o.label)).toEqual(['否', '是'])
  })
})

describe('code filter', () => {
  it('matches a code prefix', () => {
    expect(values('ethnicity', '0')).toEqual(['01', '02'])
    expect(values('gender', '2')).toEqual(['2'])
  })

  it('matches any part of a name', () => {
    expect(values('education_level', '本科')).toEqual(['21'])
    expect(values('ethnicity', '古')).toEqual(['02'])
  })

  it('matches a synonym', () => {
    expect(values('education_level', '硕士')).toEqual(['14'])
  })

  it('puts an exact code before codes that merely start with the query', () => {
    expect(values('degree_name', '4')).toEqual(['4', '401', '405'])
    expect(values('ethnicity', '12')).toEqual(['12'])
  })

  it('keeps every option for a blank query', () => {
    expect(values('gender', '  ')).toEqual(['0', '1', '2'])
  })
})

describe('drafts', () => {
  it('leave out identity, derived and empty fields, and trim text', () => {
    const form = {
      ...initialValues(BASIC),
      name: '张三',
      id_type: '1',
      id_number: '11010519491231002X',
      gender: '2',
      highest_education: '21',
      remarks: '  借调  ',
    }
    expect(draftFields(BASIC, form)).toEqual({ gender: '2', remarks: '借调' })
  })

  it('keep numbers as numbers', () => {
    expect(draftFields(EDUCATION, { ...initialValues(EDUCATION), study_years: 4 })).toEqual({ study_years: 4 })
  })

  it('start from the catalog default where a field has one', () => {
    const group = { ...EDUCATION, fields: [...EDUCATION.fields, field('country', '国家', 'code', { default: '156' })] }
    expect(initialValues(group).country).toBe('156')
  })

  it('read stored values into the form’s shapes', () => {
    const form = storedValues(EDUCATION, { education: '21', study_years: '4.5', enrollment_month: '2001-09' })
    expect(form).toEqual({ education: '21', degree_name: '', enrollment_month: '2001-09', study_years: 4.5 })
    expect(toFormValue({ kind: 'multi_code' }, '01，03')).toEqual(['01', '03'])
  })
})

describe('problem detail', () => {
  it('drops the teacher · group · field prefix in either language', () => {
    const p = problem({})
    expect(problemDetail(p, 'zh-CN')).toBe('必填，不能为空')
    expect(problemDetail(p, 'en')).toBe('必填，不能为空')
  })
})

// A small indicator catalog for the form and 校验 page specs: one single-record
// group with identity, code, date, derived and yes/no fields, and one
// multi-record group.
import type {
  Code,
  CodeTable,
  EffectiveCatalog,
  EffectiveField,
  EffectiveGroup,
  IndicatorRecord,
  Problem,
  Teacher,
} from '../src/bindings'

export function field(code: string, label: string, kind: EffectiveField['kind'], extra: Partial<EffectiveField> = {}): EffectiveField {
  return {
    code,
    label,
    label_en: label,
    kind,
    code_table: null,
    required: false,
    max_len: null,
    min: null,
    max: null,
    decimals: null,
    filled_by: ['school'],
    derived: false,
    help: null,
    default: null,
    header_synonyms: [],
    confirmed: true,
    ...extra,
  }
}

function code(value: string, name: string, extra: Partial<Code> = {}): Code {
  return { code: value, name, name_en: null, synonyms: [], parent: null, selectable: true, sets: 'all', confirmed: true, ...extra }
}

function table(id: string, name: string, codes: Code[]): CodeTable {
  return { id, name, name_en: name, source: null, confirmed: true, none_code: null, none_words: null, code: codes }
}

export const BASIC: EffectiveGroup = {
  id: 'basic',
  name: '基本信息',
  name_en: 'Basic information',
  multi: false,
  filled_by: ['school'],
  help: null,
  key: [],
  fields: [
    field('name', '姓名', 'text', { required: true, max_len: 20 }),
    field('id_type', '身份证件类型', 'code', { required: true, code_table: 'id_type' }),
    field('id_number', '身份证件号', 'id_number', { required: true }),
    field('gender', '性别', 'code', { required: true, code_table: 'gender' }),
    field('ethnicity', '民族', 'code', { code_table: 'ethnicity' }),
    field('birth_date', '出生日期', 'date', { required: true }),
    field('highest_education', '最高学历', 'code', { code_table: 'education_level', derived: true }),
    field('on_establishment', '是否在编', 'yes_no', { required: true, code_table: 'yes_no' }),
    field('remarks', '备注', 'text', { max_len: 200 }),
  ],
}

export const EDUCATION: EffectiveGroup = {
  id: 'education',
  name: '学习经历',
  name_en: 'Education history',
  multi: true,
  filled_by: ['school'],
  help: null,
  key: [],
  fields: [
    field('education', '获得学历', 'code', { required: true, code_table: 'education_level' }),
    field('degree_name', '学位名称', 'code', { code_table: 'degree_name' }),
    field('enrollment_month', '入学年月', 'year_month'),
    field('study_years', '学制', 'number', { min: 0, max: 10, decimals: 1 }),
  ],
}

export const CATALOG: EffectiveCatalog = {
  set: { id: 'primary_secondary', name: '中小学', name_en: 'Primary and secondary', confirmed: true },
  groups: [BASIC, EDUCATION],
  code_tables: [
    table('id_type', '身份证件类型', [code('1', '居民身份证')]),
    table('gender', '性别', [
      code('0', '未知的性别', { selectable: false }),
      code('1', '男', { synonyms: ['男性'] }),
      code('2', '女', { synonyms: ['女性'] }),
    ]),
    table('ethnicity', '民族', [
      code('01', '汉族', { synonyms: ['汉'] }),
      code('02', '蒙古族', { synonyms: ['蒙古'] }),
      code('12', '苗族'),
    ]),
    table('education_level', '学历', [
      code('14', '硕士研究生毕业', { synonyms: ['硕士'] }),
      code('21', '大学本科毕业', { synonyms: ['大学本科', '本科'] }),
    ]),
    table('degree_name', '学位名称', [
      code('4', '学士', { selectable: false }),
      code('401', '哲学学士学位', { parent: '4' }),
      code('405', '文学学士学位', { parent: '4' }),
    ]),
    table('yes_no', '是否', [code('0', '否'), code('1', '是')]),
  ],
}

export const TEACHER: Teacher = {
  id: 't-1',
  name: '张三',
  id_type: '1',
  id_type_name: '居民身份证',
  id_number: '11010519491231002X',
  version: 1,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

export function record(id: string, group: string, fields: Record<string, unknown>, extra: Partial<IndicatorRecord> = {}): IndicatorRecord {
  return {
    id,
    teacher_id: TEACHER.id,
    group_code: group,
    row_order: 1,
    fields,
    version: 3,
    updated_at: '2025-01-01T00:00:00Z',
    ...extra,
  }
}

export function problem(extra: Partial<Problem>): Problem {
  const group = extra.group ?? 'basic'
  const groupName = group === 'basic' ? '基本信息' : '学习经历'
  const label = extra.field_label ?? '性别'
  const teacher = extra.teacher_name ?? TEACHER.name
  const detail = extra.severity === 'warning' ? '与身份证件号不一致' : '必填，不能为空'
  return {
    teacher_id: TEACHER.id,
    teacher_name: teacher,
    group,
    group_name: groupName,
    record_id: null,
    row_order: null,
    field: 'gender',
    field_label: label,
    value: null,
    severity: 'error',
    rule: 'required',
    message: `${teacher} · ${groupName} · ${label}：${detail}`,
    message_en: `${teacher} · ${group} · ${label}: ${detail}`,
    reason: null,
    ...extra,
  }
}

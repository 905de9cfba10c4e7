// Generated from the Rust types in crates/taoli-core by ts-rs. Do not edit.
// Regenerate: TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-core --test bindings

export type ErrorKind = "user" | "internal";

export type ErrorPayload = { code: string, kind: ErrorKind, message: string, };

export type IndicatorSet = { 
/**
 * Stable identifier, e.g. `primary_secondary`.
 */
id: string, 
/**
 * Chinese name, e.g. 中小学.
 */
name: string, name_en: string, };

export type SchoolTypeScope = { "kind": "in", set: IndicatorSet, } | { "kind": "out", reason: string, };

export type SchoolType = { code: string, name: string, note: string | null, scope: SchoolTypeScope, 
/**
 * False where the reference marks the mapping as inferred ([I]).
 */
confirmed: boolean, };

export type IdNumberForm = "resident_id" | "general";

export type IdType = { code: string, name: string, name_en: string, form: IdNumberForm, };

export type IdGender = "male" | "female";

export type NewSchool = { 
/**
 * 学校标识码: ten digits issued by the education authorities.
 */
code: string, 
/**
 * 学校名称.
 */
name: string, 
/**
 * 办学类型代码.
 */
school_type: string, 
/**
 * 县级行政区划代码 (six digits), from which the province and city codes follow.
 */
region_code: string | null, };

export type School = { code: string, name: string, school_type: string, 
/**
 * The school type's name, when the catalog knows the code.
 */
school_type_name: string | null, 
/**
 * The indicator set the school reports against.
 */
indicator_set: IndicatorSet | null, province_code: string | null, city_code: string | null, county_code: string | null, created_at: string, updated_at: string, };

export type NewTeacher = { 
/**
 * 姓名.
 */
name: string, 
/**
 * 身份证件类型 code (or its name), e.g. `1` for 居民身份证.
 */
id_type: string, 
/**
 * 身份证件号.
 */
id_number: string, };

export type Teacher = { 
/**
 * Stable internal id; never shown to clerks.
 */
id: string, name: string, id_type: string, id_type_name: string, id_number: string, version: number, created_at: string, updated_at: string, };

export type TeacherListing = { teachers: Array<Teacher>, total: number, };

export type IndicatorRecord = { id: string, teacher_id: string, 
/**
 * The information group (信息项), e.g. 基本信息.
 */
group_code: string, 
/**
 * Position within a multi-record group, from 1.
 */
row_order: number, fields: Record<string, unknown>, 
/**
 * Bumped on every change; an edit names the version it started from.
 */
version: number, updated_at: string, };

export type Entity = "school" | "teacher" | "record";

export type Action = "create" | "update" | "delete";

export type Revision = { id: number, at: string, actor: string, entity: Entity, entity_id: string, teacher_id: string | null, action: Action, old_value: unknown, new_value: unknown, };

export type RecentFile = { path: string, school_name: string, school_code: string, opened_at: string, 
/**
 * Whether the file is still where it was (filled in when listed).
 */
exists: boolean, };

export type TeacherExport = { records: Array<IndicatorRecord>, 
/**
 * Stable internal id; never shown to clerks.
 */
id: string, name: string, id_type: string, id_type_name: string, id_number: string, version: number, created_at: string, updated_at: string, };

export type SchoolExport = { format: string, format_version: number, taoli_version: string, schema_version: number, exported_at: string, school: School, teachers: Array<TeacherExport>, };

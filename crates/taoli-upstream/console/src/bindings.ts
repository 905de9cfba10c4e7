// Generated from the Rust types of crates/taoli-upstream by ts-rs. Do not edit.
// Regenerate: TAOLI_UPDATE_BINDINGS=1 cargo test -p taoli-upstream --test console_bindings

export type Role = "system_admin" | "info_admin" | "info_query";

export type Level = "province" | "city" | "county";

export type Officer = { id: number, username: string, display_name: string, org: string, org_name: string, level: Level, role: Role, };

export type SchoolEntry = { code: string, name: string, county: string, county_name: string, 
/**
 * Whether a key of the school is enrolled and not revoked.
 */
enrolled: boolean, key_id: string | null, enrolled_at: string | null, 
/**
 * Enrollment codes issued, not used, not revoked, not expired.
 */
open_codes: number, };

export type OfficerEntry = { id: number, username: string, display_name: string, org: string, org_name: string, role: Role, role_label: string, locked: boolean, disabled: boolean, };

export type AuditLine = { id: number, at: string, username: string, org: string | null, action: string, target: string, detail: string, address: string, };

export type Period = { opens: string, deadline: string, grace_days: number, };

export type SchoolProgress = { code: string, name: string, county: string, county_name: string, city: string, city_name: string, enrolled: boolean, 
/**
 * When the last batch arrived, ever.
 */
last_batch_at: string | null, 
/**
 * Received in the period: at least one batch.
 */
reported: boolean, 
/**
 * Its first batch of the period arrived by the deadline plus grace.
 */
on_time: boolean, records_received: number, accepted: number, returned: number, pending: number, };

export type UnitProgress = { code: string, name: string, level: Level, expected: number, enrolled: number, reported: number, on_time: number, 
/**
 * DHIS2's REPORTING_RATE: reported / expected, in percent.
 */
reporting_rate: number, 
/**
 * DHIS2's REPORTING_RATE_ON_TIME: on time / expected, in percent.
 */
on_time_rate: number, records_received: number, accepted: number, returned: number, pending: number, };

export type Progress = { period: Period, schools: Array<SchoolProgress>, counties: Array<UnitProgress>, cities: Array<UnitProgress>, total: UnitProgress, };

export type FieldChange = { field: string, label: string, 
/**
 * In effect upstream before (None: nothing yet).
 */
before: string | null, after: string | null, };

export type Approval = { level: Level, 
/**
 * The unit and the officer: 「三台县 张科员」.
 */
by: string, at: string, };

export type QueueItem = { school: string, school_name: string, batch_id: string, sequence: number, received_at: string, record: string, op: string, op_label: string, teacher_id: string, teacher_name: string | null, group: string | null, group_label: string | null, reason: string | null, changes: Array<FieldChange>, 
/**
 * The level it waits at (逐级审核).
 */
stage: Level, 
/**
 * The lower levels' approvals on its way up.
 */
approvals: Array<Approval>, 
/**
 * Why a higher level sent it back, and who.
 */
sent_back: string | null, };

export type QueuePage = { items: Array<QueueItem>, total: number, page: number, page_size: number, };

export type RecordRef = { batch_id: string, record: string, };

export type NotDecided = { batch_id: string, record: string, why: string, };

export type Decided = { decided: number, not_decided: Array<NotDecided>, };

export type TeacherRow = { school: string, school_name: string, teacher_id: string, name: string, gender: string, birth_date: string, 
/**
 * The ID document's type by its name (居民身份证, 护照 …), or 未填.
 */
id_type: string, 
/**
 * The last four characters of the ID number: enough to tell two
 * teachers apart, no more.
 */
id_tail: string, education: string, title: string, };

export type TeacherPage = { items: Array<TeacherRow>, total: number, page: number, page_size: number, };

export type Bucket = { label: string, count: number, };

export type Dimension = { key: string, label: string, buckets: Array<Bucket>, };

export type Stats = { teachers: number, dimensions: Array<Dimension>, };

export type SessionBody = { officer: Officer, role_label: string, csrf: string, };

export type LoginForm = { username: string, password: string, };

export type NewSchool = { code: string, name: string, county: string, };

export type CodeForm = { 
/**
 * 30 when absent.
 */
valid_days: number, };

export type IssuedCode = { code: string, valid_days: number, };

export type Count = { count: number, };

export type NoticeForm = { schools: Array<string>, message: string, };

export type DecideForm = { items: Array<RecordRef>, 
/**
 * `accepted` (生效) or `returned` (退回); anything else is refused
 * with a message, not a parse error.
 */
decision: "accepted" | "returned", reason?: string, };

export type SendBackForm = { items: Array<RecordRef>, reason: string, };

export type NewOfficer = { username: string, display_name: string, org: string, 
/**
 * The role's id (`info_admin` …); its Chinese name is taken too.
 */
role: Role, password: string, };

export type PasswordForm = { password: string, };

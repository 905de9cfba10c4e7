// Shapes the console receives that have no Rust type of their own to
// generate from: the handlers' small private bodies in
// src/console/api.rs (SessionBody, IssuedCode, Count) and the 查询与统计
// endpoints' contract. Everything else comes from ./bindings (ts-rs).
import type { Officer, Role } from './bindings'

/** GET /console/api/session and POST /console/api/login. */
export type SessionBody = { officer: Officer; role_label: string; csrf: string }

/** POST /console/api/schools/{code}/codes. */
export type IssuedCode = { code: string; valid_days: number }

/** DELETE …/codes and POST …/revoke-key: how many were revoked. */
export type Count = { count: number }

/** One teacher of GET /console/api/teachers. */
export type TeacherRow = {
  school: string
  school_name: string
  teacher_id: string
  name: string
  gender: string | null
  birth_date: string | null
  id_tail: string | null
  education: string | null
  title: string | null
}

export type TeacherPage = { items: TeacherRow[]; total: number; page: number; page_size: number }

export type StatsBucket = { label: string; count: number }
export type StatsDimension = { key: string; label: string; buckets: StatsBucket[] }
/** GET /console/api/stats. */
export type TeacherStats = { teachers: number; dimensions: StatsDimension[] }

/** The body of POST /console/api/officers. */
export type NewOfficer = {
  username: string
  display_name: string
  org: string
  role: Role
  password: string
}

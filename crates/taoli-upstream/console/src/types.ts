// Shapes the console sends or receives that have no public Rust type to
// generate from: the handlers' small private bodies in src/console/api.rs
// (SessionBody, IssuedCode, Count, the officer form). Everything else comes
// from ./bindings (ts-rs).
import type { Officer, Role } from './bindings'

/** GET /console/api/session and POST /console/api/login. */
export type SessionBody = { officer: Officer; role_label: string; csrf: string }

/** POST /console/api/schools/{code}/codes. */
export type IssuedCode = { code: string; valid_days: number }

/** DELETE …/codes and POST …/revoke-key: how many were revoked. */
export type Count = { count: number }

/** The body of POST /console/api/officers. */
export type NewOfficer = {
  username: string
  display_name: string
  org: string
  role: Role
  password: string
}

// The console API's client: the session's CSRF token on every change, the
// API's own Chinese message on every refusal, and a 401 anywhere (but the
// sign-in itself) handed to the app, which goes back to the login page.
import type {
  AuditLine,
  CodeForm,
  Count,
  Decided,
  DecideForm,
  IssuedCode,
  LoginForm,
  NewOfficer,
  NewSchool,
  NoticeForm,
  OfficerEntry,
  PasswordForm,
  Progress,
  QueuePage,
  RecordRef,
  SchoolEntry,
  SendBackForm,
  SessionBody,
  Stats,
  TeacherPage,
} from './bindings'

export const API = '/console/api'

/** A refused or failed request: the HTTP status, the API's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let csrf = ''
let onUnauthorized: (error: ApiError) => void = () => {}

/** The CSRF token of the session (from the login or session answer). */
export function setCsrf(token: string): void {
  csrf = token
}

export function csrfToken(): string {
  return csrf
}

/** What to do when the server says the session is gone. */
export function whenSignedOut(handler: (error: ApiError) => void): void {
  onUnauthorized = handler
}

/** The message to show for any error. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}

type Method = 'GET' | 'POST' | 'DELETE'

type Options = {
  body?: unknown
  /** The sign-in: a 401 there is a wrong password, not a lost session. */
  signIn?: boolean
}

/** Reads an error body: `{ code, message }` from the API, or the status. */
async function failure(response: Response): Promise<ApiError> {
  let code = 'http_' + response.status
  let message = ''
  try {
    const body = (await response.json()) as { code?: unknown; message?: unknown }
    if (typeof body.code === 'string') code = body.code
    if (typeof body.message === 'string') message = body.message
  } catch {
    // Not the API's JSON (a proxy's page): the status says what we know.
  }
  if (!message) message = `服务器答复 ${response.status} ${response.statusText}`.trim()
  return new ApiError(response.status, code, message)
}

/** Sends a request; the response when it succeeded, else throws ApiError. */
export async function send(method: Method, path: string, options: Options = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf
  let body: string | undefined
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  let response: Response
  try {
    response = await fetch(API + path, { method, headers, body, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network', '连不上服务器，请检查网络后重试。')
  }
  if (response.ok) return response
  const error = await failure(response)
  if (response.status === 401 && !options.signIn) {
    csrf = ''
    onUnauthorized(error)
  }
  throw error
}

async function json<T>(method: Method, path: string, options: Options = {}): Promise<T> {
  const response = await send(method, path, options)
  if (!(response.headers.get('Content-Type') ?? '').includes('application/json')) {
    // An older server answers a path it does not have with the app's page.
    throw new ApiError(response.status, 'not_json', `这个服务器还没有 ${API}${path.split('?')[0]} 接口，请升级 taoli-upstream。`)
  }
  return (await response.json()) as T
}

/** `?a=1&b=2` of the non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue
    search.set(key, String(value))
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

/** The file name of a `Content-Disposition` (RFC 5987 `filename*` first). */
export function attachmentName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // A malformed encoding: try the plain name.
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"/i.exec(disposition)
  return plain?.[1] ?? fallback
}

/** Downloads a GET as a file (the browser saves it under the server's name). */
export async function download(path: string, fallback: string): Promise<string> {
  const response = await send('GET', path)
  const name = attachmentName(response.headers.get('Content-Disposition'), fallback)
  const blob = await response.blob()
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

// ---------------------------------------------------------------- session

export async function session(): Promise<SessionBody> {
  const body = await json<SessionBody>('GET', '/session')
  csrf = body.csrf
  return body
}

export async function login(username: string, password: string): Promise<SessionBody> {
  const form: LoginForm = { username, password }
  const body = await json<SessionBody>('POST', '/login', {
    body: form,
    signIn: true,
  })
  csrf = body.csrf
  return body
}

export async function logout(): Promise<void> {
  try {
    await send('POST', '/logout', { body: {} })
  } finally {
    csrf = ''
  }
}

// ---------------------------------------------------------------- progress

export type PeriodChoice = { deadline?: string; grace?: number }

export function progress(period: PeriodChoice = {}): Promise<Progress> {
  return json('GET', '/progress' + query(period))
}

export function downloadProgress(period: PeriodChoice): Promise<string> {
  return download('/progress.xlsx' + query(period), 'progress.xlsx')
}

// ---------------------------------------------------------------- review

export function queue(school: string, page: number, size: number): Promise<QueuePage> {
  return json('GET', '/queue' + query({ school, page, size }))
}

export function decide(
  items: RecordRef[],
  decision: DecideForm['decision'],
  reason?: string,
): Promise<Decided> {
  const form: DecideForm = { items, decision, reason }
  return json('POST', '/queue/decide', { body: form })
}

/** 督促提醒: a notice each school reads at its next sync; how many were sent. */
export function sendNotices(schools: string[], message: string): Promise<Count> {
  const form: NoticeForm = { schools, message }
  return json('POST', '/notices', { body: form })
}

/** 退回下级重审: records waiting at this level go back to the level below. */
export function sendBack(items: RecordRef[], reason: string): Promise<Decided> {
  const form: SendBackForm = { items, reason }
  return json('POST', '/queue/send-back', { body: form })
}

// ---------------------------------------------------------------- schools

export function schools(): Promise<SchoolEntry[]> {
  return json('GET', '/schools')
}

export async function registerSchool(code: string, name: string, county: string): Promise<void> {
  const form: NewSchool = { code, name, county }
  await send('POST', '/schools', { body: form })
}

export function issueCode(school: string, validDays: number): Promise<IssuedCode> {
  const form: CodeForm = { valid_days: validDays }
  return json('POST', `/schools/${encodeURIComponent(school)}/codes`, { body: form })
}

export function revokeCodes(school: string): Promise<Count> {
  return json('DELETE', `/schools/${encodeURIComponent(school)}/codes`)
}

export function revokeKey(school: string): Promise<Count> {
  return json('POST', `/schools/${encodeURIComponent(school)}/revoke-key`, { body: {} })
}

// ---------------------------------------------------------------- 查询与统计

export function teachers(q: string, school: string, page: number, size: number): Promise<TeacherPage> {
  return json('GET', '/teachers' + query({ q, school, page, size }))
}

export function stats(school: string): Promise<Stats> {
  return json('GET', '/stats' + query({ school }))
}

export function downloadStats(school: string): Promise<string> {
  return download('/stats.xlsx' + query({ school }), 'stats.xlsx')
}

// ---------------------------------------------------------------- accounts

export function officers(): Promise<OfficerEntry[]> {
  return json('GET', '/officers')
}

export async function addOfficer(officer: NewOfficer): Promise<void> {
  await send('POST', '/officers', { body: officer })
}

export async function resetPassword(username: string, password: string): Promise<void> {
  const form: PasswordForm = { password }
  await send('POST', `/officers/${encodeURIComponent(username)}/password`, { body: form })
}

export function audit(before?: number): Promise<AuditLine[]> {
  return json('GET', '/audit' + query({ before }))
}

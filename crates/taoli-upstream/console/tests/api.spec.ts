import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as api from '../src/api'

type Call = { url: string; init: RequestInit }

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

let calls: Call[] = []
let replies: Response[] = []

beforeEach(() => {
  calls = []
  replies = []
  api.setCsrf('')
  api.whenSignedOut(() => {})
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    const reply = replies.shift()
    if (!reply) throw new TypeError('Failed to fetch')
    return reply
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

const session = {
  officer: { id: 1, username: 'santai', display_name: '张科员', org: '510722', org_name: '三台县', level: 'county', role: 'info_admin' },
  role_label: '信息管理员',
  csrf: 'token-from-login',
}

function header(call: Call | undefined, name: string): string | undefined {
  return (call?.init.headers as Record<string, string> | undefined)?.[name]
}

describe('the API client', () => {
  it('sends the CSRF token from the sign-in with every change', async () => {
    replies.push(answer(200, session), answer(200, { code: 'ABCD-EFGH', valid_days: 30 }))
    await api.login('santai', 'county2027pass')
    await api.issueCode('2151072201', 30)
    expect(calls[1]?.url).toBe('/console/api/schools/2151072201/codes')
    expect(calls[1]?.init.method).toBe('POST')
    expect(header(calls[1], 'X-CSRF-Token')).toBe('token-from-login')
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual({ valid_days: 30 })
  })

  it('takes the CSRF token of a restored session and sends it on a DELETE', async () => {
    replies.push(answer(200, { ...session, csrf: 'restored' }), answer(200, { count: 1 }))
    await api.session()
    await api.revokeCodes('2151072201')
    expect(calls[1]?.init.method).toBe('DELETE')
    expect(header(calls[1], 'X-CSRF-Token')).toBe('restored')
  })

  it('sends no CSRF token on a read', async () => {
    replies.push(answer(200, []))
    api.setCsrf('secret')
    await api.schools()
    expect(header(calls[0], 'X-CSRF-Token')).toBeUndefined()
  })

  it('throws the API’s own Chinese message when a request is refused', async () => {
    replies.push(answer(423, { code: 'account_locked', message: '账号已锁定，请 15 分钟后再试' }))
    const error = await api.login('santai', 'wrong-password-1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(api.ApiError)
    expect((error as api.ApiError).status).toBe(423)
    expect((error as api.ApiError).code).toBe('account_locked')
    expect(api.errorMessage(error)).toBe('账号已锁定，请 15 分钟后再试')
  })

  it('hands a 401 on any request to the signed-out handler and forgets the token', async () => {
    const signedOut = vi.fn()
    api.whenSignedOut(signedOut)
    api.setCsrf('old')
    replies.push(answer(401, { code: 'not_signed_in', message: '请先登录' }))
    await expect(api.progress()).rejects.toThrow('请先登录')
    expect(signedOut).toHaveBeenCalledTimes(1)
    expect(api.csrfToken()).toBe('')
  })

  it('does not treat a wrong password at sign-in as a lost session', async () => {
    const signedOut = vi.fn()
    api.whenSignedOut(signedOut)
    replies.push(answer(401, { code: 'not_signed_in', message: '用户名或密码不对' }))
    await expect(api.login('santai', 'nope-nope-1')).rejects.toThrow('用户名或密码不对')
    expect(signedOut).not.toHaveBeenCalled()
  })

  it('says the status when the error body is not the API’s JSON', async () => {
    replies.push(new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    await expect(api.schools()).rejects.toThrow('502')
  })

  it('says the server lacks an endpoint that answers with a page instead of JSON', async () => {
    replies.push(new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }))
    await expect(api.teachers('', '', 1, 20)).rejects.toThrow('还没有 /console/api/teachers 接口')
  })

  it('says the server cannot be reached when the request fails', async () => {
    await expect(api.schools()).rejects.toThrow('连不上服务器')
  })

  it('puts only the given period and filters into the query string', async () => {
    replies.push(answer(200, {}), answer(200, {}))
    await api.progress({ deadline: '2027-03-31', grace: 0 })
    await api.queue('', 2, 10)
    expect(calls[0]?.url).toBe('/console/api/progress?deadline=2027-03-31&grace=0')
    expect(calls[1]?.url).toBe('/console/api/queue?page=2&size=10')
  })

  it('sends a bulk decision as the API reads it', async () => {
    replies.push(answer(200, { decided: 1, not_decided: [] }))
    await api.decide([{ batch_id: 'b', record: 'r' }], 'returned', '姓名与证件不符')
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      items: [{ batch_id: 'b', record: 'r' }],
      decision: 'returned',
      reason: '姓名与证件不符',
    })
  })
})

describe('attachmentName', () => {
  it('prefers the UTF-8 file name of RFC 5987', () => {
    const disposition = `attachment; filename="progress.xlsx"; filename*=UTF-8''${encodeURIComponent('报送进度-2027-03-31.xlsx')}`
    expect(api.attachmentName(disposition, 'x.xlsx')).toBe('报送进度-2027-03-31.xlsx')
  })

  it('falls back to the plain name, then to the given one', () => {
    expect(api.attachmentName('attachment; filename="a.xlsx"', 'x.xlsx')).toBe('a.xlsx')
    expect(api.attachmentName(null, 'x.xlsx')).toBe('x.xlsx')
  })
})
